// The return form: a PPS officer signs in with the service's token, fills in the year's return (drawn from
// the year's definition), saves drafts (and autosaves) with the ETag it read, resolves a conflicting save
// side by side, confirms year-on-year warnings and submits; the history lists every revision.
// Unsaved answers are also kept in sessionStorage (this tab only), so a reload or a lost connection loses nothing.
// A task list shows each section's state; "Check your answers" lists every answer, every unanswered question, every
// rule still broken and every warning to confirm before the return can be submitted (GOV.UK's pattern).
import { el } from "../format.js";
import { call, get, download } from "../returns/api.js";
import { SharedSession } from "../returns/session.js";
import { renderReturn, fieldsOf, display, same, controlId } from "../returns/fields.js";
import { errorSummary, banner, success, button, textInput, day, dayTime, time } from "../returns/messages.js";
import { ready, busy } from "../page.js";
import { historyView, statusText } from "../returns/history.js";

const session = new SharedSession("pps.form.token");
const AUTOSAVE_MS = 4000;

export async function form(target) {
  if (!session.token) await session.restore();
  if (!session.token) return signIn(target);
  const me = await get(session, "me");
  if (!me.ok || me.body.nppn || me.body.serviceId == null) {
    session.token = null;
    return signIn(target, me.ok ? "This is NPPN's token: sign in to NPPN's console instead, or use a service's token here." : me.message);
  }
  return new ReturnPage(target, me.body).load();
}

function signIn(target, problem) {
  const { group, input } = textInput("token", "Access token", {
    type: "password", width: 30, hint: "The token NPPN sent your service for this year's return (the link in NPPN's email signs you in without it). It starts with pps_. You stay signed in, in every tab of this browser, until you sign out or close them all.",
  });
  const formNode = el("form", { class: "pps-sign-in", novalidate: true },
    group, button("Sign in", null, { type: "submit" }));
  formNode.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return show("Enter the access token NPPN sent you.");
    session.token = token;
    busy();
    await form(target);
  });
  const show = (message) => {
    target.replaceChildren(errorSummary("There is a problem", [{ text: message, href: "#token" }]), heading(), formNode);
    group.classList.add("govuk-form-group--error");
    input.classList.add("govuk-input--error");
    ready();
  };
  const heading = () => el("h2", { class: "govuk-heading-l" }, "Sign in to your return");
  if (problem) show(problem);
  else {
    target.replaceChildren(heading(), formNode);
    ready();
  }
}

class ReturnPage {
  constructor(target, me) {
    this.target = target;
    this.me = me;
    this.year = me.year;
    this.serviceId = me.serviceId;
    this.path = `returns/${me.year}/${me.serviceId}`;
    this.backupKey = `pps.form.unsaved.${me.year}.${me.serviceId}`;
    this.saving = null;
    this.timer = null;
    this.dirty = false;
    this.conflict = false;
  }

  async load() {
    busy();
    const [definition, current, window] = await Promise.all([
      get(null, `definitions/${this.year}`), get(session, this.path), get(session, `years/${this.year}`),
    ]);
    if (current.status === 401) {
      session.token = null;
      return signIn(this.target, current.message);
    }
    const failure = [definition, current, window].find((r) => !r.ok);
    if (failure) {
      this.target.replaceChildren(errorSummary("Your return could not be opened", [failure.message]));
      ready();
      return;
    }
    this.definition = definition.body;
    this.fields = new Map(fieldsOf(this.definition).map((f) => [f.id, f]));
    this.window = window.body;
    this.doc = current.body;
    this.etag = current.etag ?? current.body.eTag ?? null;
    this.render();
    this.restoreBackup();
    await this.loadHistory();
    ready();
  }

  get lastYearLabel() {
    return this.doc.lastYear ? `Last year (${this.doc.lastYear.year})` : "Last year";
  }

  /** Why the return cannot be changed now, or null when it can. */
  lockedReason() {
    const closes = this.doc.closesFor ?? this.window.closes;
    const state = this.window.state;
    if (state === "published") return `The ${this.year} figures have been published; the return can no longer change.`;
    if (state === "scheduled") return `The ${this.year} collection opens on ${dayTime(this.window.opens)}. You can fill in the return from then.`;
    if (this.doc.status === "submitted" && this.window.acceptsWrites !== false) {
      return `You submitted this return on ${dayTime(this.doc.submittedAt)}. To change it, ask NPPN to reopen it.`;
    }
    // The server says whether the window (with any extension) is open now: never the browser's clock.
    if (this.window.acceptsWrites === false || this.doc.status === "locked") {
      return `The ${this.year} collection closed on ${dayTime(closes)}, so the return is locked and shown read-only. If something in it is wrong, contact NPPN: they can reopen it or give your service an extension.`;
    }
    return null;
  }

