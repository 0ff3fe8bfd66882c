// One figure as a reader sees it: its report number and title, N, the chart (with a text alternative),
// the data table beside it (readable without the chart), a note with its method and sources, downloads.
import { chartConfig, draw, tallness, ID_COLUMNS } from "./charts.js";
import { cellNode, el, formatCell, pluralise } from "./format.js";
import { url } from "./data.js";
import { syntheticNote, syntheticTag } from "./synthetic.js";

const SECTIONS = [
  { id: "participation", part: 0, title: "Who took part" },
  { id: "exemplifications", part: 1, title: "The extent to which services meet the exemplifications of the minimum standards" },
  { id: "type", part: 2, title: "Type of service provision" },
  { id: "budget", part: 2, title: "Service budget" },
  { id: "staffing", part: 2, title: "Staffing" },
  { id: "access", part: 2, title: "Access to the Parent Partnership Service" },
  { id: "casework", part: 2, title: "Casework and other roles undertaken by the Parent Partnership Service" },
  { id: "strategic", part: 2, title: "Involvement in strategic work" },
];

export const PARTS = [
  { part: 0, title: "Who took part" },
  { part: 1, title: "Part 1: self-assessment against the exemplifications of the minimum standards" },
  { part: 2, title: "Part 2: additional national data collection" },
];

/** The figures grouped as the report groups them: part, then section, in the published order. */
export function groupFigures(items) {
  return SECTIONS.map((section) => ({ ...section, items: items.filter((i) => i.figure.section === section.id) }))
    .concat([{ id: "other", part: 2, title: "Other figures", items: items.filter((i) => !SECTIONS.some((s) => s.id === i.figure.section)) }])
    .filter((s) => s.items.length > 0);
}

export function figureAnchor(figure) {
  return `figure-${figure.id}`;
}

export function heading(figure) {
  const ref = /^(Table|Chart)/.test(figure.reportRef) ? `${figure.reportRef}: ` : figure.id.startsWith("chart-4-") ? "Chart 4, " : "";
  const title = figure.id.startsWith("chart-4-") ? figure.title : figure.title;
  return `${ref}${title}`;
}

/**
 * The columns a reader sees: the machine id of a row is hidden behind its label, and a column with no data in
 * any row (another year's, when only this year is held) is left out here; the CSV and JSON keep every column.
 */
function visibleColumns(figure) {
  const hasLabel = figure.columns.some((c) => c.id === "label");
  const empty = (i) => figure.rows.length > 0 && figure.rows.every((row) => row[i] === null || row[i] === undefined);
  return figure.columns.map((c, i) => ({ c, i }))
    .filter(({ c, i }) => !(hasLabel && i === 0 && ID_COLUMNS.has(c.id)))
    .filter(({ i }, n) => n === 0 || !empty(i));
}

/** Whether some columns were left out for having no data. */
function hidesEmptyColumns(figure) {
  return visibleColumns(figure).length < figure.columns.length - (figure.columns.some((c) => c.id === "label") && ID_COLUMNS.has(figure.columns[0].id) ? 1 : 0);
}

/** On paper a long table of one or two value columns (a row per service) runs in three side-by-side blocks. */
const PAPER_BLOCKS = 3;

function paperBlocks(figure, caption) {
  const columns = visibleColumns(figure);
  const size = Math.ceil(figure.rows.length / PAPER_BLOCKS);
  const blocks = [];
  for (let start = 0; start < figure.rows.length; start += size) {
    blocks.push(dataTable({ ...figure, rows: figure.rows.slice(start, start + size) }, `${caption}, rows ${start + 1} to ${Math.min(start + size, figure.rows.length)}`, { keepColumns: columns }));
  }
  return el("div", { class: "pps-paper-blocks" }, blocks);
}

export function isLongAndNarrow(figure) {
  return figure.rows.length > 25 && visibleColumns(figure).length <= 3;
}

/** On paper a table of more columns than fit the page's width is printed as several, each repeating the row's own column. */
const PAPER_COLUMNS = 7;

function paperColumnGroups(figure, caption, columns) {
  const [first, ...rest] = columns;
  const groups = [];
  for (let start = 0; start < rest.length; start += PAPER_COLUMNS - 1) groups.push([first, ...rest.slice(start, start + PAPER_COLUMNS - 1)]);
  return el("div", { class: "pps-paper-columns" }, groups.map((group, n) =>
    dataTable(figure, `${caption}, part ${n + 1} of ${groups.length}`, { keepColumns: group })));
}

