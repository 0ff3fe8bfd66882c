// The national report: one page in the printed 2013 report's order (introduction, summary, who took part, Part 1 with
// how the results are presented, Part 2 with how services can be compared and the cautionary notes, using the data,
// notes on method, appendices 1-3) that prints to a clean A4 PDF (print styles in site.scss). The words are the
// project's standing text and NPPN's narrative for the year (both published in the set as Markdown, rendered here to
// elements, never as HTML); nothing in them is generated.
import { loadFigures, loadOptional } from "../data.js";
import { el, pluralise } from "../format.js";
import { groupFigures, renderFigure, heading, figureAnchor, PARTS, reportPdfLink } from "../figures.js";
import { ready, publishedYearPage } from "../page.js";
import { provisionalAsked, provisionalYearPage } from "../provisional.js";
import { describeSyntheticFigures, syntheticBanner, syntheticTag } from "../synthetic.js";
import { markdown } from "../markdown.js";

/** A passage of the report's words (standing or NPPN's), under its own heading when given one. */
function passage(section, { heading = null, level = 3, kind, contents = null, box = false }) {
  if (!section) return null;
  const id = `report-text-${kind}-${section.id}`;
  return el("div", { class: `pps-prose pps-prose--${kind}${box ? " govuk-inset-text" : ""}`, "data-text": `${kind}:${section.id}`, id: heading ? null : id },
    heading ? el(`h${level}`, { class: level <= 3 ? "govuk-heading-m" : "govuk-heading-s", id, "data-contents": contents }, heading) : null,
    markdown(section.markdown, { headingLevel: heading ? level + 1 : level }));
}

/** Appendix 2: the exemplifications in full, area by area, with the minimum standards each area exemplifies. */
function exemplificationsAppendix(document) {
  const standards = (title, items) => items.length
    ? [el("p", { class: "govuk-body govuk-!-font-weight-bold" }, title), el("ul", { class: "govuk-list govuk-list--bullet" }, items.map((i) => el("li", {}, i)))]
    : null;
  return [
    el("p", { class: "govuk-body" }, el("em", {}, document.title), ` (${document.published}).`),
    ...document.areas.map((area) => el("section", { class: "pps-appendix-area", "aria-labelledby": `appendix-2-area-${area.number}` },
      el("h3", { class: "govuk-heading-m", id: `appendix-2-area-${area.number}` }, `${area.number}. ${area.title}`),
      standards("Local authorities are expected to:", area.localAuthorityStandards),
      standards("A service is expected to ensure:", area.serviceStandards),
      area.exemplifications.map((e) => el("div", { class: "pps-exemplification", "data-exemplification": e.code },
        el("h4", { class: "govuk-heading-s", id: `appendix-2-${e.code}` }, `${e.code} ${e.title}`),
        el("dl", { class: "govuk-summary-list pps-exemplification__levels" }, [["Best practice", e.best], ["Good practice", e.good], ["Non-compliant", e.nonCompliant]].map(([level, text]) =>
          el("div", { class: "govuk-summary-list__row" },
            el("dt", { class: "govuk-summary-list__key" }, level),
            el("dd", { class: "govuk-summary-list__value" }, markdown(text, { headingLevel: 5 })))))))))];
}

/** Appendix 3: the questions of the year's return, section by section, from the year's definition. */
function questionsAppendix(year, sections) {
  if (!sections.length) return el("p", { class: "govuk-body" }, `The ${year} return's definition is not in this published set.`);
  return [

    ...sections.map((section) => el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": `Appendix 3, section ${section.id}: ${section.title}` },
      el("table", { class: "govuk-table pps-table--compact pps-questions", "data-question-section": section.id },
        el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, `Section ${section.id}: ${section.title}`),
        el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
          ["Question", "Answer"].map((h) => el("th", { scope: "col", class: "govuk-table__header" }, h)))),
        el("tbody", { class: "govuk-table__body" }, section.questions.map((q) => el("tr", { class: "govuk-table__row", "data-question": q.id },
          el("th", { scope: "row", class: "govuk-table__header" }, q.label, q.required ? " (needed to submit)" : null),
          el("td", { class: "govuk-table__cell" }, q.answer, q.help ? ` ${q.help}` : null)))))))];
}