  render() {
    const doc = this.doc;
    this.form = renderReturn(this.definition, doc.lastYear?.values, this.lastYearLabel);
    this.form.setValues(doc.values);
    this.messages = el("div", { class: "pps-messages" });
    this.status = el("p", { class: "govuk-body pps-save-status", role: "status", "aria-live": "polite" });
    this.conflictArea = el("div", {});
    this.warningArea = el("div", {});
    this.historyArea = el("section", { class: "pps-history", "aria-labelledby": "history-title" });
    this.workbookArea = el("section", { class: "pps-workbook", "aria-labelledby": "workbook-title" });
    this.renderWorkbook();

    this.facts = el("div", {});
    this.renderFacts();
    this.taskList = el("nav", { class: "pps-task-list", id: "task-list", tabindex: "-1", "aria-labelledby": "task-list-title" });
    this.review = el("div", { class: "pps-review", id: "check-answers-page", hidden: true });
    this.saveButton = button("Save draft", () => this.save({ manual: true }), { secondary: true, id: "save-draft" });
    this.submitButton = button("Check your answers", () => this.checkAnswers(), { id: "check-answers" });
    const signOut = el("button", { type: "button", class: "govuk-button govuk-button--secondary pps-sign-out" }, "Sign out");
    signOut.addEventListener("click", () => this.signOut());

    // One section at a time (GOV.UK's task list pattern): the task list is the way in, each section ends with
    // "Save and continue" to the next one (the last back to the task list). Every section stays in the form, hidden, so
    // values, autosave, errors and the running totals work across them.
    this.sectionNodes = new Map(this.definition.sections.map((section, i) => {
      const node = this.form.element.querySelector(`#part-${CSS.escape(String(section.id))}`);
      const next = this.definition.sections[i + 1];
      const go = button(next ? "Save and continue" : "Save and go back to the sections", () => this.saveAndContinue(next?.id ?? null), { id: `continue-${section.id}` });
      node.lastElementChild.before(el("div", { class: "govuk-button-group" }, go));
      return [String(section.id), node];
    }));
    this.mainButtons = el("div", { class: "govuk-button-group" }, this.submitButton, this.saveButton);
    const formNode = el("form", { class: "pps-return-form", novalidate: true, id: "return-form" }, this.form.element, this.mainButtons);
    this.formNode = formNode;
    formNode.addEventListener("submit", (event) => event.preventDefault());
    // Only the answers count as changes (not the warning confirmations below them).
    const onEdit = (event) => { if (event.target.closest?.("[data-field]")) this.changed(); };
    formNode.addEventListener("input", onEdit);
    formNode.addEventListener("change", onEdit);

    this.target.replaceChildren(
      this.messages,
      el("div", { class: "pps-return-header" }, el("h2", { class: "govuk-heading-l" }, `Your ${this.year} return`), signOut),
      this.facts,
      this.status,
      this.conflictArea,
      this.taskList,
      formNode,
      this.review,
      this.workbookArea,
      this.historyArea);
    // Links to a section, to the task list, or to a question in a section not shown (an error summary's, say) open it
    // first; capture, so that the link's own handler (focusing the question) runs once it can be seen.
    if (!this.followsLinks) this.target.addEventListener("click", (event) => this.followLink(event), true);
    this.followsLinks = true;
    this.renderTaskList();
    this.showSection(null, { focus: false });
    this.applyLock();
  }

  /** Shows one section of the return (its id), or the task list (null), moving the focus there. */
  showSection(id, { focus = true } = {}) {
    this.currentSection = id;
    for (const [sectionId, node] of this.sectionNodes) node.hidden = sectionId !== id;
    const onList = id === null;
    this.taskList.hidden = !onList;
    this.mainButtons.hidden = !onList;
    this.workbookArea.hidden = !onList;
    this.historyArea.hidden = !onList;
    if (onList) this.renderTaskList();
    if (!focus) return;
    const target = onList ? this.taskList : document.getElementById(`section-${id}`);
    target?.scrollIntoView({ block: "start" });
    target?.focus();
  }

  /** "Save and continue": saves what changed (staying, with the problems shown, if it is refused), then the next section. */
  async saveAndContinue(nextId) {
    if (this.dirty && !this.lockedReason()) {
      const saved = await this.save({ manual: true });
      if (!saved?.ok) return;
    }
    this.showSection(nextId);
  }

  followLink(event) {
    const link = event.target.closest?.("a[href^='#']");
    if (!link || !this.sectionNodes) return;
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (id === "task-list" || /^part-/.test(id)) {
      event.preventDefault();
      this.showReview(false);
      this.showSection(id === "task-list" ? null : id.slice("part-".length));
      return;
    }
    const section = document.getElementById(id)?.closest(".pps-return-section");
    if (section?.hidden) {
      this.showReview(false);
      this.showSection(section.id.slice("part-".length), { focus: false });
    }
  }

