// The return's questions drawn from the year's definition (GET /api/definitions/{year}): every section and
// field with its label, help, unit and limits comes from there, so a new year's definition needs no change
// here. GOV.UK Frontend's form patterns; every piece of text is set as text, never as markup.
import { el } from "../format.js";

const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

/** An element id for a field id ("rating.1a" → "f-rating_1a"): safe in a fragment and a selector. */
export function controlId(fieldId) {
  return "f-" + fieldId.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function fieldsOf(definition) {
  return definition.sections.flatMap((s) => s.fields);
}

export function limitsText(field) {
  const parts = [];
  const fmt = (v) => (field.unit === "£" ? `£${number.format(v)}` : number.format(v));
  if (field.min != null && field.max != null) parts.push(`Between ${fmt(field.min)} and ${fmt(field.max)}`);
  else if (field.min != null) parts.push(`At least ${fmt(field.min)}`);
  else if (field.max != null) parts.push(`At most ${fmt(field.max)}`);
  if (field.type === "integer") parts.push("a whole number");
  if (field.type === "decimal" && field.decimals != null) parts.push(`up to ${field.decimals} decimal place${field.decimals === 1 ? "" : "s"}`);
  if (field.type === "text" && field.maxLength) parts.push(`At most ${number.format(field.maxLength)} bytes as stored (a plain letter counts 1, an accented letter 2, an emoji 12)`);
  if (field.type === "multichoice") parts.push("Select all that apply");
  return parts.length ? parts.join(", ") + "." : "";
}

/** How a stored answer reads to a person: option labels, Yes/No, numbers with their unit. */
export function display(field, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return null;
  if (!field) return Array.isArray(value) ? value.join(", ") : String(value);
  const label = (v) => field.options?.find((o) => o.value === String(v))?.label ?? String(v);
  switch (field.type) {
    case "boolean": return value === true || value === "true" ? "Yes" : "No";
    case "multichoice": return (Array.isArray(value) ? value : String(value).split(";")).map(label).join(", ");
    case "rating":
    case "choice": return label(value);
    case "integer":
    case "decimal": {
      const n = Number(value);
      if (Number.isNaN(n)) return String(value);
      if (field.unit === "£") return `£${number.format(n)}`;
      return field.unit ? `${number.format(n)} ${field.unit}` : number.format(n);
    }
    default: return String(value);
  }
}

/** Two answers are the same answer (lists compared as sets, numbers as numbers). */
export function same(field, a, b) {
  return canonical(field, a) === canonical(field, b);
}

function canonical(field, value) {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return [...value].map(String).sort().join(";");
  if (field && (field.type === "integer" || field.type === "decimal")) {
    const n = Number(String(value).replace(/[,£\s]/g, ""));
    return Number.isNaN(n) ? String(value) : String(n);
  }
  return String(value);
}

/**
 * A rating's exemplification from the year's definition: what Best practice, Good practice and Non-compliant look
 * like, under the rating in a details component (closed, so that 34 of them do not bury the questions).
 */
function exemplification(field, id) {
  const text = field.exemplification;
  if (!text) return null;
  const part = (title, body) => [el("h3", { class: "govuk-heading-s" }, title), el("p", { class: "govuk-body pps-exemplification__text" }, body)];
  return el("details", { class: "govuk-details pps-exemplification", id: `${id}-exemplification` },
    el("summary", { class: "govuk-details__summary" },
      el("span", { class: "govuk-details__summary-text" }, "What each rating means for this standard")),
    el("div", { class: "govuk-details__text" },
      part("Best practice", text.best), part("Good practice", text.good), part("Non-compliant", text.nonCompliant)));
}

function hint(id, text) {
  return text ? el("div", { class: "govuk-hint", id }, text) : null;
}

/**
 * One field's form group: label or legend, hint (help and limits), the error slot, the control and last
 * year's answer beside it. Returns { group, get(), set(value), setError(messages), setDisabled(flag) }.
 */
function renderField(field, lastYear, lastYearLabel) {
  const id = controlId(field.id);
  const hintId = `${id}-hint`;
  const lastId = `${id}-last`;
  const errorId = `${id}-error`;
  const help = [field.help, limitsText(field), field.requiredForSubmission ? "Needed before you can submit." : null].filter(Boolean).join(" ");
  const lastText = display(field, lastYear);
  const last = el("p", { class: "govuk-body-s pps-last-year", id: lastId },
    el("span", { class: "pps-last-year__label" }, `${lastYearLabel}: `),
    lastText === null ? el("span", { class: "pps-nodata" }, "not answered") : lastText);
  const error = el("p", { class: "govuk-error-message", id: errorId, hidden: true });
  const describedBy = [help ? hintId : null, lastId].filter(Boolean).join(" ");
  const group = el("div", { class: "govuk-form-group", id: `${id}-group`, "data-field": field.id });

  let control;
  let inputs = [];
  if (field.type === "rating" || field.type === "choice" || field.type === "boolean" || field.type === "multichoice") {
    const multi = field.type === "multichoice";
    const options = field.type === "boolean" ? [{ value: "true", label: "Yes" }, { value: "false", label: "No" }] : field.options ?? [];
    const kind = multi ? "checkboxes" : "radios";
    const small = field.type === "rating" || options.length > 4 ? ` govuk-${kind}--small` : "";
    const inline = field.type === "boolean" ? ` govuk-${kind}--inline` : "";
    inputs = options.map((o, i) => el("input", {
      class: `govuk-${kind}__input`, id: i === 0 ? id : `${id}-${i}`, name: field.id, type: multi ? "checkbox" : "radio", value: o.value,
    }));
    control = el("fieldset", { class: "govuk-fieldset", "aria-describedby": describedBy },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, field.label),
      hint(hintId, help),
      error,
      el("div", { class: `govuk-${kind}${small}${inline}` },
        options.map((o, i) => el("div", { class: `govuk-${kind}__item` },
          inputs[i],
          el("label", { class: `govuk-label govuk-${kind}__label`, for: inputs[i].id }, o.label)))));
    // Node.append writes null as the text "null": only the parts a field has.
    group.append(...[control, exemplification(field, id), last].filter(Boolean));
    return {
      field, group, focusId: id,
      get() {
        if (multi) {
          const picked = inputs.filter((i) => i.checked).map((i) => i.value);
          return picked.length ? picked : undefined;
        }
        return inputs.find((i) => i.checked)?.value;
      },
      set(value) {
        const wanted = value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String);
        for (const input of inputs) input.checked = wanted.includes(input.value);
      },
      setError(messages) { setError(group, error, messages); },
      setDisabled(flag) { for (const input of inputs) input.disabled = flag; },
    };
  }

  const numeric = field.type === "integer" || field.type === "decimal";
  const long = field.type === "text" && (field.maxLength ?? 0) > 200;
  const input = long
    ? el("textarea", { class: "govuk-textarea", id, name: field.id, rows: "6", "aria-describedby": describedBy })
    : el("input", {
      class: `govuk-input${numeric ? " govuk-input--width-10" : ""}`, id, name: field.id, type: "text",
      ...(numeric ? { inputmode: field.type === "integer" ? "numeric" : "decimal", spellcheck: "false" } : {}),
      autocomplete: "off", "aria-describedby": describedBy,
    });
  const prefix = field.unit === "£";
  const wrapped = numeric && field.unit
    ? el("div", { class: "govuk-input__wrapper" },
      prefix ? el("div", { class: "govuk-input__prefix", "aria-hidden": "true" }, field.unit) : null,
      input,
      prefix ? null : el("div", { class: "govuk-input__suffix", "aria-hidden": "true" }, field.unit))
    : input;
  group.append(...[
    el("label", { class: "govuk-label govuk-label--s", for: id }, field.label, numeric && field.unit && !prefix ? el("span", { class: "govuk-visually-hidden" }, ` (${field.unit})`) : null),
    hint(hintId, help), error, wrapped, last].filter(Boolean));
  return {
    field, group, focusId: id,
    get() {
      const text = input.value.trim();
      if (text === "") return undefined;
      return numeric ? text.replace(/,/g, "").replace(/^£/, "") : input.value;
    },
    set(value) { input.value = value === undefined || value === null ? "" : String(value); },
    setError(messages) {
      setError(group, error, messages);
      input.classList.toggle(long ? "govuk-textarea--error" : "govuk-input--error", messages.length > 0);
    },
    setDisabled(flag) { input.readOnly = flag; input.setAttribute("aria-readonly", flag ? "true" : "false"); },
  };
}