function highlightList(highlights) {
  return el("ul", { class: "govuk-list govuk-list--bullet" }, highlights.map((h) =>
    el("li", { "data-synthetic": h.synthetic ? "true" : null }, h.text, h.synthetic ? [" ", syntheticTag()] : null)));
}

function areaOf(items) {
  // Chart 4's own rows give each exemplification's area; Chart 3's rows name the areas.
  const chart4 = items.find((i) => i.figure.id === "chart-4")?.figure;
  const chart3 = items.find((i) => i.figure.id === "chart-3")?.figure;
  const col = (figure, id) => figure?.columns.findIndex((c) => c.id === id) ?? -1;
  const areaByCode = new Map((chart4?.rows ?? []).map((r) => [String(r[col(chart4, "code")]), String(r[col(chart4, "area")])]));
  const areaTitle = new Map((chart3?.rows ?? []).map((r) => [String(r[col(chart3, "area")]), String(r[col(chart3, "title")])]));
  return { areaByCode, areaTitle };
}

const longDay = (iso) => new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });

const CHANGE_MARK = { higher: "↑", lower: "↓", same: "=" };

/**
 * Table C (a row per service, a rating and its change for each of the 34 exemplifications) as one table per area
 * of the standards: each fits the width of an A4 page, and its header repeats on every page it runs onto.
 */
function tableCByArea(figure, areaByCode, areaTitle) {
  const at = (id) => figure.columns.findIndex((c) => c.id === id);
  const codes = figure.columns.filter((c) => areaByCode.has(c.id)).map((c) => c.id);
  const areas = [...new Set(codes.map((code) => areaByCode.get(code)))];
  const service = at("service_id");
  const method = at("method");
  const cell = (row, code) => {
    const rating = row[at(code)];
    const change = row[at(`${code}_change`)];
    return rating === null || rating === undefined ? el("span", { class: "pps-nodata" }, "–") : `${rating}${change ? ` ${CHANGE_MARK[change] ?? ""}` : ""}`;
  };
  return el("div", { class: "pps-table-c" },
    el("p", { class: "govuk-body-s" }, "B Best Practice, G Good Practice, x Not completed, N Non-compliant, – not rated. Against the service's own rating the year before: ↑ higher, ↓ lower, = the same; no mark when either year has no rating."),
    areas.map((area) => {
      const inArea = codes.filter((code) => areaByCode.get(code) === area);
      const caption = `Table C, area ${area}: ${areaTitle.get(area) ?? ""} (${inArea[0]} to ${inArea[inArea.length - 1]})`;
      return el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": caption, "data-table-c-area": area },
        el("table", { class: "govuk-table pps-table--compact pps-table-c__area" },
          el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, caption),
          el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
            el("th", { scope: "col", class: "govuk-table__header" }, "Service"),
            el("th", { scope: "col", class: "govuk-table__header" }, "Method"),
            inArea.map((code) => el("th", { scope: "col", class: "govuk-table__header" }, code)))),
          el("tbody", { class: "govuk-table__body" }, figure.rows.map((row) => el("tr", { class: "govuk-table__row" },
            el("th", { scope: "row", class: "govuk-table__header" }, String(row[service])),
            el("td", { class: "govuk-table__cell" }, row[method] ?? el("span", { class: "pps-nodata" }, "not stated")),
            inArea.map((code) => el("td", { class: "govuk-table__cell" }, cell(row, code))))))));
    }));
}

function methodNotes(items) {
  const byNote = new Map();
  for (const { figure } of items) {
    for (const note of figure.notes) {
      if (!byNote.has(note)) byNote.set(note, []);
      byNote.get(note).push(figure.reportRef);
    }
  }
  return el("dl", { class: "govuk-summary-list" }, [...byNote.entries()].map(([note, refs]) =>
    el("div", { class: "govuk-summary-list__row" },
      el("dt", { class: "govuk-summary-list__key" }, refs.length > 6 ? `${refs.slice(0, 6).join(", ")} and ${refs.length - 6} more` : refs.join(", ")),
      el("dd", { class: "govuk-summary-list__value" }, note))));
}

/** Services nationally in the year, as Table A counts them (ServicesNationally: the one rule), or null. */
function servicesNationally(items, year) {
  const tableA = items.find((i) => i.figure.id === "table-a")?.figure;
  if (!tableA) return null;
  const at = (id) => tableA.columns.findIndex((c) => c.id === id);
  const row = tableA.rows.find((r) => r[at("year")] === year);
  return row ? row[at("national")] : null;
}

