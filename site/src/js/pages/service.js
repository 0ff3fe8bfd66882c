// One service's page, its benchmarking pack: its 34 self-ratings beside the national and regional shares (charts and
// table), its change since last year, and each Part 2 measure against national, regional and statistical
// neighbours' quartiles with its rank; a CSV of its own figures; a print view (?print=1, and any printing) that
// the service-pdf command renders to A4. Everything comes from the service's page in its published shard (one
// request); the list of services from the key to service numbers.
import { loadOptional, loadService, url } from "../data.js";
import { el, cellNode, formatCell, pluralise } from "../format.js";
import { ready, publishedYearPage } from "../page.js";
import { syntheticBanner } from "../synthetic.js";
import { draw, resizeAll } from "../charts.js";
import { measureChart, ratingsAgainstShares, ratingsProfile, serviceCsv } from "../pack.js";

const CHANGE = { higher: "Higher than last year", lower: "Lower than last year", same: "Same as last year" };

function pct(share, key) {
  if (!share || share.returns === 0 || share[key] === null) return el("span", { class: "pps-nodata" }, "no data");
  return formatCell(share[key], "pct");
}

function ratingsTable(service) {
  const ratings = service.ratings ?? [];
  if (ratings.length === 0) return el("p", { class: "govuk-body" }, "This service gave no self-ratings this year.");
  const region = service.region ?? "its region";
  const national = Math.max(...ratings.map((r) => r.national.returns));
  const regional = Math.max(...ratings.map((r) => r.regional?.returns ?? 0));
  const headers = [
    "Exemplification", "Rating", `Last year (${service.year - 1})`, "Change",
    `Best or Good: all services (${national})`, `Best or Good: ${region} (${regional})`,
    `Non-compliant: all services`, `Non-compliant: ${region}`,
  ];
  return el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": "Self-ratings" },
    el("table", { class: "govuk-table pps-table--compact", id: "ratings" },
      el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, `${service.serviceName}'s self-ratings on the ${ratings.length} exemplifications`),
      el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
        headers.map((h, i) => el("th", { scope: "col", class: `govuk-table__header${i >= 4 ? " govuk-table__header--numeric" : ""}` }, h)))),
      el("tbody", { class: "govuk-table__body" }, ratings.map((r) => el("tr", { class: "govuk-table__row", "data-code": r.code },
        el("th", { scope: "row", class: "govuk-table__header" }, `${r.code} ${r.title}`),
        el("td", { class: "govuk-table__cell", "data-rating": r.rating ?? "" }, r.ratingLabel ?? el("span", { class: "pps-nodata" }, "not rated")),
        el("td", { class: "govuk-table__cell" }, r.previousLabel ?? el("span", { class: "pps-nodata" }, "no rating")),
        el("td", { class: "govuk-table__cell" }, CHANGE[r.change] ?? el("span", { class: "pps-nodata" }, "no comparison")),
        el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, pct(r.national, "pctBestOrGood")),
        el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, pct(r.regional, "pctBestOrGood")),
        el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, pct(r.national, "pctNonCompliant")),
        el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, pct(r.regional, "pctNonCompliant")))))),
    el("p", { class: "govuk-body-s" }, "Shares are of the participating services that rated the exemplification (a blank rating is not a level), rounded to the nearest whole number; the number of those services is in brackets."));
}

function comparison(c, unit) {
  if (!c) return el("span", { class: "pps-nodata" }, "none loaded");
  if (c.returns === 0) return el("span", { class: "pps-nodata" }, "no data");
  return `median ${formatCell(c.median, unit)} (quartiles ${formatCell(c.lowerQuartile, unit) ?? "–"} to ${formatCell(c.upperQuartile, unit) ?? "–"}), ${pluralise(c.returns, "service", "services")}`;
}

function measuresTable(service) {
  return el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": "Additional data measures" },
    el("table", { class: "govuk-table pps-table--compact", id: "measures" },
      el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, "Additional data: this service beside national, regional and statistical neighbours' figures"),
      el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
        ["Measure", "This service", "Rank", "National", `Regional (${service.region ?? "no region"})`, "Statistical neighbours"].map((h) => el("th", { scope: "col", class: "govuk-table__header" }, h)))),
      el("tbody", { class: "govuk-table__body" }, service.lines.map((l) => el("tr", { class: "govuk-table__row" },
        el("th", { scope: "row", class: "govuk-table__header" }, l.title),
        el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, cellNode(l.value, l.unit)),
        el("td", { class: "govuk-table__cell" }, l.rank ? `${l.rank} of ${l.national.returns}` : el("span", { class: "pps-nodata" }, "no data")),
        el("td", { class: "govuk-table__cell" }, comparison(l.national, l.unit)),
        el("td", { class: "govuk-table__cell" }, comparison(l.regional, l.unit)),
        el("td", { class: "govuk-table__cell" }, comparison(l.neighbours, l.unit)))))));
}

