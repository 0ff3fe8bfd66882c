// What every page shares: the year picker, status messages and the "ready" signal tests and the PDF
// command wait for (body[data-ready] once every chart is drawn).
import { el } from "./format.js";
import { loadIndex, chooseYear, loadManifest } from "./data.js";

export function yearPicker(years, current, onChange) {
  const select = el("select", { class: "govuk-select", id: "year", name: "year" },
    years.map((y) => el("option", { value: String(y.year), ...(y.year === current.year ? { selected: true } : {}) }, String(y.year))));
  select.addEventListener("change", () => {
    const params = new URLSearchParams(location.search);
    params.set("year", select.value);
    history.replaceState(null, "", `?${params}`);
    onChange(Number(select.value));
  });
  return el("form", { class: "pps-year-form", action: "", method: "get" },
    el("div", { class: "govuk-form-group" },
      el("label", { class: "govuk-label", for: "year" }, "Collection year"),
      select),
    el("noscript", {}, el("button", { class: "govuk-button govuk-button--secondary", type: "submit" }, "Show year")));
}

export function loading(target, text = "Loading the published figures…") {
  target.replaceChildren(el("p", { class: "govuk-body pps-loading", role: "status" }, text));
}

export function failed(target, error) {
  target.replaceChildren(el("div", { class: "govuk-error-summary", role: "alert", tabindex: "-1" },
    el("h2", { class: "govuk-error-summary__title" }, "The published figures could not be read"),
    el("div", { class: "govuk-error-summary__body" }, el("p", { class: "govuk-body" }, String(error.message ?? error)))));
  document.body.dataset.ready = "error";
}

export function ready() {
  performance.mark("pps-ready");
  document.body.dataset.ready = "true";
}

export function busy() {
  delete document.body.dataset.ready;
}

/**
 * The frame of every page that shows one published year: the year picker over a body; then
 * show(entry, manifest, body) for the chosen year, and again for each year the reader picks. A site with no
 * published year says so.
 */
export async function publishedYearPage(target, show) {
  const years = await loadIndex();
  if (years.length === 0) {
    target.replaceChildren(el("p", { class: "govuk-body" }, "No year has been published yet."));
    ready();
    return;
  }
  const body = el("div", {});
  const open = async (entry) => {
    busy();
    loading(body);
    await show(entry, await loadManifest(entry), body);
  };
  target.replaceChildren(yearPicker(years, chooseYear(years), (year) => open(years.find((y) => y.year === year))), body);
  await open(chooseYear(years));
}