export function dataTable(figure, caption, options = {}) {
  if (options.paper && isLongAndNarrow(figure)) return paperBlocks(figure, caption);
  if (options.paper && !options.keepColumns && visibleColumns(figure).length > PAPER_COLUMNS) return paperColumnGroups(figure, caption, visibleColumns(figure));
  const columns = options.keepColumns ?? visibleColumns(figure);
  const wide = columns.length > 8;
  const table = el("table", { class: `govuk-table pps-table--compact${wide ? " pps-table--wide" : ""}` },
    el("caption", { class: "govuk-table__caption govuk-table__caption--s" }, caption),
    el("thead", { class: "govuk-table__head" },
      el("tr", { class: "govuk-table__row" }, columns.map(({ c }) => el("th", {
        scope: "col",
        class: `govuk-table__header${c.unit !== "text" && c.unit !== "year" ? " govuk-table__header--numeric" : ""}`,
      }, c.label)))),
    el("tbody", { class: "govuk-table__body" }, figure.rows.map((row) => el("tr", { class: "govuk-table__row" },
      columns.map(({ c, i }, n) => el(n === 0 ? "th" : "td", {
        ...(n === 0 ? { scope: "row" } : {}),
        class: `${n === 0 ? "govuk-table__header" : "govuk-table__cell"}${c.unit !== "text" && c.unit !== "year" ? " govuk-table__cell--numeric" : ""}`,
      }, cellNode(row[i], c.unit)))))));
  // A scrolling region must be reachable by keyboard: it is focusable and named by the table's caption.
  return el("div", {},
    el("div", { class: "pps-table-wrap", tabindex: "0", role: "region", "aria-label": caption }, table),
    !options.keepColumns && hidesEmptyColumns(figure) ? el("p", { class: "govuk-body-s pps-figure__meta" }, "Columns with no data in any row (years for which no returns are held) are left out of this table; the CSV and JSON have every column.") : null);
}

function returnsLine(figure) {
  if (figure.returns === 0) {
    return el("p", { class: "govuk-body pps-figure__meta" }, el("strong", {}, `No returns gave this figure for ${figure.year}: there is no data to show.`));
  }
  return el("p", { class: "govuk-body pps-figure__meta" }, `N = ${figure.returns} (${pluralise(figure.returns, "return", "returns")} in ${figure.year})`);
}

/** A statistic's value as a reader reads it: by its unit, as a table cell would be; an area of work by its number. */
function statisticValue(s) {
  return s.unit === "area" ? `Area ${s.value}` : formatCell(s.value, s.unit);
}

/**
 * The figure's single values (mean, median, shares), each under the label the publisher gave it for readers. A set
 * published before statistics carried labels has none to show: its values are left out rather than shown by key.
 */
function statistics(figure) {
  const entries = Array.isArray(figure.statistics)
    ? figure.statistics.filter((s) => s.value !== null && s.value !== undefined && s.label)
    : [];
  if (entries.length === 0) return null;
  return el("dl", { class: "govuk-summary-list govuk-summary-list--no-border pps-notes pps-statistics", "aria-label": `Summary values of ${figure.reportRef}` }, entries.map((s) =>
    el("div", { class: "govuk-summary-list__row" },
      el("dt", { class: "govuk-summary-list__key" }, s.label),
      el("dd", { class: "govuk-summary-list__value" }, statisticValue(s)))));
}

function notes(figure, level) {
  return el("div", { class: "pps-notes" },
    el(level, { class: "govuk-heading-s" }, "Method and sources"),
    figure.notes.length === 0
      ? el("p", { class: "govuk-body-s" }, "Counted from the returns of the year.")
      : el("ul", { class: "govuk-list govuk-list--bullet govuk-body-s" }, figure.notes.map((n) => el("li", {}, n))));
}

function downloads(item) {
  return el("ul", { class: "govuk-list pps-downloads" },
    item.csv ? el("li", {}, el("a", { class: "govuk-link", href: url(item.csv.path), download: `${item.figure.id}-${item.figure.year}.csv` }, `${item.figure.reportRef} as CSV`)) : null,
    el("li", {}, el("a", { class: "govuk-link", href: url(item.json.path) }, `${item.figure.reportRef} as JSON`)));
}

