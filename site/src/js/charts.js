// Draws a figure as a chart with Chart.js. Which columns go where follows from the figure's kind and its
// columns' units; a figure with nothing to draw gets no chart (its table says "no data").
import {
  Chart, BarController, DoughnutController, LineController, ScatterController,
  ArcElement, BarElement, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip,
} from "chart.js";
import { formatCell } from "./format.js";

// Only what the site draws (bar, doughnut, line and scatter charts on category and linear axes), not every chart type,
// scale and plugin Chart.js has: the bundle is held under 150 KB compressed, and the browser parses less before the
// dashboard's first charts.
Chart.register(BarController, DoughnutController, LineController, ScatterController,
  ArcElement, BarElement, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.family = "system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif";
Chart.defaults.color = "#0b0c0c";

const PALETTE = ["#1d70b8", "#00703c", "#f47738", "#d4351c", "#4c2c92", "#505a5f", "#28a197", "#912b88", "#b58840"];
const LEVEL_COLOURS = { best: "#00703c", good: "#1d70b8", not_completed: "#b1b4b6", non_compliant: "#d4351c" };
const NUMERIC = new Set(["count", "pct", "gbp", "fte", "ratio", "per1000", "coefficient"]);
const ID_COLUMNS = new Set(["level", "method", "option", "role", "category", "base", "measure"]);

function colour(column, i) {
  const level = Object.keys(LEVEL_COLOURS).find((key) => column.id.includes(key));
  return level && !column.id.includes("_or_") ? LEVEL_COLOURS[level] : PALETTE[i % PALETTE.length];
}

function labelColumn(figure) {
  const byId = (id) => figure.columns.findIndex((c) => c.id === id);
  for (const id of ["label", "title", "code", "service_id"]) {
    const i = byId(id);
    if (i >= 0 && !(figure.id === "chart-4" && id === "title")) return i;
  }
  return Math.max(0, figure.columns.findIndex((c) => c.unit === "text" || c.unit === "year"));
}

function hasData(figure, i) {
  return figure.rows.some((row) => typeof row[i] === "number");
}

function numericColumns(figure, filter = () => true) {
  return figure.columns
    .map((column, i) => ({ column, i }))
    .filter(({ column, i }) => NUMERIC.has(column.unit) && column.id !== "returns" && filter(column) && hasData(figure, i));
}

/** The chart for a figure as Chart.js config, or null when the figure has nothing to draw. */
export function chartConfig(figure) {
  if (figure.kind === "table" || figure.rows.length === 0) return null;
  const labelsAt = labelColumn(figure);
  const labels = figure.rows.map((row) => String(row[labelsAt] ?? ""));
  const dataset = ({ column, i }, n, extra = {}) => ({
    label: column.label,
    data: figure.rows.map((row) => row[i]),
    backgroundColor: colour(column, n),
    borderColor: colour(column, n),
    ...extra,
  });
  const axisTitle = (text) => ({ display: Boolean(text), text });
  const unitOf = (columns) => columns[0]?.column.unit;
  // Money reads on an axis and in a tooltip as in the tables (the column's unit "gbp"): "£600,000", never "600,000".
  const money = (unit) => (unit === "gbp" ? { ticks: { callback: (v) => formatCell(v, unit) } } : {});
  const scaleFor = (unit, extra = {}) => ({
    beginAtZero: true,
    ...(unit === "pct" ? { max: extra.stacked ? 100 : undefined, ticks: { callback: (v) => `${v}%` } } : money(unit)),
    ...extra,
  });
  const tooltipIn = (unit, text = (raw) => formatCell(raw, unit)) => ({ tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${text(c.raw)}` } } });

  switch (figure.kind) {
    case "pie": {
      const value = numericColumns(figure, (c) => c.id === "pct")[0] ?? numericColumns(figure)[0];
      if (!value) return null;
      return {
        type: "doughnut",
        data: { labels, datasets: [{ label: value.column.label, data: figure.rows.map((r) => r[value.i]), backgroundColor: figure.rows.map((_, i) => PALETTE[i % PALETTE.length]) }] },
        // Chart.js cuts a legend entry wider than its box rather than wrap it: beside the chart, a long answer (Chart 1's
        // "Completed by the PPO with the management/steering group") lost its end, so long answers go below it.
        options: { plugins: { legend: { position: labels.some((l) => l.length > 24) ? "bottom" : "right" } } },
      };
    }
    case "bar": {
      let columns = numericColumns(figure, (c) => c.unit === "pct" && c.id !== "cumulative_pct");
      if (columns.length === 0) columns = numericColumns(figure, (c) => c.unit === "count");
      if (columns.length === 0) return null;
      const horizontal = labels.some((l) => l.length > 20) || labels.length > 8;
      // Rows that are rating levels keep the levels' colours (Best green ... Non-compliant red) in every year.
      const levels = figure.columns[0]?.id === "level" ? figure.rows.map((r) => LEVEL_COLOURS[r[0]] ?? PALETTE[0]) : null;
      return {
        type: "bar",
        data: { labels, datasets: columns.map((c, n) => dataset(c, n, levels && columns.length === 1 ? { backgroundColor: levels, borderColor: levels } : {})) },
        options: {
          indexAxis: horizontal ? "y" : "x",
          scales: { [horizontal ? "x" : "y"]: scaleFor(unitOf(columns)) },
          plugins: { legend: { display: columns.length > 1 }, ...tooltipIn(unitOf(columns)) },
        },
      };
    }
    case "stacked-bar": {
      let columns = numericColumns(figure, (c) => c.unit === "pct" && !c.id.includes("_or_"));
      if (columns.length === 0) columns = numericColumns(figure);
      if (columns.length === 0) return null;
      const horizontal = labels.length > 12;
      return {
        type: "bar",
        data: { labels, datasets: columns.map((c, n) => dataset(c, n)) },
        options: {
          indexAxis: horizontal ? "y" : "x",
          scales: {
            x: horizontal ? scaleFor(unitOf(columns), { stacked: true }) : { stacked: true },
            y: horizontal ? { stacked: true, ticks: { autoSkip: false } } : scaleFor(unitOf(columns), { stacked: true }),
          },
          plugins: tooltipIn(unitOf(columns)),
        },
      };
    }
    case "ranked": {
      const value = numericColumns(figure, (c) => c.id === "value" || c.id === "change_pct")[0];
      if (!value) return null;
      const rows = figure.rows.filter((r) => typeof r[value.i] === "number").sort((a, b) => b[value.i] - a[value.i]);
      return {
        type: "bar",
        data: { labels: rows.map((r) => String(r[labelsAt])), datasets: [{ label: value.column.label, data: rows.map((r) => r[value.i]), backgroundColor: PALETTE[0] }] },
        options: { scales: { x: { title: axisTitle("Service") }, y: scaleFor(value.column.unit, { title: axisTitle(value.column.label) }) }, plugins: { legend: { display: false }, ...tooltipIn(value.column.unit) } },
      };
    }
    case "scatter": {
      const x = figure.columns.findIndex((c) => c.id === "x");
      const y = figure.columns.findIndex((c) => c.id === "y");
      if (x < 0 || y < 0) return null;
      const points = figure.rows.filter((r) => typeof r[x] === "number" && typeof r[y] === "number").map((r) => ({ x: r[x], y: r[y], service: r[labelsAt] }));
      if (points.length === 0) return null;
      const [cx, cy] = [figure.columns[x], figure.columns[y]];
      return {
        type: "scatter",
        data: { datasets: [{ label: "Service", data: points, backgroundColor: PALETTE[0] }] },
        options: {
          scales: { x: { title: axisTitle(cx.label), ...money(cx.unit) }, y: { title: axisTitle(cy.label), ...money(cy.unit) } },
          plugins: { legend: { display: false }, ...tooltipIn(null, (p) => `${p.service}; ${cx.label} ${formatCell(p.x, cx.unit)}; ${cy.label} ${formatCell(p.y, cy.unit)}`) },
        },
      };
    }
    case "line": {
      const columns = numericColumns(figure);
      if (columns.length === 0) return null;
      return { type: "line", data: { labels, datasets: columns.map((c, n) => dataset(c, n, { fill: false })) }, options: { scales: { y: money(unitOf(columns)) }, plugins: tooltipIn(unitOf(columns)) } };
    }
    default:
      return null;
  }
}

/** Draws into the canvas; resolves once the chart is on the canvas. */
export function draw(canvas, config, { devicePixelRatio } = {}) {
  config.options = { responsive: true, maintainAspectRatio: false, ...(devicePixelRatio ? { devicePixelRatio } : {}), ...config.options };
  // Kept on its canvas, so that the browser tests read the axes and tooltips as drawn.
  return (canvas.chart = new Chart(canvas, config));
}

export function resizeAll() {
  for (const chart of Object.values(Chart.instances)) chart.resize();
}

export function tallness(figure, config) {
  if (!config) return "";
  const bars = config.data.labels?.length ?? 0;
  if (config.options?.indexAxis === "y" && bars > 20) return "pps-chart--tall";
  if (config.options?.indexAxis === "y" && bars > 6) return "pps-chart--medium";
  return "";
}

export { ID_COLUMNS };
