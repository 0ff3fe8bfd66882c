// One service's page: its 34 self-ratings beside the national and regional shares, its change since last
// year, and each Part 2 measure against national, regional and statistical neighbours' figures with its
// rank. Everything comes from the service's page in its published shard (one request); the list of services
// from the key to service numbers.
import { loadOptional, loadService, url } from "../data.js";
import { el, cellNode, formatCell, pluralise } from "../format.js";
import { ready, publishedYearPage } from "../page.js";
import { syntheticBanner } from "../synthetic.js";

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

function serviceList(key, year) {
  const services = (key?.data.services ?? []).filter((s) => s.status === "returned").sort((a, b) => a.serviceId - b.serviceId);
  return el("div", {},
    el("h2", { class: "govuk-heading-l" }, `Services with a return in ${year}`),
    el("p", { class: "govuk-body" }, `${services.length} services. Choose one to see its ratings and figures beside the national and regional ones.`),
    el("ul", { class: "govuk-list pps-service-list" }, services.map((s) =>
      el("li", {}, el("a", { class: "govuk-link", href: `service.html?year=${year}&id=${s.serviceId}` }, `${s.serviceId} ${s.name}`)))));
}

export async function service(target) {
  await publishedYearPage(target, show);

  async function show(entry, manifest, body) {
    const id = new URLSearchParams(location.search).get("id");
    const found = id ? await loadService(manifest, id) : null;
    if (!found) {
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
    body.replaceChildren(
      ...(synthetic.length ? [syntheticBanner(synthetic.join(" "))] : []),
      el("p", { class: "govuk-body-l" }, `Service ${data.serviceId}, ${data.region ?? "region not known"}, ${entry.year}.${data.method ? ` Self-assessment completed by: ${data.method}.` : ""}`),
      ratingsTable(data),
      measuresTable(data),
      el("p", { class: "govuk-body-s" }, "Medians and quartiles as the national figures compute them (Excel PERCENTILE.INC); rank 1 is the highest value among the services that gave the measure."),
      el("ul", { class: "govuk-list pps-downloads" }, el("li", {}, el("a", { class: "govuk-link", href: url(found.entry.path), download: `service-${entry.year}-${found.entry.figureId}.json` },
        found.entry.kind === "services" ? `Figures of services ${found.entry.first} to ${found.entry.last} as JSON` : "This service's figures as JSON"))),
      el("p", { class: "govuk-body" }, el("a", { class: "govuk-link", href: `service.html?year=${entry.year}` }, "All services")));
    ready();
  }

}
