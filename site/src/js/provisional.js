// NPPN's preview of a provisional set (a recompute before the close) as the page it will be once published: the same
// page code draws it, reading the files from the private provisional container through the API with the console's
// token (this tab's session, as the console signed in). The public site never holds a provisional set, so nobody
// else can open this: without NPPN's token the page says so and shows nothing.
import { el } from "./format.js";
import { Session, get } from "./returns/api.js";
import { getJson, readProvisional } from "./data.js";
import { ready } from "./page.js";
import { banner, dayTime } from "./returns/messages.js";

/** The provisional set the address asks for (?provisional=2014, optionally &version=...), or null. */
export function provisionalAsked() {
  const params = new URLSearchParams(location.search);
  if (!params.has("provisional")) return null;
  const year = Number(params.get("provisional"));
  return { year: Number.isInteger(year) && year > 0 ? year : null, version: params.get("version") || null };
}

function refuse(target, title, text, year) {
  target.replaceChildren(el("div", { class: "govuk-error-summary", role: "alert", tabindex: "-1" },
    el("h2", { class: "govuk-error-summary__title" }, title),
    el("div", { class: "govuk-error-summary__body" },
      el("p", { class: "govuk-body" }, text),
      el("p", { class: "govuk-body" }, el("a", { class: "govuk-link", href: year ? `console.html?year=${year}` : "console.html" }, "Go to NPPN's console")))));
  ready();
}

/** Draws the provisional set with show(entry, manifest, body), under a banner saying what it is and who sees it. */
export async function provisionalYearPage(target, asked, show) {
  if (!asked.year) return refuse(target, "There is no such provisional set", "The address names no year: open the preview from the console's National figures.", null);
  const session = new Session("pps.console.token");
  const me = session.token ? await get(session, "me") : null;
  if (!me?.ok || !me.body.nppn) {
    return refuse(target, "Provisional figures are shown only to NPPN",
      "Sign in to NPPN's console in this tab, then open the preview from its National figures section.", asked.year);
  }
  readProvisional(session.token);
  const path = asked.version
    ? `${asked.year}/versions/${encodeURIComponent(asked.version)}/manifest.json`
    : `${asked.year}/manifest-provisional.json`;
  let manifest;
  try {
    manifest = await getJson(path);
  } catch {
    return refuse(target, "There is no such provisional set",
      asked.version
        ? `Version ${asked.version} of the ${asked.year} figures is not a provisional set (a published version is on the public site).`
        : `No provisional recompute has been run for ${asked.year}: run one in the console's National figures.`, asked.year);
  }
  const body = el("div", {});
  target.replaceChildren(banner(`Provisional ${asked.year} figures: not published`,
    `Version ${manifest.version}, computed on ${dayTime(manifest.createdAt)} from the ${manifest.returns} return${manifest.returns === 1 ? "" : "s"} submitted by then. ` +
    "This is the report as it would read if the year closed now. Only NPPN can see it; the public site does not show it.",
    el("p", { class: "govuk-body" }, el("a", { class: "govuk-notification-banner__link", href: `console.html?year=${asked.year}`, id: "back-to-console" }, "Back to NPPN's console"))), body);
  target.firstChild.id = "provisional-banner";
  await show({ year: asked.year, manifest: path }, manifest, body);
}