function setError(group, error, messages) {
  group.classList.toggle("govuk-form-group--error", messages.length > 0);
  error.hidden = messages.length === 0;
  error.replaceChildren(...(messages.length ? [el("span", { class: "govuk-visually-hidden" }, "Error: "), messages.join(" ")] : []));
  const described = group.querySelector("[aria-describedby]");
  if (described) {
    const ids = described.getAttribute("aria-describedby").split(" ").filter((x) => x && x !== error.id);
    if (messages.length) ids.unshift(error.id);
    described.setAttribute("aria-describedby", ids.join(" "));
  }
}

/**
 * The whole return as form sections: one <section> per definition section with its fields.
 * Returns { element, controls (field id → control), values(), setValues(values), setErrors(map), setDisabled() }.
 */
export function renderReturn(definition, lastYearValues, lastYearLabel) {
  const controls = new Map();
  const totals = (definition.totals ?? []).map((t) => ({ ...t, node: el("p", { class: "govuk-body pps-running-total", id: `total-${t.id}`, role: "status", "aria-live": "polite" }) }));
  const sections = definition.sections.map((section) => el("section", { class: "pps-return-section", id: `part-${section.id}`, "aria-labelledby": `section-${section.id}` },
    el("h2", { class: "govuk-heading-l", id: `section-${section.id}`, tabindex: "-1" }, `${section.id}. ${section.title}`),
    section.fields.flatMap((field) => {
      const control = renderField(field, lastYearValues?.[field.id], lastYearLabel);
      controls.set(field.id, control);
      // A group that must add up shows its running total under its last field.
      const total = totals.find((t) => t.fields[t.fields.length - 1] === field.id);
      return total ? [control.group, total.node] : control.group;
    }),
    el("p", { class: "govuk-body" }, el("a", { class: "govuk-link", href: "#task-list" }, "Back to the sections of the return"))));
  const updateTotals = () => {
    for (const t of totals) {
      const given = t.fields.map((id) => controls.get(id)?.get()).filter((v) => v !== undefined && v !== "");
      const sum = given.map(Number).filter((n) => !Number.isNaN(n)).reduce((a, b) => a + b, 0);
      const unit = controls.get(t.fields[0])?.field.unit === "%" ? "%" : "";
      const rounded = Math.round(sum * 100) / 100;
      const text = given.length === 0
        ? `Running total: nothing entered yet. These ${t.fields.length} answers must add up to ${t.total}${unit} before you submit.`
        : rounded === t.total && given.length === t.fields.length
          ? `Running total: ${number.format(rounded)}${unit} of ${t.total}${unit}. These add up.`
          : `Running total: ${number.format(rounded)}${unit} of ${t.total}${unit} (${given.length} of ${t.fields.length} answered). You can save a draft like this, but they must add up to ${t.total}${unit} before you submit.`;
      t.node.textContent = text;
      t.node.classList.toggle("pps-running-total--off", given.length > 0 && !(rounded === t.total && given.length === t.fields.length));
    }
  };
  const element = el("div", { class: "pps-return" }, sections);
  element.addEventListener("input", updateTotals);
  element.addEventListener("change", updateTotals);
  return {
    element,
    controls,
    updateTotals,
    values() {
      const values = {};
      for (const [id, c] of controls) {
        const v = c.get();
        if (v !== undefined) values[id] = v;
      }
      return values;
    },
    setValues(values) {
      for (const [id, c] of controls) c.set(values?.[id]);
      updateTotals();
    },
    setErrors(errors) {
      for (const [id, c] of controls) c.setError(errors[id] ?? []);
    },
    setDisabled(flag) {
      for (const c of controls.values()) c.setDisabled(flag);
    },
  };
}
