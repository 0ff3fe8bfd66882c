// NPPN's Markdown as elements, never as HTML: headings (#, ##, ###), paragraphs, lists (- or * or 1.), **strong**,
// *emphasis* and [links](https://…). Every piece of text becomes a text node, so anything else (HTML included) shows
// as the characters it is. Links go only to http(s), mailto or a path of this site; any other address stays text.
import { el } from "./format.js";

const SAFE_HREF = /^(https?:\/\/|mailto:|[./#?a-z0-9-])/i;
const UNSAFE_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The inline nodes of one line or paragraph: strong, emphasis and links, the rest text. */
export function inline(text) {
  const nodes = [];
  const pattern = /\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|_(?!\s)(.+?)_(?![A-Za-z0-9])|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const [, strong, strong2, em, em2, label, href] = match;
    if (strong ?? strong2) nodes.push(el("strong", {}, inline(strong ?? strong2)));
    else if (em ?? em2) nodes.push(el("em", {}, inline(em ?? em2)));
    else if (SAFE_HREF.test(href) && (!UNSAFE_SCHEME.test(href) || /^(https?|mailto):/i.test(href))) {
      nodes.push(el("a", { class: "govuk-link", href }, inline(label)));
    } else nodes.push(match[0]);
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/**
 * The blocks of a Markdown text as GOV.UK-styled elements. The text's own top heading level (whether it wrote # or ###)
 * becomes <h{headingLevel}>, so its headings sit under the report's without skipping a level; deeper stop at h6.
 */
export function markdown(text, { headingLevel = 3 } = {}) {
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  const top = Math.min(4, ...lines.map((l) => /^(#{1,3})\s/.exec(l)?.[1].length ?? 4));
  const blocks = [];
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length) blocks.push(el("p", { class: "govuk-body" }, inline(paragraph.join(" "))));
    paragraph = [];
    if (list) blocks.push(list.node);
    list = null;
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.+)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.+)$/.exec(line);
    if (!line.trim()) { flush(); continue; }
    if (heading) {
      flush();
      const level = Math.min(6, headingLevel + heading[1].length - top);
      blocks.push(el(`h${level}`, { class: level <= 3 ? "govuk-heading-m" : "govuk-heading-s" }, inline(heading[2])));
      continue;
    }
    if (bullet || numbered) {
      const kind = bullet ? "ul" : "ol";
      if (paragraph.length || (list && list.kind !== kind)) flush();
      if (!list) list = { kind, node: el(kind, { class: `govuk-list govuk-list--${bullet ? "bullet" : "number"}` }) };
      list.node.append(el("li", {}, inline((bullet ?? numbered)[1])));
      continue;
    }
    if (list && /^\s{2,}\S/.test(raw)) {
      // An indented line continues the list item above it.
      list.node.lastChild.append(" ", ...inline(line.trim()));
      continue;
    }
    if (list) flush();
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}