  /** Each section's state, by the answers in the form now and what the server last said still stops a submit. */
  sectionState(section, values) {
    const answered = section.fields.filter((f) => values[f.id] !== undefined).length;
    if (answered === 0) return "Not yet started";
    const ids = new Set(section.fields.map((f) => f.id));
    const missing = section.fields.some((f) => f.requiredForSubmission && values[f.id] === undefined);
    const broken = (this.dirty ? [] : this.doc.toSubmit ?? []).some((p) => p.code !== "required" && ids.has(p.field));
    return missing || broken ? "In progress" : "Completed";
  }

  renderTaskList() {
    const values = this.form.values();
    const item = (href, title, hint, state) => el("li", { class: "govuk-task-list__item govuk-task-list__item--with-link" },
      el("div", { class: "govuk-task-list__name-and-hint" },
        el("a", { class: "govuk-link govuk-task-list__link", href, "aria-describedby": `${href.slice(1)}-status` }, title),
        hint ? el("div", { class: "govuk-task-list__hint" }, hint) : null),
      el("div", { class: "govuk-task-list__status", id: `${href.slice(1)}-status` },
        state === "Completed" ? state : el("strong", { class: `govuk-tag ${state === "In progress" ? "govuk-tag--light-blue" : "govuk-tag--blue"}` }, state)));
    const sections = this.definition.sections.map((section) => {
      const required = section.fields.filter((f) => f.requiredForSubmission).length;
      return item(`#part-${section.id}`, `${section.id}. ${section.title}`,
        `${section.fields.length} question${section.fields.length === 1 ? "" : "s"}${required ? `, ${required === section.fields.length ? "all" : required} needed before you submit` : ""}`,
        this.sectionState(section, values));
    });
    this.taskList.replaceChildren(
      el("h2", { class: "govuk-heading-m", id: "task-list-title" }, "Sections of the return"),
      el("ul", { class: "govuk-task-list" }, sections));
  }

  /** The form, or the check-your-answers page instead of it. */
  showReview(flag) {
    this.review.hidden = !flag;
    this.formNode.hidden = flag;
    if (flag) {
      this.taskList.hidden = true;
      this.workbookArea.hidden = true;
    } else {
      this.showSection(this.currentSection ?? null, { focus: false });
    }
  }

  /** Back from the review to one answer of the form, focused. */
  change(fieldId) {
    this.showReview(false);
    const section = this.definition.sections.find((s) => s.fields.some((f) => f.id === fieldId));
    if (section) this.showSection(String(section.id), { focus: false });
    const control = this.form.controls.get(fieldId);
    const target = document.getElementById(control?.focusId ?? "");
    target?.scrollIntoView({ block: "center" });
    target?.focus();
  }

