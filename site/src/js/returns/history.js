// A return's history as both the form and NPPN's console show it. Reasons and answers (free text a
// service typed) are set as text, never as markup.
import { el } from "../format.js";
import { display } from "./fields.js";
import { dayTime } from "./messages.js";

export function statusText(status) {
  return { "not-started": "Not started", draft: "Draft", submitted: "Submitted", locked: "Locked" }[status] ?? status;
}

/** Who did it, in words: "NPPN" for the admin token, a member of NPPN's staff by name ("nppn:Ann" is "Ann, NPPN"). */
const byWhom = (by) => (by === "nppn" ? "NPPN" : by?.startsWith("nppn:") ? `${by.slice(5)}, NPPN` : by);

/**
 * Every revision and every event of the year that concerns the return (an extension ended by the close), newest
 * first: who and when, what it did and why, and each field from what to what.
 */
export function historyView(revisions, fields, { headingLevel = 2, events = [] } = {}) {
  const title = el(`h${headingLevel}`, { class: headingLevel === 2 ? "govuk-heading-l" : "govuk-heading-m", id: "history-title" }, "History of this return");
  if (!revisions.length && !events.length) return [title, el("p", { class: "govuk-body" }, "Nothing has been saved yet.")];
  // Changes in the order of the form (the definition's), unknown fields last.
  const ids = [...fields.keys()];
  const order = (id) => (ids.includes(id) ? ids.indexOf(id) : ids.length);
  const actions = { "save-draft": "Saved a draft", submit: "Submitted", reopen: "Reopened", amend: "Changed by NPPN" };
  const eventView = (e) => el("div", { class: "pps-revision pps-history-event" },
    el(`h${headingLevel + 1}`, { class: "govuk-heading-s" }, e.action === "extension-ended" ? "Extension ended by the close" : e.action),
    el("p", { class: "govuk-body-s pps-revision__meta" }, `${dayTime(e.at)} by ${byWhom(e.by)}.`),
    e.action === "extension-ended"
      ? el("p", { class: "govuk-body-s" }, `The extension ran until ${dayTime(e.until)}. NPPN closed the collection and published the figures before then, which ended it: the return could no longer be changed.`)
      : null);
  const revisionView = (r) => el("div", { class: "pps-revision" },
    el(`h${headingLevel + 1}`, { class: "govuk-heading-s" }, `Revision ${r.revision}: ${actions[r.action] ?? r.action}`),
    el("p", { class: "govuk-body-s pps-revision__meta" }, `${dayTime(r.at)} by ${byWhom(r.by)}. Status: ${statusText(r.status)}.`),
    r.reason ? el("div", { class: "govuk-inset-text pps-revision__reason" }, el("span", { class: "govuk-visually-hidden" }, "Reason: "), r.reason) : null,
    r.source ? el("p", { class: "govuk-body-s pps-revision__source" }, el("span", { class: "govuk-visually-hidden" }, "Made through: "), r.source) : null,
    r.changes.length
      ? el("table", { class: "govuk-table pps-table--compact" },
        el("caption", { class: "govuk-visually-hidden" }, `Changes in revision ${r.revision}`),
        el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
          ["Question", "From", "To"].map((h) => el("th", { class: "govuk-table__header", scope: "col" }, h)))),
        el("tbody", { class: "govuk-table__body" }, [...r.changes].sort((a, b) => order(a.field) - order(b.field)).map((c) => {
          const field = fields.get(c.field);
          const shown = (v) => display(field, field?.type === "multichoice" && v ? v.split(";") : v) ?? el("span", { class: "pps-nodata" }, "not answered");
          return el("tr", { class: "govuk-table__row" },
            el("th", { class: "govuk-table__header", scope: "row" }, field?.label ?? c.field),
            el("td", { class: "govuk-table__cell" }, shown(c.from)),
            el("td", { class: "govuk-table__cell" }, shown(c.to)));
        })))
      : el("p", { class: "govuk-body-s" }, "No answers changed."));
  // Newest first; at the same time, revisions by number and an event after them (a close comes after the last save).
  const entries = [...revisions.map((r) => ({ at: Date.parse(r.at), order: r.revision, view: () => revisionView(r) })),
    ...events.map((e) => ({ at: Date.parse(e.at), order: Infinity, view: () => eventView(e) }))];
  entries.sort((a, b) => b.at - a.at || b.order - a.order);
  return [title, ...entries.map((entry) => entry.view())];
}