function describe(figure, config) {
  const kind = { doughnut: "Doughnut chart", bar: "Bar chart", scatter: "Scatter chart", line: "Line chart" }[config.type] ?? "Chart";
  return `${kind}: ${heading(figure)}, ${figure.returns} returns. The same figures are in the table that follows.`;
}

/**
 * Renders a figure; returns the element and a function that draws its chart (null when it has none).
 * options.downloads: show links; options.headingLevel: "h3" by default; options.print: charts for paper.
 */
const LONG_TABLE = 20;

function lazyTable(figure, caption) {
  const details = el("details", { class: "govuk-details", "data-table-for": figure.id },
    el("summary", { class: "govuk-details__summary" },
      el("span", { class: "govuk-details__summary-text" }, `Data table: ${figure.rows.length} rows`)),
    el("div", { class: "govuk-details__text" }));
  details.addEventListener("toggle", () => {
    const body = details.querySelector(".govuk-details__text");
    if (details.open && body.childElementCount === 0) body.append(dataTable(figure, caption));
  });
  return details;
}

export function renderFigure(item, options = {}) {
  const { figure } = item;
  const config = chartConfig(figure);
  const level = options.headingLevel ?? "h3";
  const title = heading(figure);
  const longTable = figure.rows.length > 25;
  // The heading, N, statement and chart stay together on paper; a long table may run on.
  const head = el("div", { class: "pps-figure__head" },
    el(level, { class: "govuk-heading-m", id: `${figureAnchor(figure)}-title` }, title, figure.synthetic ? [" ", syntheticTag()] : null),
    figure.synthetic ? el("p", { class: "govuk-body-s pps-synthetic-note" }, syntheticNote(figure) ?? "This figure rests on synthetic data.") : null,
    returnsLine(figure),
    options.statement ? el("p", { class: "govuk-body pps-statement" }, options.statement, options.statementSynthetic ? [" ", syntheticTag()] : null) : null);
  const section = el("section", { class: `pps-figure${longTable ? " pps-figure--long" : ""}`, id: figureAnchor(figure), "data-figure": figure.id, "data-synthetic": figure.synthetic ? "true" : null, "aria-labelledby": `${figureAnchor(figure)}-title` }, head);
  let drawChart = null;
  const caption = `${title} (N = ${figure.returns})`;
  // On the dashboard a long table (over LONG_TABLE rows) is one click away, built when opened, so that the page
  // loads fast; the report always prints it in full.
  const table = options.table
    ?? (options.lazyLongTables && figure.rows.length > LONG_TABLE ? lazyTable(figure, caption) : dataTable(figure, caption, { paper: options.print }));
  if (config) {
    const canvas = el("canvas", { role: "img", "aria-label": describe(figure, config) }, `${describe(figure, config)}`);
    const box = el("div", { class: `pps-chart ${tallness(figure, config)}`, "data-chart": figure.id }, canvas);
    const narrow = visibleColumns(figure).length <= 4 && figure.rows.length <= 12 && !box.className.includes("tall");
    if (narrow) {
      head.append(el("div", { class: "govuk-grid-row" },
        el("div", { class: "govuk-grid-column-one-half" }, box),
        el("div", { class: "govuk-grid-column-one-half" }, table)));
    } else {
      head.append(box);
      section.append(table);
    }
    drawChart = () => {
      draw(canvas, config, { devicePixelRatio: options.print ? 2 : undefined });
      box.dataset.drawn = "true";
    };
  } else {
    section.append(table);
  }
  section.append(statistics(figure) ?? "", notes(figure, `h${Number(level[1]) + 1}`));
  if (options.downloads !== false) section.append(downloads(item));
  return { element: section, drawChart };
}

/**
 * The link to the set's report as a PDF, when the manifest lists one (kind "pdf": rendered from the report page after
 * the close and added to the set with its SHA-256); null when the set has none yet.
 */
export function reportPdfLink(manifest, year) {
  const pdf = (manifest.files ?? []).find((f) => f.kind === "pdf");
  if (!pdf) return null;
  const size = pdf.bytes >= 1024 * 1024 ? `${(pdf.bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(pdf.bytes / 1024))} KB`;
  return el("p", { class: "govuk-body pps-report-pdf" },
    el("a", { class: "govuk-link", href: url(pdf.path), download: `national-report-${year}.pdf`, "data-report-pdf": "true" }, `The national report ${year} as a PDF (A4, ${size})`));
}
