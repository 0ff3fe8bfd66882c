// Reconciliation with the printed report: each statement of the printed report beside the value the
// returns give, and why they differ. Read from the published reconciliation file of the year.
import { loadOptional, url } from "../data.js";
import { el, cellNode } from "../format.js";
import { ready, publishedYearPage } from "../page.js";

/** As printed: a number or a claim ("<=2"), with % for a percentage. */
function printed(s) {
  return s.unit === "pct" && /^[<>=]*[0-9.]+$/.test(s.printed) ? `${s.printed.replace("<=", "≤ ").replace(">=", "≥ ")}%` : s.printed;
}

export async function reconciliation(target) {
  await publishedYearPage(target, show);

  async function show(entry, manifest, body) {
    const found = await loadOptional(manifest, "reconciliation");
    if (!found) {
      body.replaceChildren(el("p", { class: "govuk-body" }, `There is no printed report for ${entry.year} to compare with.`));
      ready();
      return;
    }
    const statements = found.data.statements;
    const differ = statements.filter((s) => !s.agrees);
    const rows = (list) => list.map((s) => el("tr", { class: "govuk-table__row", "data-statement": s.statementId },
      el("td", { class: "govuk-table__cell" }, s.quote, s.reading ? el("p", { class: "govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0" }, `How it is read: ${s.reading}`) : null),
      el("td", { class: "govuk-table__cell" }, s.reportRef),
      el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, printed(s)),
      el("td", { class: "govuk-table__cell govuk-table__cell--numeric" }, cellNode(s.fromReturns, s.unit)),
      el("td", { class: "govuk-table__cell" }, s.agrees ? "Agrees" : (s.reason ?? "Differs"))));
    const table = (id, caption, list) => el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      el("table", { class: "govuk-table pps-table--compact", id },
        el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, caption),
        el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
          ["Statement", "Page or section", "Printed", "From the returns", "Why they differ"].map((h) => el("th", { scope: "col", class: "govuk-table__header" }, h)))),
        el("tbody", { class: "govuk-table__body" }, rows(list))));
    body.replaceChildren(
      el("p", { class: "govuk-body-l" }, `${statements.length} statements of the printed ${entry.year} report checked against the returns: ${statements.length - differ.length} agree, ${differ.length} differ.`),
      table("differ", `Statements that differ from the returns (${differ.length})`, differ),
      table("agree", `Statements that agree (${statements.length - differ.length})`, statements.filter((s) => s.agrees)),
      el("ul", { class: "govuk-list pps-downloads" }, el("li", {}, el("a", { class: "govuk-link", href: url(found.entry.path) }, "The comparison as JSON"))));
    ready();
  }

}
