// A service's benchmarking pack: what NPPN used to send each service as its "electronic charts", and what a service
// puts in its own annual report (its ratings beside everyone's, and each Part 2 measure beside the quartiles, its
// neighbours and its rank). Chart configs and the CSV of the service's own figures, from its published page
// (docs/schema/service.schema.json); service.js lays them out.
import { formatCell } from "./format.js";

const LEVELS = [
  { key: "pctBest", label: "Best practice", colour: "#00703c" },
  { key: "pctGood", label: "Good practice", colour: "#1d70b8" },
  { key: "pctNotCompleted", label: "Not completed", colour: "#b1b4b6" },
  { key: "pctNonCompliant", label: "Non-compliant", colour: "#d4351c" },
];
const RATING_LEVEL = { B: "pctBest", G: "pctGood", x: "pctNotCompleted", N: "pctNonCompliant" };

const percent = { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } };

/**
 * The service's own ratings as shares of its rated exemplifications, beside the mean share of every service and of
 * its region over the same exemplifications: how its self-assessment compares at a glance (the printed packs'
 * first chart). Null when it rated none.
 */
export function ratingsProfile(service) {
  const rated = (service.ratings ?? []).filter((r) => r.rating);
  if (rated.length === 0) return null;
  const own = Object.fromEntries(LEVELS.map((l) => [l.key, Math.round((100 * rated.filter((r) => RATING_LEVEL[r.rating] === l.key).length) / rated.length)]));
  const mean = (group, key) => {
    const values = rated.map((r) => r[group]?.[key]).filter((v) => typeof v === "number");
    return values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  };
  const rows = [
    { label: "This service", values: own, count: rated.length },
    { label: "All services (mean share)", values: Object.fromEntries(LEVELS.map((l) => [l.key, mean("national", l.key)])) },
    { label: `${service.region ?? "Its region"} (mean share)`, values: Object.fromEntries(LEVELS.map((l) => [l.key, mean("regional", l.key)])) },
  ];
  return {
    rows,
    levels: LEVELS,
    config: {
      type: "bar",
      data: {
        labels: rows.map((r) => r.label),
        datasets: LEVELS.map((l) => ({ label: l.label, data: rows.map((r) => r.values[l.key]), backgroundColor: l.colour, borderColor: l.colour })),
      },
      options: { indexAxis: "y", scales: { x: { ...percent, stacked: true }, y: { stacked: true } } },
    },
  };
}

/** Each exemplification's share rated Best or Good, nationally and in the region, labelled with the service's own rating. */
export function ratingsAgainstShares(service) {
  const ratings = service.ratings ?? [];
  if (ratings.length === 0) return null;
  const region = service.region ?? "its region";
  return {
    type: "bar",
    data: {
      labels: ratings.map((r) => `${r.code} (${r.ratingLabel ?? "not rated"})`),
      datasets: [
        { label: "% Best or Good: all services", data: ratings.map((r) => r.national?.pctBestOrGood ?? null), backgroundColor: "#1d70b8", borderColor: "#1d70b8" },
        { label: `% Best or Good: ${region}`, data: ratings.map((r) => r.regional?.pctBestOrGood ?? null), backgroundColor: "#f47738", borderColor: "#f47738" },
      ],
    },
    options: { indexAxis: "y", scales: { x: percent, y: { ticks: { autoSkip: false } } } },
  };
}

const GROUPS = [
  ["national", "All services"],
  ["regional", "Region"],
  ["neighbours", "Neighbours"],
];

/**
 * One Part 2 measure: the service's value as a bar and a dashed line across, beside each group's lower-to-upper
 * quartile range (a floating bar) and its median (a mark). Null when neither the service nor any group has a value.
 */
