// NPPN's console: the next collection year, opened from the previous year's definition. The previous document is
// copied (GET /api/definitions/{year}/document), edited here (the year, each section's title, each question's label,
// help and whether a submitted return needs it; anything else in the whole document as JSON), checked by the API
// against the schema with each problem linked to what it names (POST /api/definitions/{year}/check, nothing stored),
// previewed as the form draws it (the same renderReturn), then published (PUT /api/definitions/{year}) and the year
// opened with its dates (PUT /api/years/{year}). The browser judges nothing itself: every rule is the API's.
import { el } from "../format.js";
import { call, get } from "./api.js";
import { renderReturn } from "./fields.js";
import { errorSummary, button, textInput } from "./messages.js";

/** datetime-local value (the browser's local time) ↔ ISO instant. */
const toLocalInput = (date) => {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);
const aYearOn = (iso) => {
  const d = new Date(iso);
  d.setFullYear(d.getFullYear() + 1);
  return d;
};

function dateInput(id, label, value) {
  const input = el("input", { class: "govuk-input govuk-input--width-20", id, name: id, type: "datetime-local", value });
  return { input, group: el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: id }, label), input) };
}

/**
 * Draws the editor into <paramref name="area"/>: from is the previous year (its year document), onOpened(year) is
 * called once the new year is open.
 */
