// NPPN's narrative for the year's report, in the console: a text area per place in the report (Markdown), a preview
// rendered exactly as the report renders it (elements, never HTML), and saving it (If-Match the version read). It is
// published with the year's next set: the close, or "Recompute" under National figures once the year is published.
import { el } from "../format.js";
import { call, get } from "../returns/api.js";
import { errorSummary, success, button } from "../returns/messages.js";
import { markdown } from "../markdown.js";

export async function renderNarrative(panel, session, year) {
  const title = el("h2", { class: "govuk-heading-l", id: "narrative-title" }, "Report narrative");
  if (!year) { panel.replaceChildren(); return; }
  const found = await get(session, `years/${year}/narrative`);
  if (!found.ok) {
    panel.replaceChildren(title, el("p", { class: "govuk-body" }, found.message));
    return;
  }
  let doc = found.body;
  let etag = found.etag ?? doc.eTag;
  const slot = el("div", {});
  const preview = el("div", { class: "pps-narrative-preview", id: "narrative-preview", "aria-live": "polite" });
  const areas = new Map();
  const fields = doc.places.map((place) => {
    const id = `narrative-${place.id}`;
    const area = el("textarea", { class: "govuk-textarea", id, name: id, rows: "6", "aria-describedby": `${id}-hint`, spellcheck: "true" });
    area.value = place.markdown;
    areas.set(place.id, area);
    return el("div", { class: "govuk-form-group", "data-place": place.id },
      el("label", { class: "govuk-label govuk-label--s", for: id }, place.title),
      el("div", { class: "govuk-hint", id: `${id}-hint` }, `Printed ${place.where}. Markdown, no HTML.`),
      area);
  });
  const sections = () => Object.fromEntries([...areas].map(([id, area]) => [id, area.value]));
  const clearErrors = () => panel.querySelectorAll(".govuk-form-group--error").forEach((g) => {
    g.classList.remove("govuk-form-group--error");
    g.querySelector(".govuk-error-message")?.remove();
    g.querySelector("textarea")?.classList.remove("govuk-textarea--error");
  });

  const showPreview = () => {
    const written = doc.places.filter((p) => areas.get(p.id).value.trim());
    preview.replaceChildren(
      el("h3", { class: "govuk-heading-m", id: "narrative-preview-title", tabindex: "-1" }, "Preview"),
      ...(written.length === 0 ? [el("p", { class: "govuk-body" }, "Nothing written yet.")]
        : written.map((p) => el("div", { class: "pps-prose", "data-preview": p.id },
          el("h4", { class: "govuk-heading-s" }, p.title),
          markdown(areas.get(p.id).value, { headingLevel: 5 })))));
    preview.querySelector("h3").focus();
  };

  const save = async (event) => {
    event.preventDefault();
    clearErrors();
    const result = await call(session, "PUT", `years/${year}/narrative`, { body: { sections: sections() }, ifMatch: etag });
    if (result.ok) {
      doc = result.body;
      etag = result.etag ?? doc.eTag;
      slot.replaceChildren(success("Narrative saved", "It is published with the year's next set."));
      slot.querySelector(".govuk-notification-banner")?.focus();
      return;
    }
    const items = Object.entries(result.errors).flatMap(([field, messages]) => messages.map((text) => {
      const place = field.startsWith("sections.") ? field.slice("sections.".length) : null;
      const group = place ? panel.querySelector(`[data-place="${place}"]`) : null;
      if (group) {
        group.classList.add("govuk-form-group--error");
        group.querySelector("textarea").classList.add("govuk-textarea--error");
        group.querySelector("label").after(el("p", { class: "govuk-error-message" }, el("span", { class: "govuk-visually-hidden" }, "Error: "), text));
      }
      return { text, href: group ? `#narrative-${place}` : null };
    }));
    slot.replaceChildren(errorSummary(result.status === 412 ? "The narrative has changed since you opened it" : "The narrative was not saved",
      items.length ? items : [result.message]));
  };

  const form = el("form", { novalidate: true, id: "narrative-form" }, fields,
    el("div", { class: "govuk-button-group" },
      button("Preview", (event) => { event.preventDefault(); showPreview(); }, { secondary: true, id: "narrative-preview-button" }),
      button("Save narrative", null, { type: "submit", id: "narrative-save" })));
  form.addEventListener("submit", save);
  panel.replaceChildren(title,
    doc.updatedAt ? el("p", { class: "govuk-body-s" }, `Saved by ${doc.updatedBy} ${new Date(doc.updatedAt).toLocaleString("en-GB")}.`) : null,
    slot, form, preview);
}