/** A label as lines of at most about 8 characters, broken between words ("South West" → ["South", "West"]). */
function wrapLabel(label) {
  const lines = [];
  for (const word of label.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 8) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function measureChart(line, region) {
  const groups = GROUPS.map(([key, label]) => ({ label: key === "regional" && region ? region : label, c: line[key] }));
  const hasGroups = groups.some((g) => g.c && g.c.returns > 0 && g.c.median !== null);
  if (line.value === null && !hasGroups) return null;
  const labels = ["This service", ...groups.map((g) => g.label)];
  const range = (c) => (c && c.returns > 0 && c.lowerQuartile !== null && c.upperQuartile !== null ? [c.lowerQuartile, c.upperQuartile] : null);
  const value = line.value;
  return {
    type: "bar",
    data: {
      // Four names under a half-page chart: each on lines of its own words, so that none runs into the next.
      labels: labels.map(wrapLabel),
      datasets: [
        { type: "bar", label: "This service", data: [value, null, null, null], backgroundColor: "#0b0c0c", grouped: false, order: 2 },
        { type: "bar", label: "Lower to upper quartile", data: [null, ...groups.map((g) => range(g.c))], backgroundColor: "#9ec3e6", borderColor: "#1d70b8", borderWidth: 1, grouped: false, order: 3 },
        { type: "line", label: "Median", data: [null, ...groups.map((g) => (g.c && g.c.returns > 0 ? g.c.median : null))], showLine: false, pointStyle: "line", pointRadius: 18, pointBorderWidth: 3, borderColor: "#0b0c0c", backgroundColor: "#0b0c0c", order: 1 },
        ...(value === null ? [] : [{ type: "line", label: "This service's value", data: labels.map(() => value), borderColor: "#d4351c", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false, order: 0 }]),
      ],
    },
    options: {
      // The axis steps no finer than its labels read (a count in whole numbers, anything else to 2 decimals, as
      // formatCell writes them): a step of 0.25 would read "0, 0, 1, 1" as a count.
      scales: { x: { ticks: { autoSkip: false, maxRotation: 0 } }, y: { beginAtZero: true, ticks: { precision: line.unit === "count" ? 0 : 2, callback: (v) => formatCell(v, line.unit) } } },
      // In the measure's unit, as on its axis: "£600,000"; a quartile range as "from to".
      plugins: { legend: { labels: { boxWidth: 14 } }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${[c.raw].flat().map((v) => formatCell(v, line.unit)).join(" to ")}` } } },
    },
  };
}

// The CSV of the service's own figures: one row per exemplification and per Part 2 measure, the numbers as
// published (not rounded for display), so a service can chart them in its own annual report.
const HEADER = [
  "Service number", "Service", "Region", "Year", "Part", "Item", "Unit", "This service", "Last year", "Change since last year",
  "Rank (1 = highest)", "Services ranked",
  "All services: % Best or Good", "All services: % Non-compliant", "Region: % Best or Good", "Region: % Non-compliant",
  "All services: median", "All services: lower quartile", "All services: upper quartile",
  "Region: median", "Region: lower quartile", "Region: upper quartile",
  "Statistical neighbours: median", "Statistical neighbours: lower quartile", "Statistical neighbours: upper quartile",
];
export const SYNTHETIC_COLUMN = "Synthetic data";
const UNIT_WORDS = { gbp: "£", pct: "%", count: "count", fte: "full-time equivalent", per1000: "per 1,000", ratio: "ratio" };
const CHANGE_WORDS = { higher: "higher", lower: "lower", same: "same" };

function csvCell(value) {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // As the published CSVs do: text a spreadsheet would run as a formula is escaped; a negative number is left alone.
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text;
}

const quartiles = (c) => (c && c.returns > 0 ? [c.median, c.lowerQuartile, c.upperQuartile] : [null, null, null]);

/**
 * The rows of the service's CSV (header first). A page resting on synthetic data ends every row with a
 * "Synthetic data" column saying "yes", as each published figure's CSV does: a CSV travels without its page.
 */
export function serviceCsvRows(service) {
  const synthetic = (service.synthetic ?? []).length > 0;
  const front = [service.serviceId, service.serviceName, service.region, service.year];
  const rows = [[...HEADER, ...(synthetic ? [SYNTHETIC_COLUMN] : [])]];
  const end = synthetic ? ["yes"] : [];
  for (const r of service.ratings ?? []) {
    rows.push([...front, "Self-assessment", `${r.code} ${r.title}`, "rating", r.ratingLabel, r.previousLabel, CHANGE_WORDS[r.change] ?? null,
      null, null,
      r.national?.pctBestOrGood, r.national?.pctNonCompliant, r.regional?.pctBestOrGood, r.regional?.pctNonCompliant,
      null, null, null, null, null, null, null, null, null, ...end]);
  }
  for (const l of service.lines ?? []) {
    rows.push([...front, "Additional data", l.title, UNIT_WORDS[l.unit] ?? l.unit, l.value, null, null,
      l.rank, l.rank ? l.national?.returns : null,
      null, null, null, null,
      ...quartiles(l.national), ...quartiles(l.regional), ...quartiles(l.neighbours), ...end]);
  }
  return rows;
}

export function serviceCsv(service) {
  return serviceCsvRows(service).map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
