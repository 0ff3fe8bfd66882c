// How a cell reads: the unit of its column decides; null is "no data", never 0.
const whole = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const money = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const NO_DATA = "no data";

export function formatCell(value, unit) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value !== "number") return String(value);
  switch (unit) {
    case "pct": return `${decimals.format(value)}%`;
    case "gbp": return `£${Number.isInteger(value) ? whole.format(value) : money.format(value)}`;
    case "year": return String(value);
    case "count": return whole.format(value);
    default: return decimals.format(value);
  }
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function cellNode(value, unit) {
  const text = formatCell(value, unit);
  return text === null ? el("span", { class: "pps-nodata" }, NO_DATA) : text;
}

export function pluralise(count, one, many) {
  return `${whole.format(count)} ${count === 1 ? one : many}`;
}