/** A chart with its text alternative; draw() once it is in the document (Chart.js measures its box). */
function chartBox(id, label, config, size = "") {
  const canvas = el("canvas", { role: "img", "aria-label": label }, label);
  const box = el("div", { class: `pps-chart ${size}`.trim(), "data-chart": id }, canvas);
  return { box, draw: (print) => { draw(canvas, config, { devicePixelRatio: print ? 2 : undefined }); box.dataset.drawn = "true"; } };
}

function profileSection(service, charts) {
  const profile = ratingsProfile(service);
  if (!profile) return null;
  const chart = chartBox("ratings-profile", `Bar chart: ${service.serviceName}'s self-ratings by level, as shares of the exemplifications it rated, beside the mean shares of all services and of its region. The same figures are in the table that follows.`, profile.config, "pps-chart--short");
  charts.push(chart);
  return el("section", { class: "pps-pack-part", "aria-labelledby": "pack-profile-title" },
    el("h2", { class: "govuk-heading-l", id: "pack-profile-title" }, "Self-assessment at a glance"),
    chart.box,
    el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": "Self-ratings by level" },
      el("table", { class: "govuk-table pps-table--compact", id: "ratings-profile" },
        el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, `Share of the ${profile.rows[0].count} exemplifications ${service.serviceName} rated, by level`),
        el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
          el("th", { scope: "col", class: "govuk-table__header" }, "Who"),
          profile.levels.map((l) => el("th", { scope: "col", class: "govuk-table__header govuk-table__header--numeric" }, l.label)))),
        el("tbody", { class: "govuk-table__body" }, profile.rows.map((row) => el("tr", { class: "govuk-table__row" },
          el("th", { scope: "row", class: "govuk-table__header" }, row.label),
          profile.levels.map((l) => el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, cellNode(row.values[l.key], "pct")))))))),
    el("p", { class: "govuk-body-s" }, "A mean share is the average, over the same exemplifications, of the share of services rating each level."));
}

function sharesSection(service, charts) {
  const config = ratingsAgainstShares(service);
  if (!config) return null;
  const chart = chartBox("ratings-shares", `Bar chart: for each exemplification, the share of all services and of services in ${service.region ?? "its region"} rating it Best or Good; each label gives ${service.serviceName}'s own rating. The same figures are in the table that follows.`, config, "pps-chart--pack-tall");
  charts.push(chart);
  return el("section", { class: "pps-pack-part", "aria-labelledby": "pack-ratings-title" },
    el("h2", { class: "govuk-heading-l", id: "pack-ratings-title" }, "Self-ratings against all services and the region"),
    chart.box,
    ratingsTable(service));
}

function measuresSection(service, charts) {
  const region = service.region;
  const before = charts.length;
  const blocks = service.lines.map((l, i) => {
    const config = measureChart(l, region);
    const rank = l.rank ? `rank ${l.rank} of ${l.national.returns}` : "no rank";
    const value = formatCell(l.value, l.unit) ?? "no data";
    const heading = el("h3", { class: "govuk-heading-s", id: `pack-measure-${i}` }, l.title);
    const summary = el("p", { class: "govuk-body-s pps-figure__meta" }, `This service: ${value}, ${rank}.`);
    if (!config) return el("div", { class: "pps-pack-measure", "aria-labelledby": `pack-measure-${i}` }, heading, summary, el("p", { class: "govuk-body-s pps-nodata" }, "No data to chart."));
    const chart = chartBox(`measure-${l.measureId}`, `Bar chart: ${l.title}. This service: ${value}, ${rank}; beside it the lower to upper quartile and median of all services, its region and its statistical neighbours. The same figures are in the table that follows.`, config, "pps-chart--measure");
    charts.push(chart);
    return el("div", { class: "pps-pack-measure" }, heading, summary, chart.box);
  });
  const none = charts.length === before;
  return el("section", { class: "pps-pack-part", "aria-labelledby": "pack-measures-title" },
    el("h2", { class: "govuk-heading-l", id: "pack-measures-title" }, "Additional data against the quartiles, the region and statistical neighbours"),
    none
      ? el("p", { class: "govuk-body", "data-no-part-2": "true" }, `No additional data (Part 2) were published for ${service.year}, from this service or any other: there is nothing to chart.`)
      : [el("p", { class: "govuk-body-s" }, "Each chart: this service's value (black bar, red dashed line across), and for all services, its region and its statistical neighbours the range from the lower to the upper quartile (blue) with the median marked."),
        el("div", { class: "pps-pack-measures" }, blocks)],
    measuresTable(service),
    el("p", { class: "govuk-body-s" }, "Medians and quartiles as the national figures compute them (Excel PERCENTILE.INC); rank 1 is the highest value among the services that gave the measure."));
}