  /** GOV.UK's check-your-answers: every answer by section, what still stops the submit, the warnings to confirm. */
  async checkAnswers() {
    if (this.lockedReason()) return;
    if (this.dirty || !this.etag) {
      const saved = await this.save({ manual: true });
      if (!saved?.ok) return;
    }
    const values = this.doc.values ?? {};
    const toSubmit = this.doc.toSubmit ?? [];
    const missing = toSubmit.filter((p) => p.code === "required");
    const broken = toSubmit.filter((p) => p.code !== "required");
    const unanswered = fieldsOf(this.definition).filter((f) => !f.requiredForSubmission && display(f, values[f.id]) === null);
    const changeLink = (field, text) => {
      const link = el("a", { class: "govuk-link", href: `#${controlId(field.id)}` }, text, el("span", { class: "govuk-visually-hidden" }, ` ${field.label}`));
      link.addEventListener("click", (event) => { event.preventDefault(); this.change(field.id); });
      return link;
    };
    const problemList = (items) => el("ul", { class: "govuk-list govuk-list--bullet" }, items.map(([field, text]) =>
      el("li", {}, field ? changeLink(field, text) : text)));
    const blockers = [];
    if (missing.length) {
      blockers.push(el("h3", { class: "govuk-heading-s" }, `Questions to answer before you submit (${missing.length})`),
        problemList(missing.map((p) => [this.fields.get(p.field), this.fields.get(p.field)?.label ?? p.message])));
    }
    if (broken.length) {
      blockers.push(el("h3", { class: "govuk-heading-s" }, `Answers that do not fit together (${broken.length})`),
        problemList(broken.map((p) => [this.fields.get(p.field), p.message])));
    }
    const sections = this.definition.sections.map((section) => el("div", { class: "pps-review__section" },
      el("h3", { class: "govuk-heading-m" }, `${section.id}. ${section.title}`),
      el("dl", { class: "govuk-summary-list" }, section.fields.map((field) => {
        const shown = display(field, values[field.id]);
        return el("div", { class: "govuk-summary-list__row" },
          el("dt", { class: "govuk-summary-list__key" }, field.label),
          el("dd", { class: "govuk-summary-list__value" }, shown ?? el("span", { class: "pps-nodata" }, field.requiredForSubmission ? "Not answered: needed before you submit" : "Not answered")),
          el("dd", { class: "govuk-summary-list__actions" }, changeLink(field, shown === null ? "Answer" : "Change")));
      }))));
    this.warningItems = null;
    this.warningArea.replaceChildren();
    if ((this.doc.warnings ?? []).length) this.showWarnings(this.doc.warnings);
    const ready = blockers.length === 0;
    const back = el("a", { class: "govuk-link", href: "#task-list" }, "Back to your answers");
    back.addEventListener("click", (event) => { event.preventDefault(); this.showReview(false); this.taskList.focus(); });
    this.review.replaceChildren(
      el("h2", { class: "govuk-heading-l", id: "check-answers-title", tabindex: "-1" }, "Check your answers before submitting your return"),
      ready ? "" : el("div", { class: "pps-blockers", id: "blockers" },
        el("h2", { class: "govuk-heading-m" }, "You cannot submit the return yet"),
        el("p", { class: "govuk-body" }, "Your answers are saved as a draft. Put these right, then check your answers again."),
        blockers),
      unanswered.length ? el("details", { class: "govuk-details", id: "unanswered" },
        el("summary", { class: "govuk-details__summary" }, el("span", { class: "govuk-details__summary-text" },
          `${unanswered.length} other question${unanswered.length === 1 ? " is" : "s are"} not answered (you can submit without ${unanswered.length === 1 ? "it" : "them"})`)),
        el("div", { class: "govuk-details__text" }, problemList(unanswered.map((f) => [f, f.label])))) : "",
      ...sections,
      this.warningArea,
      ready ? el("div", {},
        el("h2", { class: "govuk-heading-m" }, "Now send your return"),
        el("p", { class: "govuk-body" }, `By submitting it you confirm that, to the best of your knowledge, these answers are correct. Once submitted, only NPPN can reopen it.`),
        button("Submit return", () => this.submit(), { id: "submit-return" })) : "",
      el("p", { class: "govuk-body" }, back));
    this.messages.replaceChildren();
    this.showReview(true);
    this.review.querySelector("#check-answers-title").focus();
  }

  renderFacts() {
    const doc = this.doc;
    const closes = doc.closesFor ?? this.window.closes;
    const extended = Date.parse(closes) > Date.parse(this.window.closes);
    this.facts.replaceChildren(el("dl", { class: "govuk-summary-list pps-facts" },
      row("Service", `${doc.serviceName || "Service"} (service ${doc.serviceId})`),
      row("Collection year", String(this.year)),
      row("Status", statusText(doc.status)),
      row("Closing date", extended
        ? `${dayTime(closes)}: NPPN has given your service an extension (everyone else: ${dayTime(this.window.closes)})`
        : dayTime(closes)),
      doc.updatedAt ? row("Last saved", `${dayTime(doc.updatedAt)} (revision ${doc.revision})`) : null));
  }

  applyLock() {
    const reason = this.lockedReason();
    this.form.setDisabled(Boolean(reason));
    this.saveButton.hidden = Boolean(reason);
    this.submitButton.hidden = Boolean(reason);
    if (reason) {
      this.messages.replaceChildren(banner("This return cannot be changed", reason));
      clearTimeout(this.timer);
    }
    return reason;
  }

  changed() {
    if (this.lockedReason()) return;
    this.dirty = true;
    this.edits = (this.edits ?? 0) + 1;
    this.backup();
    this.setStatus("Unsaved changes");
    this.renderTaskList();
    clearTimeout(this.timer);
    if (!this.conflict) this.timer = setTimeout(() => this.save({ manual: false }), AUTOSAVE_MS);
  }

  setStatus(text) { this.status.textContent = text; }

  backup() {
    sessionStorage.setItem(this.backupKey, JSON.stringify({ etag: this.etag, values: this.form.values() }));
  }

  restoreBackup() {
    const stored = sessionStorage.getItem(this.backupKey);
    if (!stored || this.lockedReason()) return;
    let saved;
    try { saved = JSON.parse(stored); } catch { return; }
    const differs = [...this.fields.values()].some((f) => !same(f, saved.values?.[f.id], this.doc.values?.[f.id]));
    if (!differs) {
      sessionStorage.removeItem(this.backupKey);
      return;
    }
    if (saved.etag === this.etag) {
      this.form.setValues(saved.values);
      this.dirty = true;
      this.messages.replaceChildren(banner("Unsaved answers restored", "Answers you typed earlier in this session had not been saved. They are back in the form; save the draft to keep them."));
      this.setStatus("Unsaved changes");
    } else {
      // Saved by someone else since: show both versions, as for a conflicting save.
      this.showConflict(saved.values, this.doc);
    }
  }