/**
 * The key numbers every local authority area that has had a service, so it counts more lines than there are services
 * nationally: it says how the two numbers relate, so a reader does not meet 154, 152 and 150 unexplained.
 */
function keyCounts(key, national) {
  const rows = key.data.services ?? [];
  const ended = rows.filter((s) => /^ended/.test(s.status ?? "")).length;
  const current = rows.length - ended;
  return el("p", { class: "govuk-body" },
    `The key numbers ${rows.length} services: ${current} local authority areas with a service in ${key.data.year}` +
    (ended ? ` and ${ended} that ended before it (their numbers are kept so that earlier years stay readable)` : "") + ". " +
    (national ? `Services nationally in ${key.data.year}: ${national}, the count NPPN sets for the year (as the printed report does), which Tables A and B and the extrapolation by service count divide by.` : ""));
}

function keyTable(key) {
  const rows = key.data.services ?? [];
  return el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": "Key to service numbers" },
    el("table", { class: "govuk-table pps-table--compact pps-key" },
      el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, `Service numbers and local authorities (${rows.length} services)`),
      el("thead", { class: "govuk-table__head" }, el("tr", { class: "govuk-table__row" },
        ["Service", "Name", "Local authority", "Region", "Status", "Note"].map((h) => el("th", { scope: "col", class: "govuk-table__header" }, h)))),
      // The name is the one every page shows (the service catalogue's); a service that ended has no local authority.
      el("tbody", { class: "govuk-table__body" }, rows.map((s) => el("tr", { class: "govuk-table__row" },
        el("th", { scope: "row", class: "govuk-table__header" }, String(s.serviceId)),
        el("td", { class: "govuk-table__cell" }, s.name ?? ""),
        el("td", { class: "govuk-table__cell" }, s.localAuthority ?? el("span", { class: "pps-nodata" }, "none")),
        el("td", { class: "govuk-table__cell" }, s.region ?? ""),
        el("td", { class: "govuk-table__cell" }, s.status ?? ""),
        el("td", { class: "govuk-table__cell" }, s.note ?? ""))))));
}

/**
 * The contents: every heading marked data-contents (1: a part or appendix, 2: a section, table or chart under it), in
 * the order they appear. On paper each line ends in the page its heading is on: the PDF command prints once with a
 * placeholder of the same width, reads from that PDF where each heading fell, writes the numbers in and prints again.
 */
function contentsOf(sections, print) {
  const headings = sections.flatMap((s) => [...s.querySelectorAll("[data-contents]")]);
  return el("nav", { class: "pps-contents-page", "aria-labelledby": "report-contents-title" },
    el("h2", { class: "govuk-heading-l", id: "report-contents-title" }, "Contents"),
    el("ul", { class: "govuk-list pps-report-contents" }, headings.map((h) =>
      el("li", { class: `pps-report-contents__entry pps-report-contents__entry--${h.dataset.contents}` },
        el("a", { class: "govuk-link", href: `#${h.id}` }, h.firstChild?.textContent ?? h.textContent),
        print ? el("span", { class: "pps-report-contents__page", "data-page-of": h.id }, "000") : null))));
}