function csvLink(service) {
  const href = URL.createObjectURL(new Blob([serviceCsv(service)], { type: "text/csv;charset=utf-8" }));
  return el("a", { class: "govuk-link", href, download: `service-${service.serviceId}-${service.year}.csv`, "data-service-csv": "true" },
    `${service.serviceName}'s figures as CSV${(service.synthetic ?? []).length ? " (marked synthetic)" : ""}`);
}

function serviceList(key, year) {
  const services = (key?.data.services ?? []).filter((s) => s.status === "returned").sort((a, b) => a.serviceId - b.serviceId);
  return el("div", {},
    el("h2", { class: "govuk-heading-l" }, `Services with a return in ${year}`),
    el("p", { class: "govuk-body" }, `${services.length} services. Choose one to see its ratings and figures beside the national and regional ones.`),
    el("ul", { class: "govuk-list pps-service-list" }, services.map((s) =>
      el("li", {}, el("a", { class: "govuk-link", href: `service.html?year=${year}&id=${s.serviceId}` }, `${s.serviceId} ${s.name}`)))));
}

export async function service(target) {
  const print = matchMedia("print").matches || new URLSearchParams(location.search).has("print");
  document.body.classList.toggle("pps-paper", print);
  // Printed from the screen page, the charts are drawn again at the paper's sizes.
  for (const event of ["beforeprint", "afterprint"]) window.addEventListener(event, resizeAll);
  await publishedYearPage(target, show);

  async function show(entry, manifest, body) {
    const id = new URLSearchParams(location.search).get("id");
    const found = id ? await loadService(manifest, id) : null;
    if (!found) {
      document.body.classList.remove("pps-pack", "pps-pack--synthetic");
      const key = await loadOptional(manifest, "key");
      // A number in the key is a service that sent no return this year; any other is no service at all.
      const known = (key?.data.services ?? []).find((s) => String(s.serviceId) === id);
      const why = known ? `${known.serviceId} ${known.name} has no return published for ${entry.year}.` : `There is no such service: no service has the number ${id}.`;
      body.replaceChildren(
        ...(id ? [el("div", { class: "govuk-inset-text", "data-not-found": known ? "no-return" : "no-such-service" }, why)] : []),
        serviceList(key, entry.year));
      document.querySelector("h1").textContent = "Services";
      ready();
      return;
    }
    const data = found.data;
    document.querySelector("h1").textContent = `${data.serviceId} ${data.serviceName}`;
    document.title = `${data.serviceName} ${entry.year} – Parent Partnership Services national benchmarking`;
    const synthetic = data.synthetic ?? [];
    const charts = [];
    // On paper every page's footer says the pack holds synthetic data (the named page in site.scss).
    document.body.classList.toggle("pps-pack--synthetic", synthetic.length > 0);
    document.body.classList.toggle("pps-pack", synthetic.length === 0);
    body.replaceChildren(
      ...(synthetic.length ? [syntheticBanner(synthetic.join(" "))] : []),
      el("p", { class: "govuk-body-l" }, `Benchmarking pack ${entry.year}: service ${data.serviceId}, ${data.region ?? "region not known"}.${data.method ? ` Self-assessment completed by: ${data.method}.` : ""}`),
      el("p", { class: "govuk-body pps-print-only" }, `From the national figures NPPN published on ${new Date(manifest.createdAt).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })} (version ${manifest.version}).`),
      el("ul", { class: "govuk-list pps-downloads" },
        el("li", {}, csvLink(data)),
        el("li", {}, el("a", { class: "govuk-link", href: `service.html?year=${entry.year}&id=${data.serviceId}&print=1`, "data-print-view": "true" }, "Print view (A4)")),
        el("li", {}, el("a", { class: "govuk-link", href: url(found.entry.path), download: `service-${entry.year}-${found.entry.figureId}.json` },
          found.entry.kind === "services" ? `Figures of services ${found.entry.first} to ${found.entry.last} as JSON` : "This service's figures as JSON"))),
      profileSection(data, charts) ?? el("p", { class: "govuk-body" }, "This service gave no self-ratings this year."),
      sharesSection(data, charts) ?? "",
      measuresSection(data, charts),
      el("p", { class: "govuk-body pps-noprint" }, el("a", { class: "govuk-link", href: `service.html?year=${entry.year}` }, "All services")));
    for (const chart of charts) chart.draw(print);
    ready();
  }

}
