// NPPN's console: signs in with the admin token (kept for this tab's session only) and drives the year:
// its window, completeness (Tables A and B, who has returned), extensions, a service's return and its
// reopening, service credentials, the national recompute and published versions, and the CSV imports.
// Everything a service typed (comments, reasons, labels) is shown as text, never as markup.
import { el, pluralise } from "../format.js";
import { Session, call, get } from "../returns/api.js";
import { fieldsOf, display } from "../returns/fields.js";
import { historyView, statusText } from "../returns/history.js";
import { errorSummary, success, button, textInput, day, dayTime } from "../returns/messages.js";
import { renderFigure } from "../figures.js";
import { ready, busy } from "../page.js";
import { nextYearEditor } from "../returns/next-year.js";
import { renderNarrative } from "./console-narrative.js";

const session = new Session("pps.console.token");

export async function nppnConsole(target) {
  if (!session.token) return signIn(target);
  const me = await get(session, "me");
  if (!me.ok || !me.body.nppn) {
    session.token = null;
    return signIn(target, me.ok ? "This token belongs to a service, not to NPPN. Services fill in their return on the return form." : me.message);
  }
  return new Console(target, me.body).load();
}

function signIn(target, problem) {
  const { group, input } = textInput("admin-token", "Your NPPN staff credential", {
    type: "password", width: 30, hint: "Kept only until you close this tab. The configured admin token signs in only until the first member of staff has a credential of their own.",
  });
  const formNode = el("form", { novalidate: true }, group, button("Sign in", null, { type: "submit" }));
  formNode.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    session.token = input.value.trim();
    busy();
    await nppnConsole(target);
  });
  const nodes = [el("h2", { class: "govuk-heading-l" }, "Sign in to NPPN's console"), formNode];
  if (problem) {
    group.classList.add("govuk-form-group--error");
    input.classList.add("govuk-input--error");
    nodes.unshift(errorSummary("There is a problem", [{ text: problem, href: "#admin-token" }]));
  }
  target.replaceChildren(...nodes);
  ready();
}

/** datetime-local value (the browser's local time) ↔ ISO instant. */
const toLocalInput = (iso) => {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

function dateInput(id, label, { hint, value } = {}) {
  const input = el("input", { class: "govuk-input govuk-input--width-20", id, name: id, type: "datetime-local", ...(hint ? { "aria-describedby": `${id}-hint` } : {}), ...(value ? { value } : {}) });
  return {
    input,
    group: el("div", { class: "govuk-form-group" },
      el("label", { class: "govuk-label", for: id }, label),
      hint ? el("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : null,
      input),
  };
}

/**
 * Whether the call succeeded; if not, its problem in the panel's message slot (an error summary with links
 * to the fields named). On success the caller re-renders the panel and then says what was done, so the
 * message is never shown in a form about to be replaced.
 */
function outcome(slot, result, { title, fields = {} }) {
  if (result.ok) return true;
  const items = [];
  for (const [key, messages] of Object.entries(result.errors)) {
    for (const message of messages) items.push(fields[key] ? { text: message, href: `#${fields[key]}` } : { text: message });
  }
  if (items.length === 0) items.push({ text: result.message });
  slot.replaceChildren(errorSummary(title, items));
  return false;
}

function table(caption, headers, rows, { compact = false } = {}) {
  return el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    el("table", { class: `govuk-table${compact ? " pps-table--compact" : ""}` },
      el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, caption),
      el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" }, headers.map((h) => el("th", { class: "govuk-table__header", scope: "col" },
        // A column of buttons has no visible heading, but a screen reader still says what the column holds.
        h === "" ? el("span", { class: "govuk-visually-hidden" }, "Actions") : h)))),
      el("tbody", { class: "govuk-table__body" }, rows)));
}

const td = (...content) => el("td", { class: "govuk-table__cell" }, ...content);

/** Who did something, as the audit records it ("nppn:Jane Smith", "nppn" for the configured admin token), for people. */
const actorName = (by) => !by ? "" : by === "nppn" ? "NPPN (admin token)" : by.startsWith("nppn:") ? by.slice(5) : by;

/** Text for a CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The extensions NPPN ended by closing the year while they ran, as the year records them. */
function endedExtensions(y) {
  if (!y?.endedExtensions?.length) return "";
  return table("Extensions ended by the close", ["Service", "Ran until", "Ended", "By"],
    y.endedExtensions.map((e) => el("tr", { class: "govuk-table__row" }, td(String(e.serviceId)), td(dayTime(e.until)), td(dayTime(e.endedAt)), td(actorName(e.endedBy)))),
    { compact: true });
}

class Console {
  constructor(target, me) {
    this.target = target;
    this.me = me;
    this.year = Number(new URLSearchParams(location.search).get("year")) || null;
    this.sort = { key: "serviceId", dir: 1 };
  }

  async load() {
    busy();
    const [years, definitionYears] = await Promise.all([get(session, "years"), Promise.resolve(null)]);
    void definitionYears;
    if (!years.ok) {
      this.target.replaceChildren(errorSummary("The console could not be opened", [years.message]));
      ready();
      return;
    }
    this.years = years.body;
    if (!this.year || !this.years.some((y) => y.year === this.year)) this.year = this.years.at(-1)?.year ?? null;
    this.panels = {
      window: el("section", { id: "window", "aria-labelledby": "window-title" }),
      completeness: el("section", { id: "completeness", "aria-labelledby": "completeness-title" }),
      extensions: el("section", { id: "extensions", "aria-labelledby": "extensions-title" }),
      return: el("section", { id: "return", "aria-labelledby": "return-title" }),
      credentials: el("section", { id: "credentials", "aria-labelledby": "credentials-title" }),
      contacts: el("section", { id: "contacts", "aria-labelledby": "contacts-title" }),
      staff: el("section", { id: "staff", "aria-labelledby": "staff-title" }),
      publishing: el("section", { id: "publishing", "aria-labelledby": "publishing-title" }),
      narrative: el("section", { id: "narrative", "aria-labelledby": "narrative-title" }),
      imports: el("section", { id: "imports", "aria-labelledby": "imports-title" }),
    };
    const signOut = el("button", { type: "button", class: "govuk-button govuk-button--secondary pps-sign-out" }, "Sign out");
    signOut.addEventListener("click", () => { session.token = null; signIn(this.target); });
    const contents = el("nav", { class: "pps-contents", "aria-label": "Console sections" },
      el("ul", { class: "govuk-list pps-contents__list" }, [
        ["window", "Collection window"], ["completeness", "Completeness"], ["extensions", "Extensions"], ["return", "A service's return"],
        ["credentials", "Credentials"], ["contacts", "Contacts"], ["staff", "NPPN staff"], ["publishing", "National figures"], ["narrative", "Report narrative"], ["imports", "Imports"],
      ].map(([id, text]) => el("li", {}, el("a", { class: "govuk-link", href: `#${id}` }, text)))));
    this.yearBar = el("div", { class: "pps-year-bar" });
    this.target.replaceChildren(el("div", { class: "pps-return-header" }, this.yearBar, signOut), contents, ...Object.values(this.panels));
    this.renderYearBar();
    this.renderImports();
    this.renderContacts();
    await Promise.all([this.showYear(), this.loadStaff()]);
    ready();
  }

