// The national dashboard: every published figure of the chosen year under its report number, grouped as
// the report groups them, each with N, its chart and table, its note and its downloads.
import { loadFigures } from "../data.js";
import { el } from "../format.js";
import { groupFigures, renderFigure, figureAnchor, heading, PARTS, reportPdfLink } from "../figures.js";
import { ready, publishedYearPage } from "../page.js";
import { describeSyntheticFigures, syntheticBanner } from "../synthetic.js";

export async function dashboard(target) {
  await publishedYearPage(target, show);

  async function show(entry, manifest, body) {
    const items = await loadFigures(manifest);
    const groups = groupFigures(items);
    const contents = el("nav", { class: "pps-contents", "aria-labelledby": "contents-title" },
      el("h2", { class: "govuk-heading-m", id: "contents-title" }, "Contents"),
      el("ul", { class: "govuk-list" }, groups.map((g) => el("li", {}, el("a", { class: "govuk-link", href: `#section-${g.id}` }, g.title)))));
    const summary = el("p", { class: "govuk-body-l pps-lede" },
      `${entry.year}: ${manifest.returns} returns, published ${new Date(manifest.createdAt).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })} (version ${manifest.version}).`);
    const draws = [];
    const sections = [];
    for (const part of PARTS) {
      const partGroups = groups.filter((g) => g.part === part.part);
      if (partGroups.length === 0) continue;
      if (part.part > 0) sections.push(el("h2", { class: "govuk-heading-l" }, part.title));
      for (const group of partGroups) {
        const section = el("section", { id: `section-${group.id}`, "aria-labelledby": `section-${group.id}-title` },
          el(part.part > 0 ? "h3" : "h2", { class: part.part > 0 ? "govuk-heading-l" : "govuk-heading-l", id: `section-${group.id}-title` }, group.title));
        for (const item of group.items) {
          const { element, drawChart } = renderFigure(item, { headingLevel: part.part > 0 ? "h4" : "h3", lazyLongTables: true });
          section.append(element);
          if (drawChart) draws.push({ element, drawChart });
        }
        sections.push(section);
      }
    }
    const banner = syntheticBanner(describeSyntheticFigures(items.map((i) => i.figure)));
    body.replaceChildren(...(banner ? [banner] : []), summary, reportPdfLink(manifest, entry.year) ?? "", contents, ...sections);
    drawAsSeen(draws);
    document.title = `National dashboard ${entry.year} – Parent Partnership Services national benchmarking`;
    ready();
  }

}

/**
 * Draws the charts of the first screen at once and every other chart as it comes near the screen (or when the
 * page is printed): drawing all of the year's charts before the reader sees anything took seconds.
 */
function drawAsSeen(draws) {
  const pending = new Map(draws.map((d) => [d.element, d.drawChart]));
  const drawOne = (element) => {
    const drawChart = pending.get(element);
    if (!drawChart) return;
    pending.delete(element);
    drawChart();
  };
  const drawAll = () => { for (const element of [...pending.keys()]) drawOne(element); };
  const near = window.innerHeight * 1.5;
  for (const { element } of draws) {
    if (element.getBoundingClientRect().top < near) drawOne(element);
  }
  if (pending.size === 0) return;
  if (!("IntersectionObserver" in window)) { drawAll(); return; }
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      drawOne(entry.target);
    }
  }, { rootMargin: "100% 0px" });
  for (const element of pending.keys()) observer.observe(element);
  window.addEventListener("beforeprint", () => { observer.disconnect(); drawAll(); }, { once: true });
}

export { figureAnchor, heading };