  async save({ manual }) {
    clearTimeout(this.timer);
    if (this.saving) return this.saving;
    if (this.conflict || this.lockedReason()) return null;
    if (!manual && !this.dirty) return null;
    const values = this.form.values();
    if (this.etag && [...this.fields.values()].every((f) => same(f, values[f.id], this.doc.values?.[f.id]))) {
      // Nothing differs from what is stored: no empty revision in the history.
      this.dirty = false;
      sessionStorage.removeItem(this.backupKey);
      this.setStatus(manual ? `No changes to save (last saved ${dayTime(this.doc.updatedAt)})` : "");
      return { ok: true, status: 200, body: this.doc, etag: this.etag };
    }
    this.saving = this.put(values, manual).finally(() => { this.saving = null; });
    return this.saving;
  }

  async put(values, manual = true) {
    this.setStatus("Saving…");
    const edits = this.edits;
    const result = await call(session, "PUT", this.path, { body: { values }, ifMatch: this.etag ?? undefined });
    if (result.ok) {
      this.accept(result);
      if (this.edits !== edits) {
        // Typed on while the save was under way: those answers are still to save.
        this.dirty = true;
        this.backup();
        this.timer = setTimeout(() => this.save({ manual: false }), AUTOSAVE_MS);
      }
      this.setStatus(`Draft saved at ${time()}${this.dirty ? "; newer changes not saved yet" : ""}`);
      this.form.setErrors({});
      this.messages.replaceChildren();
      return result;
    }
    // An autosave that fails shows why but never takes the focus from the field being typed in.
    this.handleFailure(result, values, "Your answers were not saved", manual);
    return result;
  }

  accept(result) {
    // A save answers with the return alone: last year's values stay as read, so that they still show beside each answer.
    this.doc = { ...result.body, lastYear: result.body.lastYear ?? this.doc.lastYear };
    this.etag = result.etag ?? result.body.eTag;
    this.dirty = false;
    sessionStorage.removeItem(this.backupKey);
    this.renderFacts();
    this.renderTaskList();
    this.loadHistory();
  }

  handleFailure(result, mine, title, focus = true) {
    if (result.status === 401) {
      this.backup();
      this.setStatus("Signed out: your unsaved answers are kept in this tab.");
      session.token = null;
      return signIn(this.target, "Your sign-in has ended. Sign in again: the answers you had not saved will be restored.");
    }
    if ((result.status === 412 || result.status === 428) && result.body?.current) {
      this.backup();
      return this.showConflict(mine, result.body.current);
    }
    this.backup();
    if (result.status === 422) {
      this.showErrors(title, result.errors, result.warnings, result.detail, focus);
      this.setStatus("Not saved: some answers need correcting.");
      return;
    }
    this.setStatus("Not saved.");
    this.messages.replaceChildren(errorSummary(title, [result.message], { focus }));
    if (result.status === 409) this.reload();
  }

  async reload() {
    const current = await get(session, this.path);
    const window = await get(session, `years/${this.year}`);
    if (current.ok) this.doc = current.body;
    if (window.ok) this.window = window.body;
    if (current.ok) this.etag = current.etag ?? current.body.eTag;
    this.applyLock();
  }

  showErrors(title, errors, warnings, detail, focus = true) {
    this.form.setErrors(errors);
    const items = [];
    for (const field of fieldsOf(this.definition)) {
      for (const message of errors[field.id] ?? []) items.push({ text: message, href: `#${controlId(field.id)}` });
    }
    // Errors about the return as a whole (a cross-field rule, or a reason) have no field of their own.
    for (const [key, messages] of Object.entries(errors)) {
      if (!this.fields.has(key)) for (const message of messages) items.push({ text: message });
    }
    if (items.length === 0 && detail) items.push({ text: detail });
    this.messages.replaceChildren(errorSummary(title, items, { focus }));
    if (warnings?.length) this.showWarnings(warnings);
  }