  renderYearBar() {
    const select = el("select", { class: "govuk-select", id: "console-year", name: "year" },
      this.years.map((y) => el("option", { value: String(y.year), ...(y.year === this.year ? { selected: true } : {}) }, `${y.year} (${y.state})`)));
    const pick = el("form", { class: "pps-inline-form", novalidate: true },
      el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "console-year" }, "Collection year"), select),
      button("Show year", null, { type: "submit", secondary: true }));
    pick.addEventListener("submit", async (event) => {
      event.preventDefault();
      this.year = Number(select.value);
      history.replaceState(null, "", `?year=${this.year}`);
      busy();
      await this.showYear();
      ready();
    });
    this.yearBar.replaceChildren(this.years.length ? pick : el("p", { class: "govuk-body" }, "No collection year has been opened yet."));
  }

  async showYear() {
    if (!this.year) {
      this.renderWindow(null);
      for (const key of ["completeness", "extensions", "return", "credentials", "publishing", "narrative"]) this.panels[key].replaceChildren();
      return;
    }
    const found = await get(session, `years/${this.year}`);
    this.yearDoc = found.ok ? found.body : null;
    this.yearEtag = found.etag ?? found.body?.eTag;
    this.renderWindow(this.yearDoc);
    this.renderExtensions();
    this.renderReturnPanel();
    await Promise.all([this.loadCompleteness(), this.loadCredentials(), this.loadVersions(), renderNarrative(this.panels.narrative, session, this.year)]);
  }

  async refreshYear() {
    const found = await get(session, `years/${this.year}`);
    if (found.ok) {
      this.yearDoc = found.body;
      this.yearEtag = found.etag ?? found.body.eTag;
    }
    const list = await get(session, "years");
    if (list.ok) this.years = list.body;
  }

  // ---- Collection window: open a year, move its dates, close it now.
  renderWindow(y) {
    const panel = this.panels.window;
    const slot = el("div", {});
    const title = el("h2", { class: "govuk-heading-l", id: "window-title" }, "Collection window");
    const summary = y ? el("dl", { class: "govuk-summary-list" },
      [["Year", String(y.year)], ["State", y.state[0].toUpperCase() + y.state.slice(1)], ["Opens", dayTime(y.opens)], ["Closes", dayTime(y.closes)],
        ["Closed", y.closedAt ? dayTime(y.closedAt) : "Not yet"], ["Published", y.publishedAt ? `${dayTime(y.publishedAt)}` : "Not yet"],
        ["Services nationally", String(y.nationalServiceCount)]].map(([k, v]) => el("div", { class: "govuk-summary-list__row" },
        el("dt", { class: "govuk-summary-list__key" }, k), el("dd", { class: "govuk-summary-list__value" }, v)))) : null;

    const opens = dateInput("window-opens", "Opens", { value: y ? toLocalInput(y.opens) : "" });
    const closes = dateInput("window-closes", "Closes", { value: y ? toLocalInput(y.closes) : "" });
    // A year not yet opened takes the catalogue's count (services-nationally.csv) when this is left blank, so the
    // console never states a count of its own.
    const count = textInput("window-count", "Services nationally", { width: 4, value: y ? String(y.nationalServiceCount) : "", hint: "The denominator of Tables A and B. Leave blank for the catalogue's count for the year." });
    const moveForm = el("form", { novalidate: true, id: "window-form" },
      el("h3", { class: "govuk-heading-m" }, y ? `Move the ${y.year} dates` : "Open a collection year"),
      y ? null : textInput("window-year", "Year", { width: 4, value: String(new Date().getFullYear()) }).group,
      opens.group, closes.group, count.group,
      button(y ? "Save dates" : "Open the year", null, { type: "submit", id: "window-save" }));
    moveForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const year = y ? y.year : Number(moveForm.querySelector("#window-year").value);
      const body = { opens: fromLocalInput(opens.input.value), closes: fromLocalInput(closes.input.value), nationalServiceCount: Number(count.input.value) || null };
      const result = await call(session, "PUT", `years/${year}`, { body, ifMatch: y ? this.yearEtag : undefined });
      if (outcome(slot, result, { title: "The dates were not saved", done: { title: `${year}: dates saved` }, fields: { opens: "window-opens", closes: "window-closes", nationalServiceCount: "window-count" } })) {
        this.year = year;
        await this.refreshYear();
        this.renderYearBar();
        await this.showYear();
        this.panels.window.querySelector(".pps-slot")?.replaceChildren(success(`${year}: dates saved`));
      }
    });

    const extra = [];
    // Close and publish: offered while the year has opened and is not published (the API refuses it otherwise). The
    // preview comes first, so nothing is locked before NPPN has seen the drafts left out and the extensions it ends.
    if (y && !y.publishedAt && y.state !== "scheduled") {
      this.closeArea = el("div", { id: "close-area" });
      const start = button("Close and publish", () => this.previewClose(y.year), { warning: true, id: "close-and-publish" });
      extra.push(el("h3", { class: "govuk-heading-m" }, "Close and publish"),
        el("p", { class: "govuk-body" }, "Locks every return now and publishes the final figures, even while extensions run (closing ends them). You see what the close leaves out before anything is done."),
        start, this.closeArea);
    }
    // The next year, from the latest year's definition: copied, edited, checked, previewed, published and opened here.
    const latest = this.years.at(-1);
    if (latest) {
      const area = el("div", { id: "next-year-area" });
      const open = button(`Open ${latest.year + 1} from the ${latest.year} definition`, () => nextYearEditor(area, {
        session, from: latest, onOpened: (year) => this.openedYear(year),
      }), { secondary: true, id: "next-year-start" });
      extra.push(el("h3", { class: "govuk-heading-m" }, "Open the next year"),
        el("p", { class: "govuk-body" }, `Copies the ${latest.year} return's definition to change its words and what a submitted return needs, checks it, shows it as the form will, then publishes it and opens ${latest.year + 1} with its dates.`),
        open, area);
    }
    slot.className = "pps-slot";
    // Once published the dates can no longer move (the API refuses); the form is not offered.
    panel.replaceChildren(title, slot, summary ?? "", endedExtensions(y), y?.publishedAt ? "" : moveForm, ...extra);
  }

  /** After the next year opened from the editor: the console shows it. */
  async openedYear(year) {
    this.year = year;
    history.replaceState(null, "", `?year=${year}`);
    await this.refreshYear();
    this.renderYearBar();
    await this.showYear();
    const panelSlot = this.panels.window.querySelector(".pps-slot");
    panelSlot.replaceChildren(success(`${year} is open`, `Its definition is published and the collection runs from ${dayTime(this.yearDoc.opens)} to ${dayTime(this.yearDoc.closes)}. Issue its credentials or email sign-in links below.`));
    panelSlot.firstChild?.focus?.();
  }

  /** The confirmation: what a close now counts and leaves out, read from the API (never worked out in the browser). */
  async previewClose(year, problem) {
    const area = this.closeArea;
    const preview = await get(session, `years/${year}/close`);
    if (!preview.ok) {
      area.replaceChildren(errorSummary("The close could not be prepared", [preview.message]));
      return;
    }
    const p = preview.body;
    const heading = el("h3", { class: "govuk-heading-m", id: "close-confirm-title", tabindex: "-1" }, `Close ${year} and publish now?`);
    if (!p.canClose) {
      area.replaceChildren(el("div", { id: "close-confirm" }, heading, errorSummary("This year cannot be closed now", [p.refusal], { focus: false })));
      heading.focus();
      return;
    }
    const who = (s, what) => el("li", {}, `${s.name} (service ${s.serviceId})${s.at ? `, ${what} ${dayTime(s.at)}` : ""}`);
    const listOf = (id, items, what, none) => (items.length
      ? el("ul", { class: "govuk-list govuk-list--bullet", id }, items.map((s) => who(s, what)))
      : el("p", { class: "govuk-body", id }, none));
    const row = (key, ...value) => el("div", { class: "govuk-summary-list__row" },
      el("dt", { class: "govuk-summary-list__key" }, key), el("dd", { class: "govuk-summary-list__value" }, ...value));
    const confirm = button("Close and publish now", () => this.closeNow(year, p), { warning: true, id: "confirm-close" });
    const cancel = button("Cancel", () => { area.replaceChildren(); this.panels.window.querySelector("#close-and-publish")?.focus(); }, { secondary: true, id: "cancel-close" });
    area.replaceChildren(el("div", { id: "close-confirm", class: "pps-close-confirm" },
      heading,
      problem ? errorSummary("The year was not closed", [problem], { focus: false }) : null,
      el("dl", { class: "govuk-summary-list" },
        row("Returns that will count", el("span", { id: "close-counted" }, String(p.returnsCounted))),
        row(`Drafts left out (${p.draftsLeftOut.length})`, listOf("close-drafts", p.draftsLeftOut, "last saved", "None: every return started has been submitted.")),
        p.submittedNotCounting.length
          ? row(`Submitted without a required answer (${p.submittedNotCounting.length})`, listOf("close-not-counting", p.submittedNotCounting, "submitted", ""))
          : null,
        row("Not started", el("span", { id: "close-not-started" },
          this.yearDoc?.year === year ? `${p.notStarted} of the year's ${this.yearDoc.nationalServiceCount} services` : String(p.notStarted))),
        row(`Extensions still running (${p.openExtensions.length})`, listOf("close-extensions", p.openExtensions, "until", "None."))),
      p.openExtensions.length
        ? el("div", { class: "govuk-warning-text" }, el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
          el("strong", { class: "govuk-warning-text__text" }, el("span", { class: "govuk-visually-hidden" }, "Warning "),
            `Closing now ends ${pluralise(p.openExtensions.length, "extension", "extensions")}: ${p.openExtensions.length === 1 ? "that service" : "those services"} can no longer return. The year records who ended ${p.openExtensions.length === 1 ? "it" : "them"} and when.`))
        : null,
      el("p", { class: "govuk-body" }, "Every return is locked and the final figures are published on the public site. This cannot be undone (NPPN can still amend a return and publish a new version)."),
      el("div", { class: "govuk-button-group" }, confirm, cancel)));
    heading.focus();
  }

  /** Runs the close with the extensions NPPN confirmed; shows progress, then the outcome (or the year as it is now). */
  async closeNow(year, preview) {
    const area = this.closeArea;
    area.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const progress = el("div", { class: "pps-close-progress", id: "close-progress", role: "status" },
      el("p", { class: "govuk-body govuk-!-font-weight-bold" }, `Closing ${year}: locking every return, computing the figures and publishing them.`),
      el("p", { class: "govuk-body" }, "This can take a minute. Keep this page open."),
      el("progress", { "aria-label": `Closing ${year}` }));
    area.append(progress);
    let result = await call(session, "POST", `years/${year}/close`, { body: { endExtensions: preview.openExtensions.map((s) => s.serviceId) } });
    if (result.status === 202) {
      // The scheduled close took the year first and is publishing it: wait for it, as long as a close takes.
      progress.querySelector("p").textContent = `Closing ${year}: the scheduled run is publishing it now.`;
      for (let i = 0; i < 60; i++) {
        await new Promise((resolve) => { setTimeout(resolve, 2000); });
        const found = await get(session, `years/${year}`);
        if (found.ok && found.body.publishedAt) {
          const versions = await get(session, `years/${year}/published`);
          const current = versions.ok ? versions.body.find((v) => v.current && v.status === "final") : null;
          result = { ok: true, status: 200, body: { ...result.body, status: "published", version: current?.version ?? "", returnsCounted: current?.returns ?? result.body.returnsCounted } };
          break;
        }
      }
    }
    if (result.status === 409 && result.body?.preview) {
      // Something changed since NPPN looked (an extension granted, the year published): show the year as it is now.
      await this.previewClose(year, result.message);
      return;
    }
    if (!result.ok || result.body.status !== "published") {
      progress.remove();
      area.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      area.prepend(errorSummary("The figures were not published", [result.ok ? `${year} is closed; the scheduled run publishes it within minutes.` : result.message]));
      return;
    }
    const o = result.body;
    await this.refreshYear();
    this.renderYearBar();
    await this.showYear();
    const names = (list) => list.map((s) => `${s.name} (service ${s.serviceId})`).join("; ");
    const panelSlot = this.panels.window.querySelector(".pps-slot");
    panelSlot.replaceChildren(success(`${year} closed and published`,
      el("p", { class: "govuk-body", id: "close-outcome" }, `Version ${o.version} is published from ${pluralise(o.returnsCounted, "return", "returns")}; the public dashboard shows it now.`),
      el("p", { class: "govuk-body", id: "close-outcome-drafts" }, o.draftsLeftOut.length
        ? `${pluralise(o.draftsLeftOut.length, "draft was", "drafts were")} left out: ${names(o.draftsLeftOut)}.` : "No draft was left out."),
      o.extensionsEnded.length ? el("p", { class: "govuk-body", id: "close-outcome-extensions" }, `Extensions ended: ${names(o.extensionsEnded)}.`) : null));
    panelSlot.firstChild?.focus?.();
  }

  // ---- Completeness: Tables A and B, by state, every service (sortable) and the CSV of who has not returned.
  async loadCompleteness() {
    const panel = this.panels.completeness;
    const result = await get(session, `years/${this.year}/completeness`);
    const title = el("h2", { class: "govuk-heading-l", id: "completeness-title" }, `Completeness of ${this.year}`);
    if (!result.ok) {
      panel.replaceChildren(title, errorSummary("Completeness could not be read", [result.message], { focus: false }));
      return;
    }
    this.completeness = result.body;
    const c = result.body;
    const totals = table("Participation (as the report's Tables A and B)", ["Table", "What", "Services", "Of services nationally"],
      c.totals.map((t) => el("tr", { class: "govuk-table__row" }, td(t.table), td(t.title), td(String(t.count)), td(t.percent === null ? "no data" : `${t.percent}% of ${t.nationalServiceCount}`))));
    const states = [["submitted", "Returned"], ["locked", "Locked"], ["draft", "Draft"], ["not-started", "Not started"]];
    const warned = c.services.filter((s) => s.unconfirmedWarnings.length > 0).length;
    const counts = el("ul", { class: "govuk-list pps-counts" },
      states.map(([key, label]) => el("li", {}, el("strong", {}, String(c.byState[key] ?? 0)), ` ${label}`)),
      el("li", {}, el("strong", {}, String(warned)), " with unconfirmed warnings"));
    const notReturned = c.services.filter((s) => s.state === "not-started" || s.state === "draft");
    const csv = ["service_id,name,region,state,last_saved,closes",
      ...notReturned.map((s) => [s.serviceId, s.name, s.region, statusText(s.state), s.updatedAt ?? "", s.closesFor].map(csvCell).join(","))].join("\r\n");
    if (this.csvUrl) URL.revokeObjectURL(this.csvUrl);
    this.csvUrl = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    const download = el("p", { class: "govuk-body" },
      el("a", { class: "govuk-link", href: this.csvUrl, download: `not-returned-${this.year}.csv`, id: "not-returned-csv" },
        `Download the ${notReturned.length} services that have not returned (CSV)`));
    this.servicesTable = el("div", {});
    panel.replaceChildren(title, totals, counts, download, this.chaseForm(notReturned), this.servicesTable);
    this.renderServices();
  }

  /**
   * Chase by email the services on the chase list (not started or a draft), or those NPPN names: offered only while
   * the year takes returns (the API refuses a chase otherwise), with NPPN's note in each mail.
   */
  chaseForm(notReturned) {
    const y = this.yearDoc;
    const open = y && !y.publishedAt && (y.state === "open" || Object.keys(y.extensions ?? {}).length > 0);
    if (!open || notReturned.length === 0) return "";
    const slot = el("div", { class: "pps-slot", id: "chase-slot" });
    const only = textInput("chase-services", "Only these services (optional)", { width: 20, hint: `Service ids separated by commas. Leave empty to chase all ${notReturned.length} on the list.` });
    const note = el("textarea", { class: "govuk-textarea", id: "chase-note", name: "chase-note", rows: "3", "aria-describedby": "chase-note-hint" });
    const formNode = el("form", { novalidate: true, id: "chase-form" },
      el("h3", { class: "govuk-heading-m" }, "Chase by email"),
      el("p", { class: "govuk-body" }, "Mails each service's contacts that its return has not reached NPPN, with its closing date and your note. A service that submits before the mail goes out gets nothing."),
      slot, only.group,
      el("div", { class: "govuk-form-group" },
        el("label", { class: "govuk-label", for: "chase-note" }, "Your note (optional)"),
        el("div", { class: "govuk-hint", id: "chase-note-hint" }, "Shown in the mail as you write it."),
        note),
      button(`Email a chase`, null, { type: "submit", id: "send-chase" }));
    formNode.addEventListener("submit", async (event) => {
      event.preventDefault();
      const typed = only.input.value.split(/[\s,]+/).filter(Boolean);
      const ids = typed.length ? typed.map(Number) : notReturned.map((s) => s.serviceId);
      if (ids.some((id) => !Number.isInteger(id) || id <= 0)) {
        slot.replaceChildren(errorSummary("No chase was sent", [{ text: "Service ids must be whole numbers separated by commas, such as 12, 40.", href: "#chase-services" }]));
        return;
      }
      const result = await call(session, "POST", `years/${this.year}/chase`, { body: { serviceIds: ids, note: note.value.trim() || null } });
      if (!outcome(slot, result, { title: "No chase was sent", fields: { serviceIds: "chase-services", note: "chase-note" } })) return;
      const without = result.body.withoutContacts ?? [];
      slot.replaceChildren(success(`Chase queued for ${pluralise(result.body.queued?.length ?? 0, "service", "services")}`,
        without.length ? `No contact is recorded for ${without.length === 1 ? "service" : "services"} ${without.join(", ")}: add one in Contacts, then chase again.` : "It goes out by email within a minute."));
    });
    return formNode;
  }

  renderServices() {
    const columns = [
      ["serviceId", "Service"], ["name", "Name"], ["region", "Region"], ["state", "State"], ["updatedAt", "Last saved"],
      ["closesFor", "Closes"], ["warnings", "Unconfirmed warnings"],
    ];
    const value = (s, key) => (key === "warnings" ? s.unconfirmedWarnings.length : s[key] ?? "");
    const rows = [...this.completeness.services].sort((a, b) => {
      const x = value(a, this.sort.key);
      const y = value(b, this.sort.key);
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * this.sort.dir;
    });
    const head = el("tr", { class: "govuk-table__row" }, columns.map(([key, label]) => {
      const sorted = this.sort.key === key;
      const sortButton = el("button", { type: "button", class: "pps-sort", "data-sort": key }, label);
      sortButton.addEventListener("click", () => {
        this.sort = { key, dir: sorted ? -this.sort.dir : 1 };
        this.renderServices();
        this.servicesTable.querySelector(`button[data-sort="${key}"]`)?.focus();
      });
      return el("th", { class: "govuk-table__header", scope: "col", "aria-sort": sorted ? (this.sort.dir > 0 ? "ascending" : "descending") : "none" }, sortButton);
    }));
    const extended = (s) => Date.parse(s.closesFor) > Date.parse(this.completeness.closes);
    const body = rows.map((s) => {
      const view = el("button", { type: "button", class: "pps-link-button", "data-service": String(s.serviceId) }, String(s.serviceId));
      view.setAttribute("aria-label", `Open service ${s.serviceId}'s return`);
      view.addEventListener("click", () => this.openReturn(s.serviceId));
      return el("tr", { class: "govuk-table__row", "data-state": s.state },
        td(view), td(s.name), td(s.region ?? ""), td(statusText(s.state)), td(s.updatedAt ? dayTime(s.updatedAt) : ""),
        td(extended(s) ? `${day(s.closesFor)} (extension)` : day(s.closesFor)),
        td(s.unconfirmedWarnings.length ? el("ul", { class: "govuk-list govuk-body-s" }, s.unconfirmedWarnings.map((w) => el("li", {}, w.message))) : ""));
    });
    this.servicesTable.replaceChildren(el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": "Every service" },
      el("table", { class: "govuk-table pps-table--compact", id: "services-table" },
        el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, `Every service (${rows.length}); select a column heading to sort`),
        el("thead", { class: "govuk-table__head" }, head),
        el("tbody", { class: "govuk-table__body" }, body))));
  }

  // ---- Extensions: grant and withdraw.
  renderExtensions() {
    const panel = this.panels.extensions;
    const slot = el("div", {});
    const y = this.yearDoc;
    const service = textInput("extension-service", "Service id", { width: 4 });
    const until = dateInput("extension-until", "Until", { hint: "After the closing date." });
    const grant = el("form", { novalidate: true }, service.group, until.group, button("Grant extension", null, { type: "submit", id: "grant-extension" }));
    grant.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = Number(service.input.value);
      const result = await call(session, "POST", `years/${this.year}/extensions/${id}`, { body: { until: fromLocalInput(until.input.value) } });
      if (outcome(slot, result, { title: "No extension was granted", done: { title: `Service ${id} may return until ${dayTime(result.body?.extensions?.[String(id)])}` }, fields: { until: "extension-until" } })) {
        await this.refreshYear();
        this.renderExtensions();
        this.panels.extensions.querySelector(".pps-slot").replaceChildren(success(`Service ${id} may return until ${dayTime(this.yearDoc.extensions[String(id)])}`));
        await this.loadCompleteness();
      }
    });
    const entries = Object.entries(y?.extensions ?? {});
    const list = entries.length
      ? table("Extensions granted", ["Service", "Until", ""], entries.map(([id, when]) => {
        const withdraw = button("Withdraw", async () => {
          const result = await call(session, "DELETE", `years/${this.year}/extensions/${id}`);
          if (outcome(slot, result, { title: "The extension was not withdrawn", done: { title: `Service ${id}'s extension withdrawn` } })) {
            await this.refreshYear();
            this.renderExtensions();
            this.panels.extensions.querySelector(".pps-slot").replaceChildren(success(`Service ${id}'s extension withdrawn`));
            await this.loadCompleteness();
          }
        }, { secondary: true });
        withdraw.setAttribute("aria-label", `Withdraw service ${id}'s extension`);
        withdraw.classList.add("govuk-!-margin-bottom-0");
        return el("tr", { class: "govuk-table__row" }, td(String(id)), td(dayTime(when)), td(withdraw));
      }))
      : el("p", { class: "govuk-body" }, "No extension has been granted.");
    slot.className = "pps-slot";
    // A published year's returns can no longer change: extensions are not offered, as the API would refuse them.
    if (y?.publishedAt) {
      panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "extensions-title" }, "Extensions"),
        el("p", { class: "govuk-body" }, `The ${this.year} figures are published, so no extension can be granted or withdrawn.`));
      return;
    }
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "extensions-title" }, "Extensions"), slot, list, grant);
  }

  // ---- One service's return: answers, history, reopen with a reason.
  renderReturnPanel() {
    const panel = this.panels.return;
    const service = textInput("return-service", "Service id", { width: 4 });
    const show = el("form", { novalidate: true, class: "pps-inline-form" }, service.group, button("Show return", null, { type: "submit", secondary: true, id: "show-return" }));
    show.addEventListener("submit", (event) => {
      event.preventDefault();
      this.openReturn(Number(service.input.value));
    });
    this.returnArea = el("div", {});
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "return-title" }, "A service's return"), show, this.returnArea);
  }

  async openReturn(serviceId) {
    const area = this.returnArea;
    const [definition, result, history] = await Promise.all([
      get(null, `definitions/${this.year}`), get(session, `returns/${this.year}/${serviceId}`), get(session, `returns/${this.year}/${serviceId}/history`),
    ]);
    this.panels.return.querySelector("#return-service").value = String(serviceId);
    if (!result.ok || !definition.ok) {
      area.replaceChildren(errorSummary(`Service ${serviceId}'s return could not be read`, [(result.ok ? definition : result).message]));
      this.panels.return.scrollIntoView();
      return;
    }
    const doc = result.body;
    const fields = new Map(fieldsOf(definition.body).map((f) => [f.id, f]));
    const slot = el("div", { class: "pps-slot" });
    const answers = definition.body.sections.map((section) => el("div", {},
      el("h4", { class: "govuk-heading-s" }, `${section.id}. ${section.title}`),
      el("dl", { class: "govuk-summary-list govuk-summary-list--no-border pps-answers" },
        section.fields.filter((f) => doc.values[f.id] !== undefined).map((f) => el("div", { class: "govuk-summary-list__row" },
          el("dt", { class: "govuk-summary-list__key" }, f.label),
          el("dd", { class: "govuk-summary-list__value pps-answer", "data-field": f.id }, display(f, doc.values[f.id]))))),
      section.fields.some((f) => doc.values[f.id] !== undefined) ? null : el("p", { class: "govuk-body-s" }, "Nothing answered.")));
    const reopen = [];
    if ((doc.status === "submitted" || doc.status === "locked") && !this.yearDoc?.publishedAt) {
      const reason = el("textarea", { class: "govuk-textarea", id: "reopen-reason", name: "reason", rows: "3", "aria-describedby": "reopen-reason-hint" });
      const reopenForm = el("form", { novalidate: true },
        el("h4", { class: "govuk-heading-s" }, "Reopen this return"),
        el("div", { class: "govuk-form-group" },
          el("label", { class: "govuk-label", for: "reopen-reason" }, "Reason"),
          el("div", { class: "govuk-hint", id: "reopen-reason-hint" }, "Kept in the return's history, which the service sees."),
          reason),
        button("Reopen as a draft", null, { type: "submit", warning: true, id: "reopen" }));
      reopenForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        const done = await call(session, "POST", `returns/${this.year}/${serviceId}/reopen`, { body: { reason: reason.value }, ifMatch: result.etag ?? doc.eTag });
        if (outcome(slot, done, { title: "The return was not reopened", done: { title: `Service ${serviceId}'s return is a draft again` }, fields: { reason: "reopen-reason" } })) {
          await this.openReturn(serviceId);
          this.returnArea.querySelector(".pps-slot").replaceChildren(success(`Service ${serviceId}'s return is a draft again`));
          await this.loadCompleteness();
        }
      });
      reopen.push(reopenForm);
    }
    area.replaceChildren(
      el("h3", { class: "govuk-heading-m" }, `${doc.serviceName || `Service ${serviceId}`} (service ${serviceId}): ${statusText(doc.status)}`),
      slot,
      el("p", { class: "govuk-body" }, doc.updatedAt ? `Revision ${doc.revision}, last saved ${dayTime(doc.updatedAt)} by ${doc.updatedBy}.` : "Not started."),
      ...reopen,
      ...answers,
      ...(history.ok ? historyView(history.body.revisions, fields, { headingLevel: 3, events: history.body.events ?? [] }) : []));
    area.scrollIntoView();
  }

  // ---- Credentials: issue (the token shown once), list, revoke.
  async loadCredentials() {
    const panel = this.panels.credentials;
    const slot = el("div", { class: "pps-slot" });
    const service = textInput("credential-service", "Service id", { width: 4 });
    const label = textInput("credential-label", "Label (optional)", { hint: "Who or what it is for, such as the officer's name." });
    const issue = el("form", { novalidate: true },
      el("h3", { class: "govuk-heading-m" }, `Issue a credential for ${this.year}`), service.group, label.group,
      button("Issue credential", null, { type: "submit", id: "issue-credential" }));
    issue.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await call(session, "POST", "credentials", { body: { serviceId: Number(service.input.value) || null, year: this.year, label: label.input.value || null } });
      if (!result.ok) {
        outcome(slot, result, { title: "No credential was issued", done: {}, fields: { serviceId: "credential-service", label: "credential-label" } });
        return;
      }
      await this.loadCredentials();
      this.panels.credentials.querySelector(".pps-slot").replaceChildren(success(`Credential issued to service ${result.body.serviceId}`,
        el("p", { class: "govuk-body" }, "Send this token to the service now: it is shown only this once and cannot be read again."),
        el("p", { class: "govuk-body pps-token" }, el("code", { id: "issued-token" }, result.body.token))));
    });
    const listed = await get(session, `credentials?year=${this.year}`);
    const list = !listed.ok ? errorSummary("Credentials could not be listed", [listed.message], { focus: false })
      : listed.body.length === 0 ? el("p", { class: "govuk-body" }, `No credential has been issued for ${this.year}.`)
        : table(`Credentials for ${this.year}`, ["Id", "Service", "Label", "Issued", "Revoked", ""], listed.body.map((c) => {
          let action = "";
          if (!c.revokedAt) {
            action = button("Revoke", async () => {
              const result = await call(session, "DELETE", `credentials/${c.id}`);
              if (outcome(slot, result, { title: "The credential was not revoked", done: {} })) {
                await this.loadCredentials();
                this.panels.credentials.querySelector(".pps-slot").replaceChildren(success(`Credential ${c.id} revoked`, "The service can no longer sign in with it."));
              }
            }, { warning: true });
            action.setAttribute("aria-label", `Revoke credential ${c.id} of service ${c.serviceId}`);
            action.classList.add("govuk-!-margin-bottom-0");
          }
          return el("tr", { class: "govuk-table__row" }, td(el("code", {}, c.id)), td(String(c.serviceId)), td(c.label ?? ""), td(dayTime(c.issuedAt)), td(c.revokedAt ? dayTime(c.revokedAt) : ""), td(action));
        }), { compact: true });
    // Sign-in links by email (the mail API): each service gets a new credential, mailed to its contacts as a link, so
    // no token is ever copied by hand. Every service at once, or one.
    const linkService = textInput("link-service", "Service id (leave empty for every service)", { width: 4 });
    const links = el("form", { novalidate: true, id: "sign-in-links" },
      el("h3", { class: "govuk-heading-m" }, `Email sign-in links for ${this.year}`),
      el("p", { class: "govuk-body" }, "Each service gets a new credential, sent to its contacts as a sign-in link. The token is never shown here."),
      linkService.group,
      button("Email sign-in links", null, { type: "submit", id: "send-sign-in-links" }));
    links.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = linkService.input.value.trim();
      const body = id ? { serviceIds: [Number(id)], label: "Sign-in link" } : { label: "Sign-in link" };
      const result = await call(session, "POST", `years/${this.year}/sign-in-links`, { body });
      if (!outcome(slot, result, { title: "No sign-in link was sent", fields: { serviceIds: "link-service" } })) return;
      const without = result.body.withoutContacts ?? [];
      slot.replaceChildren(success(`Sign-in links queued for ${pluralise(result.body.queued?.length ?? 0, "service", "services")}`,
        without.length ? `No contact is recorded for ${without.length === 1 ? "service" : "services"} ${without.join(", ")}: add one, then send again.` : "They go out by email within a minute."));
    });
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "credentials-title" }, "Credentials"), slot, links, issue, list);
  }

  // ---- Contacts: who at each service receives its mail (sign-in links, receipts, reminders, chases). Personal data:
  // shown to NPPN only, on request for one service.
  renderContacts(serviceId) {
    const panel = this.panels.contacts;
    const slot = el("div", { class: "pps-slot" });
    const service = textInput("contact-service", "Service id", { width: 4, value: serviceId ? String(serviceId) : undefined });
    const show = el("form", { novalidate: true, class: "pps-inline-form" }, service.group, button("Show contacts", null, { type: "submit", secondary: true, id: "show-contacts" }));
    const area = el("div", { id: "contacts-area" });
    show.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = Number(service.input.value);
      if (!Number.isInteger(id) || id <= 0) {
        slot.replaceChildren(errorSummary("There is a problem", [{ text: "Enter the service's id, a whole number such as 42.", href: "#contact-service" }]));
        return;
      }
      slot.replaceChildren();
      await this.showContacts(id, area, slot);
    });
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "contacts-title" }, "Contacts"),
      el("p", { class: "govuk-body" }, "The people at a service who receive its sign-in links, receipts, reminders and chases. Addresses are personal data: they are used only to send the service's mail and never published."),
      slot, show, area);
    if (serviceId) return this.showContacts(serviceId, area, slot);
    return undefined;
  }

  async showContacts(serviceId, area, slot) {
    const listed = await get(session, `services/${serviceId}/contacts`);
    if (!listed.ok) {
      area.replaceChildren(errorSummary("The contacts could not be read", [listed.message]));
      return;
    }
    const name = textInput("contact-name", "Name");
    const email = textInput("contact-email", "Email address", { type: "email", autocomplete: "off" });
    const add = el("form", { novalidate: true, id: "add-contact-form" },
      el("h4", { class: "govuk-heading-s" }, `Add a contact for service ${serviceId}`), name.group, email.group,
      button("Add contact", null, { type: "submit", id: "add-contact" }));
    add.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await call(session, "POST", `services/${serviceId}/contacts`, { body: { name: name.input.value, email: email.input.value } });
      if (!outcome(slot, result, { title: "The contact was not added", fields: { name: "contact-name", email: "contact-email" } })) return;
      await this.showContacts(serviceId, area, slot);
      slot.replaceChildren(success(`${result.body.name} added to service ${serviceId}'s contacts`));
    });
    const list = listed.body.length === 0
      ? el("p", { class: "govuk-body", id: "contacts-none" }, `Service ${serviceId} has no contact: nothing can be mailed to it.`)
      : table(`Contacts of service ${serviceId}`, ["Name", "Email address", "Changed", ""], listed.body.map((c) => {
        const remove = button("Remove", async () => {
          const result = await call(session, "DELETE", `services/${serviceId}/contacts/${encodeURIComponent(c.id)}`);
          if (!outcome(slot, result, { title: "The contact was not removed" })) return;
          await this.showContacts(serviceId, area, slot);
          slot.replaceChildren(success(`${c.name} removed from service ${serviceId}'s contacts`));
        }, { warning: true });
        remove.setAttribute("aria-label", `Remove ${c.name} from service ${serviceId}'s contacts`);
        remove.classList.add("govuk-!-margin-bottom-0");
        return el("tr", { class: "govuk-table__row", "data-contact": c.id }, td(c.name), td(c.email), td(`${dayTime(c.updatedAt)} by ${actorName(c.updatedBy)}`), td(remove));
      }), { compact: true });
    area.replaceChildren(list, add);
  }

  // ---- NPPN staff: each person's own credential, issued and revoked by another member of staff, so the audit names them.
  async loadStaff() {
    const panel = this.panels.staff;
    const slot = el("div", { class: "pps-slot" });
    const who = this.me?.staffName
      ? el("p", { class: "govuk-body", id: "signed-in-as" }, `Signed in as ${this.me.staffName}. Every change you make is recorded under your name.`)
      : el("div", { class: "govuk-warning-text", id: "signed-in-as" }, el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
        el("strong", { class: "govuk-warning-text__text" }, el("span", { class: "govuk-visually-hidden" }, "Warning "),
          "Signed in with the configured admin token, which names nobody. Issue yourself a credential below and sign in with it: from then on this token no longer signs in."));
    const name = textInput("staff-name", "Name", { hint: "The person's name, as the audit will show it beside each change they make." });
    const issue = el("form", { novalidate: true },
      el("h3", { class: "govuk-heading-m" }, "Issue a member of staff a credential"), name.group,
      button("Issue staff credential", null, { type: "submit", id: "issue-staff" }));
    issue.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await call(session, "POST", "staff", { body: { name: name.input.value } });
      if (!outcome(slot, result, { title: "No credential was issued", fields: { name: "staff-name" } })) return;
      if (!this.me?.staffName) {
        // Issued with the configured admin token: from now on that token is refused everywhere (the API answers 401),
        // so nothing more is asked with it; the person signs in with the credential shown.
        const again = button("Sign out and sign in with it", () => { session.token = null; signIn(this.target); }, { secondary: true, id: "sign-in-as-staff" });
        panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "staff-title" }, "NPPN staff"),
          el("div", { class: "pps-slot" }, success(`Credential issued to ${result.body.name}`,
            el("p", { class: "govuk-body" }, "Give it to them now: it is shown only this once and cannot be read again."),
            el("p", { class: "govuk-body pps-token" }, el("code", { id: "issued-staff-token" }, result.body.token)),
            el("p", { class: "govuk-body" }, "The configured admin token no longer signs in now that a member of staff has a credential: sign in with your own."))),
          again);
        panel.querySelector(".govuk-notification-banner")?.focus();
        return;
      }
      await this.loadStaff();
      this.panels.staff.querySelector(".pps-slot").replaceChildren(success(`Credential issued to ${result.body.name}`,
        el("p", { class: "govuk-body" }, "Give it to them now: it is shown only this once and cannot be read again."),
        el("p", { class: "govuk-body pps-token" }, el("code", { id: "issued-staff-token" }, result.body.token))));
    });
    const listed = await get(session, "staff");
    const list = !listed.ok ? errorSummary("Staff credentials could not be listed", [listed.message], { focus: false })
      : listed.body.length === 0 ? el("p", { class: "govuk-body" }, "No member of staff has a credential yet.")
        : table("Staff credentials", ["Name", "Issued", "By", "Revoked", ""], listed.body.map((c) => {
          let action = "";
          if (!c.revokedAt && c.id !== this.me?.staffCredentialId) {
            action = button("Revoke", async () => {
              const result = await call(session, "DELETE", `staff/${c.id}`);
              if (outcome(slot, result, { title: "The credential was not revoked" })) {
                await this.loadStaff();
                this.panels.staff.querySelector(".pps-slot").replaceChildren(success(`${c.name}'s credential revoked`, "It no longer signs in, on any instance."));
              }
            }, { warning: true });
            action.setAttribute("aria-label", `Revoke ${c.name}'s credential`);
            action.classList.add("govuk-!-margin-bottom-0");
          } else if (!c.revokedAt) {
            action = "You (another member of staff revokes it)";
          }
          return el("tr", { class: "govuk-table__row", "data-staff": c.id }, td(c.name), td(dayTime(c.issuedAt)), td(actorName(c.issuedBy)),
            td(c.revokedAt ? `${dayTime(c.revokedAt)} by ${actorName(c.revokedBy)}` : ""), td(action));
        }), { compact: true });
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "staff-title" }, "NPPN staff"), who, slot, issue, list);
  }

  // ---- National figures: provisional recompute, look at a version, make an earlier final version current.
  async loadVersions() {
    const panel = this.panels.publishing;
    const slot = el("div", { class: "pps-slot" });
    this.versionArea = el("div", {});
    const recompute = button(this.yearDoc?.publishedAt ? "Publish a new version" : "Run a provisional recompute", async () => {
      recompute.disabled = true;
      const result = await call(session, "POST", `years/${this.year}/recompute`);
      recompute.disabled = false;
      if (!result.ok) {
        outcome(slot, result, { title: "The figures were not recomputed", done: {} });
        return;
      }
      await this.refreshYear();
      await this.loadVersions();
      this.panels.publishing.querySelector(".pps-slot").replaceChildren(success(`${result.body.status === "final" ? "Published" : "Provisional"} version ${result.body.version}`,
        `${pluralise(result.body.returns, "return", "returns")}, ${result.body.figures.length} figures. ${result.body.status === "final" ? "The public dashboard shows it now." : "Only NPPN can see it; the public site does not."}`));
      await this.showVersion(result.body.version);
    }, { id: "recompute" });
    const listed = await get(session, `years/${this.year}/published`);
    const versions = !listed.ok ? errorSummary("Published versions could not be listed", [listed.message], { focus: false })
      : listed.body.length === 0 ? el("p", { class: "govuk-body" }, `Nothing has been computed for ${this.year} yet.`)
        : table(`Versions of ${this.year}`, ["Version", "Status", "Computed", "Returns", "Files", ""], listed.body.map((v) => {
          const look = button("Look at it", () => this.showVersion(v.version), { secondary: true });
          look.append(el("span", { class: "govuk-visually-hidden" }, ` (version ${v.version})`));
          look.classList.add("govuk-!-margin-bottom-0", "govuk-!-margin-right-2");
          const actions = [look];
          if (v.status === "final" && !v.current) {
            const restore = button("Make current", async () => {
              const result = await call(session, "POST", `years/${this.year}/published/${encodeURIComponent(v.version)}/restore`);
              if (outcome(slot, result, { title: "The version was not made current", done: {} })) {
                await this.refreshYear();
                await this.loadVersions();
                this.panels.publishing.querySelector(".pps-slot").replaceChildren(success(`Version ${v.version} is the published one again`));
              }
            }, { warning: true });
            restore.append(el("span", { class: "govuk-visually-hidden" }, ` (version ${v.version})`));
            restore.classList.add("govuk-!-margin-bottom-0");
            actions.push(restore);
          }
          return el("tr", { class: "govuk-table__row" }, td(el("code", {}, v.version)),
            td(v.current ? el("strong", { class: "govuk-tag govuk-tag--green" }, `${v.status}, current`) : v.status),
            td(dayTime(v.createdAt)), td(String(v.returns)), td(String(v.files)), td(...actions));
        }), { compact: true });
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "publishing-title" }, "National figures"), slot,
      el("p", { class: "govuk-body" }, this.yearDoc?.publishedAt
        ? "The year is published: a recompute writes a new final version and makes it current."
        : "Before the close a recompute is provisional: NPPN can look at it here, the public site does not show it."),
      recompute, versions, this.versionArea);
  }

  async showVersion(version) {
    const manifest = await get(session, `years/${this.year}/published/${encodeURIComponent(version)}`);
    if (!manifest.ok) {
      this.versionArea.replaceChildren(errorSummary("The version could not be read", [manifest.message]));
      return;
    }
    const figures = manifest.body.files.filter((f) => f.kind === "figure");
    const select = el("select", { class: "govuk-select", id: "version-figure" }, figures.map((f) => el("option", { value: f.figureId }, `${f.figureId}: ${f.title} (N = ${f.returns})`)));
    const figureArea = el("div", {});
    const pick = el("form", { novalidate: true, class: "pps-inline-form" },
      el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "version-figure" }, "Figure"), select),
      button("Show figure", null, { type: "submit", secondary: true }));
    const showFigure = async () => {
      const figure = await get(session, `years/${this.year}/published/${encodeURIComponent(version)}/figures/${encodeURIComponent(select.value)}`);
      if (!figure.ok) {
        figureArea.replaceChildren(errorSummary("The figure could not be read", [figure.message]));
        return;
      }
      const { element, drawChart } = renderFigure({ figure: figure.body }, { headingLevel: "h4", downloads: false });
      figureArea.replaceChildren(element);
      drawChart?.();
    };
    pick.addEventListener("submit", (event) => { event.preventDefault(); showFigure(); });
    // The whole set as the report it becomes: the site's own report page draws it, a provisional set read through the
    // API with this tab's sign-in, a final one from the public site.
    const asReport = manifest.body.status === "provisional"
      ? el("a", { class: "govuk-button", href: `report.html?provisional=${this.year}&version=${encodeURIComponent(version)}`, id: "preview-report", role: "button", draggable: "false" }, "Preview as the report")
      : el("a", { class: "govuk-link", href: `report.html?year=${this.year}`, id: "published-report" }, `The published ${this.year} report`);
    this.versionArea.replaceChildren(
      el("h3", { class: "govuk-heading-m", id: "version-title", tabindex: "-1" }, `Version ${version} (${manifest.body.status}): ${pluralise(manifest.body.returns, "return", "returns")}, ${figures.length} figures`),
      el("p", { class: "govuk-body" }, manifest.body.status === "provisional"
        ? "See the whole set as the national report will show it once published (this tab, signed in as you; nobody else can open it), or one figure here."
        : "The public site shows this version's figures when it is the current one."),
      el("p", { class: "govuk-body" }, asReport),
      pick, figureArea);
    if (figures.length) await showFigure();
    this.versionArea.querySelector("#version-title").focus();
  }

  // ---- Returns from CSV: a preview of what the file would change (nothing stored), then the load of exactly that file.
  returnsImport() {
    const slot = el("div", { class: "pps-slot" });
    const result = el("div", { id: "returns-import-preview" });
    const file = el("input", { class: "govuk-file-upload", id: "import-returns", name: "import-returns", type: "file", accept: ".csv,text/csv", "aria-describedby": "import-returns-hint" });
    const radio = (value, label, hint, checked) => el("div", { class: "govuk-radios__item" },
      el("input", { class: "govuk-radios__input", id: `import-returns-${value}`, name: "import-returns-mode", type: "radio", value, "aria-describedby": `import-returns-${value}-hint`, ...(checked ? { checked: true } : {}) }),
      el("label", { class: "govuk-label govuk-radios__label", for: `import-returns-${value}` }, label),
      el("div", { class: "govuk-hint govuk-radios__hint", id: `import-returns-${value}-hint` }, hint));
    const mode = el("div", { class: "govuk-form-group" }, el("fieldset", { class: "govuk-fieldset" },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Each row"),
      el("div", { class: "govuk-radios", "data-module": "govuk-radios" },
        radio("replace", "Replaces the service's return", "The file has a column for every question (empty for no answer).", true),
        radio("merge", "Changes only the columns the file has", "Every other stored answer is kept."))));
    let previewed = null;
    const load = button("Load these returns", async () => {
      if (!previewed) return;
      load.disabled = true;
      const done = await call(session, "POST", `years/${previewed.year}/returns/import${previewed.mode === "merge" ? "?mode=merge" : ""}`, { body: previewed.text, contentType: "text/csv" });
      load.disabled = false;
      if (!done.ok) {
        slot.replaceChildren(errorSummary(`${previewed.name} was not loaded`, [done.message]));
        return;
      }
      result.replaceChildren();
      slot.replaceChildren(success(`${previewed.name} loaded into ${previewed.year}`,
        `${pluralise(done.body.imported, "return", "returns")} stored as submitted (batch ${done.body.batch ?? "none"}); ${done.body.unchanged} unchanged.`));
      previewed = null;
      if (this.year) await this.loadCompleteness();
    }, { warning: true, id: "import-returns-load" });
    const forget = () => { previewed = null; result.replaceChildren(); };
    file.addEventListener("change", forget);
    mode.addEventListener("change", forget);
    const formNode = el("form", { novalidate: true },
      el("h3", { class: "govuk-heading-m" }, "Returns"), slot,
      el("div", { class: "govuk-form-group" },
        el("label", { class: "govuk-label", for: "import-returns" }, "CSV file"),
        el("div", { class: "govuk-hint", id: "import-returns-hint" }, "Columns service_id, then question ids; confirmed_warnings for the year-on-year warnings confirmed. Loaded into the year shown above, each row as a submitted return. You see what it would change first."),
        file),
      mode,
      button("Preview the changes", null, { type: "submit", secondary: true, id: "import-returns-preview" }),
      result);
    formNode.addEventListener("submit", async (event) => {
      event.preventDefault();
      forget();
      const chosen = file.files?.[0];
      if (!chosen) {
        slot.replaceChildren(errorSummary("Nothing was previewed", [{ text: "Choose a CSV file.", href: "#import-returns" }]));
        return;
      }
      if (!this.year) {
        slot.replaceChildren(errorSummary("Nothing was previewed", ["Open a collection year first."]));
        return;
      }
      const chosenMode = formNode.querySelector("input[name=import-returns-mode]:checked")?.value ?? "replace";
      const text = await chosen.text();
      const answer = await call(session, "POST", `years/${this.year}/returns/import?preview=true${chosenMode === "merge" ? "&mode=merge" : ""}`, { body: text, contentType: "text/csv" });
      if (!answer.ok) {
        const rows = answer.body?.problems ?? [];
        slot.replaceChildren(errorSummary(`${chosen.name} cannot be loaded as it is`, [answer.message]),
          rows.length ? table(`Every problem (${rows.length})`, ["Line", "Column", "Problem"],
            rows.map((r) => el("tr", { class: "govuk-table__row" }, td(String(r.line)), td(r.column), td(r.message))), { compact: true }) : "");
        return;
      }
      slot.replaceChildren();
      const p = answer.body;
      const changeText = (r) => (r.change === "new" ? `New: ${pluralise(r.fieldsChanged.length, "answer", "answers")}`
        : r.change === "unchanged" ? "Unchanged (skipped)" : `Changed: ${pluralise(r.fieldsChanged.length, "answer", "answers")}`);
      const fieldsText = (r) => (r.change === "changed"
        ? el("ul", { class: "govuk-list govuk-body-s" }, r.fieldsChanged.map((c) => el("li", {}, `${c.fieldId}: ${c.from ?? "no answer"} → ${c.to ?? "no answer"}`)))
        : "");
      const warningsText = (r) => (r.warningsToConfirm.length
        ? el("ul", { class: "govuk-list govuk-body-s" }, r.warningsToConfirm.map((w) => el("li", {}, `${w.code}: ${w.message}`)))
        : r.confirmed.length ? `Confirmed: ${r.confirmed.join(", ")}` : "");
      previewed = p.canImport ? { text, name: chosen.name, year: p.year, mode: p.mode } : null;
      result.replaceChildren(
        el("h4", { class: "govuk-heading-s", id: "import-returns-summary", tabindex: "-1" },
          `${chosen.name} into ${p.year}: ${p.new} new, ${p.changed} changed, ${p.unchanged} unchanged (${pluralise(p.rows.length, "service", "services")})`),
        p.problems.length
          ? errorSummary(`${chosen.name} cannot be loaded as it is: correct these and preview again`, p.problems.map((x) => `Line ${x.line}, ${x.column || "row"}: ${x.message}`).concat(p.moreProblems ? [`and ${p.moreProblems} more`] : []), { focus: false })
          : el("p", { class: "govuk-body" }, "Nothing stops it loading. Nothing has been stored yet."),
        table("What each row would change", ["Line", "Service", "Change", "Answers changed", "Warnings to confirm"],
          p.rows.map((r) => el("tr", { class: "govuk-table__row", "data-service": String(r.serviceId) }, td(String(r.line)), td(`${r.name} (${r.serviceId})`), td(changeText(r)), td(fieldsText(r)), td(warningsText(r)))),
          { compact: true }),
        p.canImport ? load : el("p", { class: "govuk-body" }, "Put the code of each warning you confirm in the confirmed_warnings column, then preview again."));
      result.querySelector("#import-returns-summary").focus();
    });
    return formNode;
  }

  // ---- Imports: reference data and statistical neighbours from CSV, every bad row listed.
  renderImports() {
    const panel = this.panels.imports;
    // Reference data and neighbours: a preview of what the file would change (nothing stored), then the load of exactly
    // that file, as for returns.
    const one = (id, title, path, hint) => {
      const slot = el("div", { class: "pps-slot" });
      const previewArea = el("div", { id: `${id}-preview` });
      const file = el("input", { class: "govuk-file-upload", id, name: id, type: "file", accept: ".csv,text/csv", "aria-describedby": `${id}-hint` });
      const what = path === "reference-data" ? "rows" : "services' neighbours";
      const problems = (name, result) => {
        const rows = result.body?.rows ?? [];
        slot.replaceChildren(errorSummary(`${name} was not imported; nothing was stored`, [result.message]),
          rows.length ? table(`Every bad row (${rows.length})`, ["Line", "Column", "Problem"],
            rows.map((r) => el("tr", { class: "govuk-table__row" }, td(String(r.line)), td(r.column), td(r.message))), { compact: true }) : "");
      };
      const formNode = el("form", { novalidate: true },
        el("h3", { class: "govuk-heading-m" }, title), slot,
        el("div", { class: "govuk-form-group" },
          el("label", { class: "govuk-label", for: id }, "CSV file"),
          el("div", { class: "govuk-hint", id: `${id}-hint` }, hint),
          file),
        button("Preview the changes", null, { type: "submit", secondary: true, id: `${id}-submit` }), previewArea);
      formNode.addEventListener("submit", async (event) => {
        event.preventDefault();
        previewArea.replaceChildren();
        const chosen = file.files?.[0];
        if (!chosen) {
          slot.replaceChildren(errorSummary("Nothing was imported", [{ text: "Choose a CSV file.", href: `#${id}` }]));
          return;
        }
        const text = await chosen.text();
        const preview = await call(session, "POST", `${path}?preview=true`, { body: text, contentType: "text/csv" });
        if (!preview.ok) {
          problems(chosen.name, preview);
          return;
        }
        slot.replaceChildren();
        const p = preview.body;
        const shown = p.rows.slice(0, 200);
        const change = (c) => (c.to === null ? `${c.field}: ${c.from} removed` : c.from === null ? `${c.field}: ${c.to}` : `${c.field}: ${c.from} → ${c.to}`);
        const load = button(`Load ${chosen.name}`, async () => {
          load.disabled = true;
          const result = await call(session, "POST", path, { body: text, contentType: "text/csv" });
          if (!result.ok) {
            load.disabled = false;
            problems(chosen.name, result);
            return;
          }
          previewArea.replaceChildren();
          slot.replaceChildren(success(`${chosen.name} imported`, `${result.body.count} ${what} stored.`));
          slot.firstChild?.focus?.();
        }, { warning: true, id: `${id}-load` });
        previewArea.replaceChildren(
          el("h4", { class: "govuk-heading-s", id: `${id}-summary`, tabindex: "-1" },
            `${chosen.name}: ${p.new} new, ${p.changed} changed, ${p.removed} removed, ${p.unchanged} unchanged`
            + (p.years.length ? ` (replaces ${p.years.join(", ")})` : " (replaces the whole list)")),
          p.rows.length
            ? table(`What it would change${p.rows.length > shown.length ? ` (the first ${shown.length} of ${p.rows.length})` : ""}`, ["Service", "Year", "Change", "Figures"],
              shown.map((r) => el("tr", { class: "govuk-table__row", "data-service": String(r.serviceId), "data-change": r.change },
                td(String(r.serviceId)), td(r.year === null ? "" : String(r.year)), td(r.change),
                td(el("ul", { class: "govuk-list govuk-body-s" }, r.fields.map((c) => el("li", {}, change(c))))))), { compact: true })
            : el("p", { class: "govuk-body" }, "Nothing would change."),
          p.rows.length ? load : "");
        previewArea.querySelector(`#${id}-summary`).focus();
      });
      return formNode;
    };
    panel.replaceChildren(el("h2", { class: "govuk-heading-l", id: "imports-title" }, "Imports"),
      this.returnsImport(),
      one("import-reference", "Reference data", "reference-data", "Columns service_id, year, region, population_0_19, sen_pupils, fsm_pupils and optionally source. Replaces every year the file holds; all or nothing: a file with any bad row stores nothing. You see what it would change first."),
      one("import-neighbours", "Statistical neighbours", "statistical-neighbours", "Columns service_id, neighbour_id. Replaces the whole list; all or nothing. You see what it would change first."));
  }
}
