// GOV.UK's error summary, notification banners and dates, shared by the form and NPPN's console.
// Everything given is set as text (el() makes text nodes), never parsed as markup.
import { el } from "../format.js";

const london = { timeZone: "Europe/London" };
const dayFormat = new Intl.DateTimeFormat("en-GB", { ...london, day: "numeric", month: "long", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat("en-GB", { ...london, hour: "2-digit", minute: "2-digit" });

export function day(iso) { return iso ? dayFormat.format(new Date(iso)) : ""; }
export function dayTime(iso) { return iso ? `${dayFormat.format(new Date(iso))} at ${timeFormat.format(new Date(iso))}` : ""; }
export function time(iso) { return timeFormat.format(iso ? new Date(iso) : new Date()); }

/**
 * An error summary: items are { text, href } (href "#id" of the field to go to) or plain strings. Focused,
 * so that a keyboard or screen-reader user lands on it, as GOV.UK's pattern does.
 */
export function errorSummary(title, items, { focus = true } = {}) {
  const list = el("ul", { class: "govuk-list govuk-error-summary__list" },
    items.map((item) => el("li", {}, typeof item === "string" || !item.href ? String(item.text ?? item)
      : el("a", { href: item.href }, item.text))));
  const summary = el("div", { class: "govuk-error-summary", tabindex: "-1" },
    el("div", { role: "alert" },
      el("h2", { class: "govuk-error-summary__title" }, title),
      el("div", { class: "govuk-error-summary__body" }, list)));
  list.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    }
  });
  if (focus) queueMicrotask(() => summary.focus());
  return summary;
}

let banners = 0;

export function banner(title, ...body) {
  const id = `banner-title-${++banners}`;
  return el("div", { class: "govuk-notification-banner", role: "region", "aria-labelledby": id, tabindex: "-1" },
    el("div", { class: "govuk-notification-banner__header" },
      el("h2", { class: "govuk-notification-banner__title", id }, title)),
    body.length ? el("div", { class: "govuk-notification-banner__content" }, body.map((b) => (typeof b === "string" ? el("p", { class: "govuk-body" }, b) : b))) : null);
}

export function success(title, ...body) {
  const node = banner(title, ...body);
  node.classList.add("govuk-notification-banner--success");
  node.setAttribute("role", "alert");
  return node;
}

export function button(text, onClick, { secondary = false, warning = false, type = "button", id } = {}) {
  const node = el("button", {
    type, id, class: `govuk-button${secondary ? " govuk-button--secondary" : ""}${warning ? " govuk-button--warning" : ""}`, "data-module": "govuk-button",
  }, text);
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

/** A labelled text input: { group, input }. */
export function textInput(id, label, { hint, type = "text", width, value, autocomplete = "off" } = {}) {
  const input = el("input", {
    class: `govuk-input${width ? ` govuk-input--width-${width}` : ""}`, id, name: id, type, autocomplete, spellcheck: "false",
    ...(hint ? { "aria-describedby": `${id}-hint` } : {}), ...(value !== undefined ? { value } : {}),
  });
  const group = el("div", { class: "govuk-form-group" },
    el("label", { class: "govuk-label", for: id }, label),
    hint ? el("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : null,
    input);
  return { group, input };
}