  /** Someone else saved meanwhile: their version and ours side by side; the officer picks, nothing is lost. */
  showConflict(mine, current) {
    this.conflict = true;
    clearTimeout(this.timer);
    const theirs = current.values ?? {};
    const differing = fieldsOf(this.definition).filter((f) => !same(f, mine[f.id], theirs[f.id]));
    // Against the version this tab read: an answer only they changed is theirs by default, any other is mine.
    const base = this.doc.values ?? {};
    const onlyTheirs = (f) => same(f, mine[f.id], base[f.id]) && !same(f, theirs[f.id], base[f.id]);
    const who = current.updatedBy === `service:${this.serviceId}` ? "Someone using your service's access" : current.updatedBy === "nppn" ? "NPPN" : current.updatedBy;
    const rows = differing.map((field, i) => {
      const name = `keep-${i}`;
      const choice = (value, label, checked) => el("div", { class: "govuk-radios__item" },
        el("input", { class: "govuk-radios__input", type: "radio", id: `${name}-${value}`, name, value, ...(checked ? { checked: true } : {}) }),
        el("label", { class: "govuk-label govuk-radios__label", for: `${name}-${value}` }, label));
      return {
        field, name,
        node: el("tr", { class: "govuk-table__row" },
          el("th", { class: "govuk-table__header", scope: "row" }, field.label),
          el("td", { class: "govuk-table__cell pps-conflict__theirs" }, display(field, theirs[field.id]) ?? el("span", { class: "pps-nodata" }, "not answered")),
          el("td", { class: "govuk-table__cell pps-conflict__mine" }, display(field, mine[field.id]) ?? el("span", { class: "pps-nodata" }, "not answered")),
          el("td", { class: "govuk-table__cell" },
            el("fieldset", { class: "govuk-fieldset" },
              el("legend", { class: "govuk-visually-hidden" }, `Which answer to keep for ${field.label}`),
              el("div", { class: "govuk-radios govuk-radios--small" },
                choice("mine", "Keep mine", !onlyTheirs(field)), choice("theirs", "Keep the saved one", onlyTheirs(field)))))),
      };
    });
    const apply = button("Save with these answers", async () => {
      const merged = { ...mine };
      for (const r of rows) {
        const keep = this.conflictArea.querySelector(`input[name="${r.name}"]:checked`)?.value ?? "mine";
        if (keep === "theirs") {
          if (theirs[r.field.id] === undefined) delete merged[r.field.id];
          else merged[r.field.id] = theirs[r.field.id];
        }
      }
      this.doc = { ...this.doc, ...current, lastYear: this.doc.lastYear, closesFor: this.doc.closesFor ?? current.closesFor };
      this.etag = current.eTag;
      this.form.setValues(merged);
      this.conflict = false;
      this.conflictArea.replaceChildren();
      this.dirty = true;
      await this.save({ manual: true });
    }, { id: "resolve-conflict" });
    this.conflictArea.replaceChildren(el("div", { class: "pps-conflict", id: "conflict", tabindex: "-1" },
      el("h2", { class: "govuk-heading-m" }, "This return was changed while you were editing it"),
      el("p", { class: "govuk-body" },
        `${who} saved it on ${dayTime(current.updatedAt)} (revision ${current.revision}). Nothing has been lost: both versions are below. ` +
        (differing.length ? `${differing.length} answer${differing.length === 1 ? " differs" : "s differ"}: where only the saved version changed an answer, it is kept; elsewhere yours is. Change any choice, then save.` : "Your answers are the same as the saved ones; save to carry on.")),
      differing.length ? el("table", { class: "govuk-table pps-conflict__table" },
        el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, "Answers that differ"),
        el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
          ["Question", "Saved version", "Your version", "Keep"].map((h) => el("th", { class: "govuk-table__header", scope: "col" }, h)))),
        el("tbody", { class: "govuk-table__body" }, rows.map((r) => r.node))) : null,
      apply));
    this.setStatus("Not saved: the return was changed by someone else. Choose which answers to keep.");
    this.conflictArea.firstChild.focus();
  }

  /** Year-on-year warnings to confirm before submitting, each with the officer's reason for the change. */
  showWarnings(warnings) {
    const items = warnings.map((w, i) => {
      const box = el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: `confirm-${i}`, name: "confirmedWarnings", value: w.code });
      const reason = el("textarea", { class: "govuk-textarea", id: `reason-${i}`, name: `reason-${i}`, rows: "2", "aria-describedby": `warning-${i}` });
      return {
        warning: w, box, reason,
        node: el("div", { class: "govuk-form-group pps-warning" },
          el("div", { class: "govuk-warning-text" },
            el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
            el("strong", { class: "govuk-warning-text__text", id: `warning-${i}` }, el("span", { class: "govuk-visually-hidden" }, "Warning: "), w.message)),
          el("div", { class: "govuk-checkboxes govuk-checkboxes--small" }, el("div", { class: "govuk-checkboxes__item" }, box,
            el("label", { class: "govuk-label govuk-checkboxes__label", for: `confirm-${i}` }, "I confirm this figure is correct"))),
          el("label", { class: "govuk-label", for: `reason-${i}` }, "Why it changed (NPPN sees this with your return)"),
          reason),
      };
    });
    this.warningItems = items;
    this.warningArea.replaceChildren(el("div", { class: "pps-warnings", id: "warnings", tabindex: "-1" },
      el("h2", { class: "govuk-heading-m" }, "Check the changes since last year"),
      el("p", { class: "govuk-body" }, "These answers changed a lot since last year. Confirm each one and say why it changed, then submit again."),
      items.map((i) => i.node)));
  }

  async submit() {
    if (this.lockedReason()) return;
    if (this.dirty || !this.etag) return this.checkAnswers();
    const pending = this.doc.warnings ?? [];
    const confirmed = (this.warningItems ?? []).filter((i) => i.box.checked);
    const unconfirmed = pending.filter((w) => !confirmed.some((c) => c.warning.code === w.code));
    if (unconfirmed.length) {
      if (!this.warningItems || this.warningItems.length !== pending.length) this.showWarnings(pending);
      const items = (this.warningItems ?? []).filter((i) => !i.box.checked).map((i) => ({ text: `Confirm: ${i.warning.message}`, href: `#${i.box.id}` }));
      this.messages.replaceChildren(errorSummary("Confirm the changes since last year before submitting", items));
      return;
    }
    const missingReason = confirmed.filter((c) => !c.reason.value.trim());
    if (missingReason.length) {
      this.messages.replaceChildren(errorSummary("Say why each figure changed", missingReason.map((c) => ({ text: `Give the reason: ${c.warning.message}`, href: `#${c.reason.id}` }))));
      return;
    }
    // The officer's words on each confirmed change go to the audit trail as notes; a "reason" is NPPN's alone.
    const warningNotes = Object.fromEntries(confirmed.map((c) => [c.warning.code, c.reason.value.trim()]));
    this.setStatus("Submitting…");
    const result = await call(session, "POST", `${this.path}/submit`, {
      body: { confirmedWarnings: confirmed.map((c) => c.warning.code), ...(confirmed.length ? { warningNotes } : {}) }, ifMatch: this.etag,
    });
    if (!result.ok) {
      if (result.status === 422 && Object.keys(result.errors).length === 0 && result.warnings.length) {
        this.doc = { ...this.doc, warnings: result.warnings };
        this.showWarnings(result.warnings);
        this.messages.replaceChildren(errorSummary("Confirm the changes since last year before submitting",
          result.warnings.map((w, i) => ({ text: `Confirm: ${w.message}`, href: `#confirm-${i}` }))));
        this.setStatus("Not submitted.");
        return;
      }
      if (result.status === 422) {
        // Refused for what the review did not know of (changed elsewhere meanwhile): read it again and show the review anew.
        await this.reload();
        return this.checkAnswers().then(() => this.messages.replaceChildren(errorSummary("Your return was not submitted",
          Object.values(result.errors).flat().map((text) => ({ text })))));
      }
      return this.handleFailure(result, this.form.values(), "Your return was not submitted");
    }
    this.accept(result);
    this.warningItems = null;
    this.warningArea.replaceChildren();
    this.render();
    this.showReview(false);
    this.messages.prepend(success("Return submitted",
      `Thank you. Your ${this.year} return was submitted on ${dayTime(result.body.submittedAt)}. NPPN will contact you if anything needs checking.`));
    this.messages.firstChild.focus?.();
    await this.loadHistory();
  }

  /** The return as a workbook: download it (prefilled), fill it in offline, upload it and read its check. */
  renderWorkbook() {
    const slot = el("div", {});
    const locked = Boolean(this.lockedReason());
    const downloadButton = button("Download the workbook", async () => {
      const result = await download(session, `workbooks/${this.year}/${this.serviceId}`, `pps-return-${this.year}-${this.serviceId}.xlsx`);
      slot.replaceChildren(result.ok ? "" : errorSummary("The workbook could not be downloaded", [result.message]));
    }, { secondary: true, id: "download-workbook" });
    const file = el("input", { class: "govuk-file-upload", id: "workbook-file", name: "workbook", type: "file", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aria-describedby": "workbook-file-hint" });
    const upload = el("form", { novalidate: true },
      el("div", { class: "govuk-form-group" },
        el("label", { class: "govuk-label", for: "workbook-file" }, "Filled-in workbook"),
        el("div", { class: "govuk-hint", id: "workbook-file-hint" }, "The .xlsx file you downloaded here, filled in. It replaces the answers above once it passes its checks; at most 10 MB."),
        file),
      button("Upload the workbook", null, { type: "submit", secondary: true, id: "upload-workbook" }));
    upload.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) {
        slot.replaceChildren(errorSummary("Nothing was uploaded", [{ text: "Choose the workbook file to upload.", href: "#workbook-file" }]));
        return;
      }
      if (this.dirty) await this.save({ manual: true });
      slot.replaceChildren(el("p", { class: "govuk-body", role: "status" }, `Uploading ${chosen.name}…`));
      const stored = await call(session, "POST", `workbooks/${this.year}/${this.serviceId}/uploads`, {
        body: chosen, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      });
      if (!stored.ok) {
        slot.replaceChildren(errorSummary(`${chosen.name} was not uploaded`, [stored.message]));
        return;
      }
      slot.replaceChildren(el("p", { class: "govuk-body", role: "status" }, `${chosen.name} uploaded; checking it…`));
      const report = await this.waitForReport(stored.body.uploadId);
      if (report?.status === "accepted") {
        // The return as the upload left it, before the report says "accepted": the answers, the facts and each
        // section's state in the task list are already the workbook's when the officer reads it.
        const current = await get(session, this.path);
        if (current.ok) {
          this.doc = current.body;
          this.etag = current.etag ?? current.body.eTag;
          this.form.setValues(this.doc.values);
          this.renderFacts();
          this.renderTaskList();
          this.applyLock();
          await this.loadHistory();
        }
      }
      slot.replaceChildren(...reportView(chosen.name, report, this.fields));
      slot.querySelector("[tabindex='-1']")?.focus();
    });
    this.workbookArea.replaceChildren(
      el("h2", { class: "govuk-heading-l", id: "workbook-title" }, "Fill it in as a workbook instead"),
      el("p", { class: "govuk-body" }, "Download the return as an Excel workbook with your answers so far and last year's, fill it in offline, then upload it. Every answer is checked as on this page; the report shows the sheet and cell of each problem."),
      downloadButton, locked ? el("p", { class: "govuk-body" }, "The return cannot be changed now, so a workbook cannot be uploaded.") : upload, slot);
  }

  async waitForReport(uploadId) {
    const path = `workbooks/${this.year}/${this.serviceId}/uploads/${encodeURIComponent(uploadId)}`;
    for (let i = 0; i < 120; i++) {
      const report = await get(session, path);
      if (report.ok && ["accepted", "rejected", "failed"].includes(report.body.status)) return report.body;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return null;
  }

  async loadHistory() {
    const history = await get(session, `${this.path}/history`);
    if (!history.ok) {
      this.historyArea.replaceChildren(el("h2", { class: "govuk-heading-l", id: "history-title" }, "History of this return"),
        el("p", { class: "govuk-body" }, history.message));
      return;
    }
    this.historyArea.replaceChildren(...historyView(history.body.revisions, this.fields, { events: history.body.events ?? [] }));
  }

  signOut() {
    if (this.dirty) this.backup();
    session.token = null;
    signIn(this.target);
  }
}

