// Synthetic data (generated for the demo or for tests, not real services' data) is marked wherever it reaches a
// reader: a banner at the top of every page that shows any, a tag on each figure, highlight and service page
// resting on it, and the figure's own note saying which data is synthetic (the publisher writes it first).
import { el } from "./format.js";

export const SYNTHETIC_NOTE_PREFIX = "SYNTHETIC DATA:";

/** The tag beside anything that rests on synthetic data. */
export function syntheticTag() {
  return el("strong", { class: "govuk-tag govuk-tag--orange pps-synthetic-tag" }, "Synthetic data");
}

/**
 * The banner a page opens with when it shows any synthetic data; null when it shows none. `what` says what on
 * this page is synthetic, in a sentence a reader can act on.
 */
export function syntheticBanner(what) {
  if (!what) return null;
  return el("div", { class: "govuk-warning-text pps-synthetic-banner", "data-synthetic-banner": "true" },
    el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
    el("strong", { class: "govuk-warning-text__text" },
      el("span", { class: "govuk-visually-hidden" }, "Warning: "),
      "This page shows synthetic data: figures generated for a demonstration, not real services' returns. ",
      what));
}

/** A figure's note saying which of its data is synthetic, without the machine prefix. */
export function syntheticNote(figure) {
  const note = (figure.notes ?? []).find((n) => n.startsWith(SYNTHETIC_NOTE_PREFIX));
  return note ? note.slice(SYNTHETIC_NOTE_PREFIX.length).trim().replace(/^./, (c) => c.toUpperCase()) : null;
}

/** The banner's sentence for a set of figures and highlights, or null when none is synthetic. */
export function describeSyntheticFigures(figures, highlights = []) {
  const marked = figures.filter((f) => f.synthetic);
  const statements = highlights.filter((h) => h.synthetic).length;
  if (marked.length === 0 && statements === 0) return null;
  const refs = marked.length === figures.length ? "every figure" : `${marked.length} of the ${figures.length} figures`;
  return `Here ${refs}${statements ? ` and ${statements} of the ${highlights.length} statements` : ""} rest on synthetic data; each is marked "Synthetic data" and its notes say which data.`;
}