export async function nextYearEditor(area, { session, from, onOpened }) {
  const next = from.year + 1;
  // A definition already published for the next year (not yet open) is the one to change; otherwise copy the previous.
  const existing = await get(session, `definitions/${next}/document`);
  const base = existing.ok ? existing : await get(session, `definitions/${from.year}/document`);
  if (!base.ok) {
    area.replaceChildren(errorSummary(`The ${from.year} definition could not be read`, [base.message]));
    return;
  }
  let doc = structuredClone(base.body);
  const publishedVersion = existing.ok ? existing.body.version : null;
  doc.year = next;
  doc.version = publishedVersion ? publishedVersion + 1 : 1;
  if (!existing.ok) doc.notes = `Copied from the ${from.year} return.`;
  let checked = false;
  let definitionPublished = false;

  const slot = el("div", { class: "pps-slot" });
  const year = textInput("def-year", "Year", { width: 4, value: String(next), hint: "The autumn in which the returns are collected." });
  const opens = dateInput("def-opens", "Opens", toLocalInput(aYearOn(from.opens)));
  const closes = dateInput("def-closes", "Closes", toLocalInput(aYearOn(from.closes)));
  const count = textInput("def-count", "Services nationally", { width: 4, value: String(from.nationalServiceCount), hint: "The denominator of Tables A and B." });
  const fieldsArea = el("div", { id: "def-fields" });
  const json = el("textarea", { class: "govuk-textarea pps-json", id: "def-json", name: "def-json", rows: "20", spellcheck: "false", "aria-describedby": "def-json-hint" });
  const jsonDetails = el("details", { class: "govuk-details" },
    el("summary", { class: "govuk-details__summary" }, el("span", { class: "govuk-details__summary-text" }, "Edit the whole document as JSON (add or retire questions, rules, options)")),
    el("div", { class: "govuk-details__text" },
      el("div", { class: "govuk-form-group" },
        el("label", { class: "govuk-label", for: "def-json" }, "The definition document"),
        el("div", { class: "govuk-hint", id: "def-json-hint" }, "As docs/schema/return-definition.schema.json describes it. Apply it to see it in the questions above, then check it."),
        json),
      button("Apply the JSON", () => {
        try {
          doc = JSON.parse(json.value);
        } catch (e) {
          slot.replaceChildren(errorSummary("The JSON could not be read", [{ text: `The document is not valid JSON: ${e.message}`, href: "#def-json" }]));
          return;
        }
        slot.replaceChildren();
        stale();
        drawFields();
      }, { secondary: true, id: "def-json-apply" })));
  jsonDetails.addEventListener("toggle", () => { if (jsonDetails.open) json.value = JSON.stringify(doc, null, 2); });

  const preview = el("div", { id: "def-preview" });
  const publish = button(`Publish the definition and open ${next}`, () => publishAndOpen(), { warning: true, id: "def-publish" });
  publish.hidden = true;
  const stale = () => {
    checked = false;
    if (definitionPublished) {
      // Published already (the year did not open): a changed document is a new version.
      doc.version += 1;
      definitionPublished = false;
    }
    publish.hidden = true;
    if (preview.firstChild) preview.replaceChildren(el("p", { class: "govuk-body", id: "def-preview-stale" }, "Changed since the preview: check it again before publishing."));
  };

  // One block per section, one per question: the words services read and whether a submitted return needs the answer.
  function drawFields() {
    fieldsArea.replaceChildren(...doc.sections.map((section, i) => {
      const title = textInput(`def-s${i}-title`, `Section ${section.id}: title`, { value: section.title ?? "" });
      title.input.classList.add("govuk-input--width-30");
      title.input.addEventListener("input", () => { section.title = title.input.value; stale(); });
      const fields = section.fields.map((field, j) => {
        const id = `def-s${i}-f${j}`;
        const label = textInput(`${id}-label`, `Question ${field.id}: label`, { value: field.label ?? "" });
        label.input.addEventListener("input", () => { field.label = label.input.value; stale(); });
        const help = el("textarea", { class: "govuk-textarea", id: `${id}-help`, name: `${id}-help`, rows: "2" });
        help.value = field.help ?? "";
        help.addEventListener("input", () => {
          if (help.value) field.help = help.value; else delete field.help;
          stale();
        });
        const required = el("input", { class: "govuk-checkboxes__input", id: `${id}-required`, name: `${id}-required`, type: "checkbox", ...(field.requiredForSubmission ? { checked: true } : {}) });
        required.addEventListener("change", () => {
          if (required.checked) field.requiredForSubmission = true; else delete field.requiredForSubmission;
          stale();
        });
        return el("div", { class: "pps-def-field", "data-field": field.id },
          label.group,
          el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: `${id}-help` }, `Question ${field.id}: help text (optional)`), help),
          el("div", { class: "govuk-form-group" },
            el("div", { class: "govuk-checkboxes govuk-checkboxes--small" },
              el("div", { class: "govuk-checkboxes__item" }, required,
                el("label", { class: "govuk-label govuk-checkboxes__label", for: `${id}-required` }, `A submitted return needs ${field.id} answered`)))));
      });
      return el("details", { class: "govuk-details pps-def-section", id: `def-s${i}` },
        el("summary", { class: "govuk-details__summary" }, el("span", { class: "govuk-details__summary-text" }, `Section ${section.id}: ${section.title} (${section.fields.length} questions)`)),
        el("div", { class: "govuk-details__text" }, title.group, fields));
    }));
  }

  /** The element a problem's place in the document ("/sections/0/fields/3/label") belongs to, if the editor shows it. */
  function targetOf(pointer) {
    let m = /^\/sections\/(\d+)\/fields\/(\d+)\/(label|help|requiredForSubmission)(\/|$)/.exec(pointer);
    if (m) return `def-s${m[1]}-f${m[2]}-${m[3] === "requiredForSubmission" ? "required" : m[3]}`;
    m = /^\/sections\/(\d+)\/title(\/|$)/.exec(pointer);
    if (m) return `def-s${m[1]}-title`;
    if (/^\/year(\/|$)/.test(pointer)) return "def-year";
    return "def-json";
  }

  /** Where a problem is, in words: the question's id rather than a path of indexes. */
  function placeOf(pointer) {
    const m = /^\/sections\/(\d+)(?:\/fields\/(\d+))?(\/.*)?$/.exec(pointer);
    const section = m ? doc.sections?.[Number(m[1])] : null;
    if (!section) return pointer === "$" || pointer === "/" ? "The document" : `At ${pointer}`;
    const field = m[2] !== undefined ? section.fields?.[Number(m[2])] : null;
    const rest = m[3] ? ` (${m[3].slice(1)})` : "";
    return field ? `Question ${field.id ?? `${Number(m[2]) + 1} of section ${section.id}`}${rest}` : `Section ${section.id}${rest}`;
  }

  function showProblems(title, result, fields = {}) {
    for (const node of area.querySelectorAll(".govuk-input--error, .govuk-textarea--error")) node.classList.remove("govuk-input--error", "govuk-textarea--error");
    const items = [];
    for (const [key, messages] of Object.entries(result.errors)) {
      const target = fields[key] ?? targetOf(key);
      const node = area.querySelector(`#${target}`);
      node?.classList.add(node.tagName === "TEXTAREA" ? "govuk-textarea--error" : "govuk-input--error");
      const details = node?.closest("details");
      if (details) details.open = true;
      if (target === "def-json") json.value = JSON.stringify(doc, null, 2);
      for (const message of messages) items.push({ text: fields[key] ? message : `${placeOf(key)}: ${message}`, href: `#${target}` });
    }
    if (items.length === 0) items.push({ text: result.message });
    slot.replaceChildren(errorSummary(title, items));
  }

  const yearNumber = () => Number(year.input.value);
  year.input.addEventListener("input", () => { doc.year = yearNumber(); stale(); });

  async function check() {
    doc.year = yearNumber();
    const result = await call(session, "POST", `definitions/${doc.year}/check`, { body: doc });
    if (!result.ok) {
      showProblems(`The ${doc.year} definition has problems; nothing was published`, result);
      preview.replaceChildren();
      return;
    }
    slot.replaceChildren();
    const form = renderReturn(result.body, null, null);
    form.setDisabled(true);
    preview.replaceChildren(
      el("h3", { class: "govuk-heading-m", id: "def-preview-title", tabindex: "-1" }, `Preview: the ${doc.year} return as services will see it`),
      el("p", { class: "govuk-body" }, "The definition has no problems. This is how the form draws it (nothing can be typed here)."),
      form.element);
    checked = true;
    publish.textContent = `Publish the definition and open ${doc.year}`;
    publish.hidden = false;
    preview.querySelector("#def-preview-title").focus();
  }

  async function publishAndOpen() {
    if (!checked) return;
    publish.disabled = true;
    try {
      if (!definitionPublished) {
        const published = await call(session, "PUT", `definitions/${doc.year}`, { body: doc });
        if (!published.ok) {
          showProblems(`The ${doc.year} definition was not published`, published);
          return;
        }
        definitionPublished = true;
      }
      const opened = await call(session, "PUT", `years/${doc.year}`, {
        body: { opens: fromLocalInput(opens.input.value), closes: fromLocalInput(closes.input.value), nationalServiceCount: Number(count.input.value) || null },
      });
      if (!opened.ok) {
        showProblems(`The definition is published, but ${doc.year} was not opened`, opened, { opens: "def-opens", closes: "def-closes", nationalServiceCount: "def-count", year: "def-year" });
        return;
      }
      await onOpened(doc.year);
    } finally {
      publish.disabled = false;
    }
  }

  drawFields();
  const heading = el("h3", { class: "govuk-heading-m", id: "next-year-title", tabindex: "-1" },
    existing.ok ? `Open ${next} (its definition, version ${publishedVersion}, is published and can still change)` : `Open ${next} from the ${from.year} definition`);
  area.replaceChildren(el("div", { id: "next-year-editor" },
    heading, slot,
    year.group, opens.group, closes.group, count.group,
    el("h4", { class: "govuk-heading-s" }, "The questions"),
    el("p", { class: "govuk-body" }, "Open a section to change its questions' words or which answers a submitted return needs. A question whose meaning changes needs a new id (in the JSON): ids are how last year's answer is found."),
    fieldsArea, jsonDetails,
    el("div", { class: "govuk-button-group" }, button("Check and preview", () => check(), { secondary: true, id: "def-check" }), publish),
    preview));
  heading.focus();
}