function row(key, value) {
  return el("div", { class: "govuk-summary-list__row" },
    el("dt", { class: "govuk-summary-list__key" }, key),
    el("dd", { class: "govuk-summary-list__value" }, value));
}

/** An upload's validation report: its outcome, then every problem with its sheet and cell. */
function reportView(name, report, fields) {
  if (!report) {
    return [errorSummary(`${name} is still being checked`, ["The check is taking longer than usual. Reload the page in a minute to see whether your answers were taken."])];
  }
  const rows = (list) => list.map((p) => el("tr", { class: "govuk-table__row" },
    el("td", { class: "govuk-table__cell" }, p.sheet ?? ""),
    el("td", { class: "govuk-table__cell" }, p.cell ?? ""),
    el("td", { class: "govuk-table__cell" }, (p.field && fields.get(p.field)?.label) ?? p.field ?? ""),
    el("td", { class: "govuk-table__cell" }, p.message)));
  const problemTable = (caption, list) => el("table", { class: "govuk-table pps-table--compact pps-report" },
    el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, caption),
    el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
      ["Sheet", "Cell", "Question", "Problem"].map((h) => el("th", { class: "govuk-table__header", scope: "col" }, h)))),
    el("tbody", { class: "govuk-table__body" }, rows(list)));
  const nodes = [];
  if (report.status === "accepted") {
    nodes.push(success(`${name} was accepted`, report.summary));
  } else {
    nodes.push(errorSummary(`${name} was not taken: nothing was changed`, [report.summary], { focus: true }));
  }
  if (report.problems?.length) nodes.push(problemTable(`Problems (${report.problems.length})`, report.problems));
  if (report.toSubmit?.length) nodes.push(problemTable(`Still to do before you submit (${report.toSubmit.length})`, report.toSubmit));
  if (report.warnings?.length) nodes.push(problemTable(`Changes since last year (${report.warnings.length})`, report.warnings));
  return nodes;
}