export async function report(target) {
  const print = matchMedia("print").matches || new URLSearchParams(location.search).has("print");
  // NPPN's preview of a provisional set (report.html?provisional=2014&version=...): this very page, before publication.
  const provisional = provisionalAsked();
  if (provisional) await provisionalYearPage(target, provisional, show);
  else await publishedYearPage(target, show);

  async function show(entry, manifest, body) {
    const [items, highlights, key, words, appendices] = await Promise.all([
      loadFigures(manifest), loadOptional(manifest, "highlights"), loadOptional(manifest, "key"),
      loadOptional(manifest, "narrative"), loadOptional(manifest, "appendices"),
    ]);
    const standing = new Map((words?.data.standing ?? []).map((s) => [s.id, s]));
    const narrative = new Map((words?.data.narrative ?? []).map((s) => [s.id, s]));
    const nppn = (id, options = {}) => passage(narrative.get(id), { ...options, kind: "narrative" });
    const project = (id, options = {}) => passage(standing.get(id), { heading: standing.get(id)?.title, ...options, kind: "standing" });
    const allHighlights = highlights?.data ?? [];
    // A statement about one exemplification sits under its own chart; the others open their section.
    const perExemplification = new Map(allHighlights.filter((h) => /^ex-[0-9][a-h]$/.test(h.id)).map((h) => [h.figureId, h]));
    const opening = allHighlights.filter((h) => !/^ex-[0-9][a-h]$/.test(h.id));
    const groups = groupFigures(items);
    const { areaByCode, areaTitle } = areaOf(items);
    const draws = [];
    const add = (parent, item, level) => {
      const statement = perExemplification.get(item.figure.id);
      const table = item.figure.id === "table-c" && areaByCode.size > 0 ? tableCByArea(item.figure, areaByCode, areaTitle) : undefined;
      const { element, drawChart } = renderFigure(item, { table, headingLevel: level, downloads: false, print, statement: statement?.text, statementSynthetic: statement?.synthetic });
      // Numbered tables and charts are listed in the contents, under their section.
      if (/^(Table|Chart)/.test(item.figure.reportRef)) element.querySelector(`#${figureAnchor(item.figure)}-title`)?.setAttribute("data-contents", "2");
      parent.append(element);
      if (drawChart) draws.push(drawChart);
    };

    const cover = el("div", { class: "pps-cover" },
      el("h1", { class: "govuk-heading-xl" }, `Parent Partnership Services in England: the extent to which services meet the exemplifications of the minimum standards, and additional national data collection, ${entry.year}`),
      el("p", { class: "govuk-body-l", id: "report-status" }, manifest.status === "provisional"
        ? `Provisional national report from ${pluralise(manifest.returns, "return", "returns")}, computed on ${longDay(manifest.createdAt)} (version ${manifest.version}). Not published.`
        : `National report from ${manifest.returns} returns. Published by NPPN on ${longDay(manifest.createdAt)} (version ${manifest.version}).`),
      print ? null : reportPdfLink(manifest, entry.year));
    // What the PDF command reads to add the PDF to the very set it was printed from.
    document.body.dataset.version = manifest.version;
    document.body.dataset.returns = String(manifest.returns);

    const introduction = el("section", { class: "pps-part", id: "report-introduction", "aria-labelledby": "report-introduction-title" },
      el("h2", { class: "govuk-heading-l", id: "report-introduction-title", "data-contents": "1" }, "Introduction"),
      project("history", { contents: "2" }),
      nppn("introduction", { heading: `Introduction to the ${entry.year} report` }),
      project("about"), project("role", { contents: "2" }));

    const summary = el("section", { "aria-labelledby": "summary-title" },
      el("h2", { class: "govuk-heading-l", id: "summary-title", "data-contents": "1" }, "Summary"),
      el("p", { class: "govuk-body" }, "The statements below are generated from the published figures; each section repeats its own."),
      opening.length ? highlightList(opening) : el("p", { class: "govuk-body" }, "No statements: no returns were published."));

    const parts = [];
    for (const part of PARTS) {
      const partGroups = groups.filter((g) => g.part === part.part);
      if (partGroups.length === 0) continue;
      const partSection = el("section", { class: "pps-part", "aria-labelledby": `part-${part.part}-title` },
        el("h2", { class: "govuk-heading-l", id: `part-${part.part}-title`, "data-contents": "1" }, part.title));
      // Part 2 opens as the printed report's did: how services can be compared, then the cautionary notes (the
      // standing ones, then the year's own).
      if (part.part === 2) {
        partSection.append(...[project("comparing"), project("cautionary"), nppn("cautionary", { heading: `Cautionary notes for ${entry.year}`, level: 4 })].filter(Boolean));
      }
      for (const group of partGroups) {
        // A group that is the whole part ("Who took part") has no heading of its own: it is not a landmark named again
        // after its part, and its headings sit one level under the part's.
        const own = group.title !== part.title;
        const section = el("section", { id: `report-${group.id}`, "aria-labelledby": own ? `report-${group.id}-title` : null },
          own ? el("h3", { class: "govuk-heading-m", id: `report-${group.id}-title`, "data-contents": "2" }, group.title) : null);
        const level = own ? 4 : 3;
        // The section's commentary (NPPN's), before its highlights and figures; Part 1 also says how its results are presented.
        if (group.id === "exemplifications") section.append(...[project("presented", { level }), nppn("exemplifications", { heading: "Commentary", level })].filter(Boolean));
        // Part 2's sections open, as the printed report's did, with the Code of Practice's minimum standards in a box.
        else section.append(...[project(`standards-${group.id}`, { level, box: true }), nppn(group.id, { level })].filter(Boolean));
        const sectionHighlights = opening.filter((h) => h.section === group.id);
        if (sectionHighlights.length) {
          section.append(el(`h${level}`, { class: "govuk-heading-s" }, `Highlights for ${entry.year}`), highlightList(sectionHighlights));
        }
        let area = null;
        for (const item of group.items) {
          const code = item.figure.id.startsWith("chart-4-") ? item.figure.id.slice("chart-4-".length) : null;
          if (code && areaByCode.get(code) !== area) {
            area = areaByCode.get(code);
            section.append(el(`h${level}`, { class: "govuk-heading-m" }, areaTitle.get(area) ?? `Area ${area}`));
            const commentary = nppn(`area-${area}`, { level: level + 1 });
            if (commentary) section.append(commentary);
          }
          add(section, item, `h${code ? level + 1 : level}`);
        }
        partSection.append(section);
      }
      parts.push(partSection);
    }

    const using = el("section", { class: "pps-part", id: "report-using", "aria-labelledby": "report-using-title" },
      el("h2", { class: "govuk-heading-l", id: "report-using-title", "data-contents": "1" }, standing.get("using")?.title ?? "Using the benchmarking data"),
      project("using", { heading: null }), nppn("future", { heading: "Looking ahead" }));

    const method = el("section", { class: "pps-part", id: "report-method", "aria-labelledby": "report-method-title" },
      el("h2", { class: "govuk-heading-l", id: "report-method-title", "data-contents": "1" }, "Notes on method"),
      el("p", { class: "govuk-body" }, "Every figure is recomputed from the returns when a year is published. The conventions below are stated under each figure they apply to; here they are listed once, with the figures that use them."),
      methodNotes(items));

    const appendix = el("section", { class: "pps-part", id: "report-key", "aria-labelledby": "report-key-title" },
      el("h2", { class: "govuk-heading-l", id: "report-key-title", "data-contents": "1" }, "Appendix 1: key to service numbers"),
      key ? [keyCounts(key, servicesNationally(items, entry.year)), keyTable(key)] : el("p", { class: "govuk-body" }, "The key to service numbers is not in this published set."));

    // On paper the cover is a page of its own, with the synthetic mark on it; each page's footer repeats the mark.
    const banner = syntheticBanner(describeSyntheticFigures(items.map((i) => i.figure), allHighlights));
    if (banner) cover.append(banner);
    body.classList.toggle("pps-report--synthetic", Boolean(banner));
    // The page's own body too: a page that starts outside the report (the site's footer after the last appendix) is still the report's.
    document.body.classList.toggle("pps-report--synthetic", Boolean(banner));
    const appendix2 = el("section", { class: "pps-part", id: "report-appendix-2", "aria-labelledby": "report-appendix-2-title" },
      el("h2", { class: "govuk-heading-l", id: "report-appendix-2-title", "data-contents": "1" }, "Appendix 2: the exemplifications of the minimum standards"),
      appendices ? exemplificationsAppendix(appendices.data.exemplifications) : el("p", { class: "govuk-body" }, "The exemplifications' text is not in this published set."));
    const appendix3 = el("section", { class: "pps-part", id: "report-appendix-3", "aria-labelledby": "report-appendix-3-title" },
      el("h2", { class: "govuk-heading-l", id: "report-appendix-3-title", "data-contents": "1" }, `Appendix 3: the questions of the ${entry.year} return`),
      questionsAppendix(entry.year, appendices?.data.questions ?? []));
    const sections = [introduction, summary, ...parts, using, method, appendix, appendix2, appendix3];
    body.replaceChildren(cover, contentsOf(sections, print), ...sections);
    for (const drawChart of draws) drawChart();
    document.title = `${manifest.status === "provisional" ? "Provisional national report" : "National report"} ${entry.year} – Parent Partnership Services national benchmarking`;
    ready();
  }

}
