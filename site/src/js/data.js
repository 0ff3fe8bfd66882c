// The only reader of published data: data/index.json → the year's manifest → the files it lists.
// Paths come from the index and the manifest, never built here: they are relative to the folder of
// index.json (the publisher's prefix, publishedPrefix in config.json, which the static website and the local host
// serve beside the site), so every URL is that prefix + the path as published. Relative URLs: the same files work
// at any root.
import { config } from "./config.js";

const cache = new Map();
// Where the files are read from: the public published data, unless NPPN previews a provisional set (readProvisional).
let privateSource = null;

export function url(path) {
  return config().publishedPrefix + path;
}

/**
 * Reads every file from NPPN's provisional sets instead (GET /api/provisional/{path}, with NPPN's token), laid out as
 * the published ones are, so a page draws a provisional set exactly as it will draw it once published.
 */
export function readProvisional(token) {
  privateSource = { base: `${config().apiBase}provisional/`, init: { headers: { Authorization: `Bearer ${token}` }, credentials: "omit", cache: "no-store" } };
  cache.clear();
}

export function getJson(path) {
  const key = privateSource ? privateSource.base + path : url(path);
  if (!cache.has(key)) {
    cache.set(key, fetch(key, privateSource?.init ?? { credentials: "same-origin" }).then((response) => {
      if (!response.ok) throw new Error(`${key}: ${response.status} ${response.statusText}`);
      return response.json();
    }));
  }
  return cache.get(key);
}

export async function loadIndex() {
  const index = await getJson("index.json");
  return [...index.years].sort((a, b) => b.year - a.year);
}

/** The year asked for in the address (?year=), else the latest published year. */
export function chooseYear(years) {
  const asked = Number(new URLSearchParams(location.search).get("year"));
  return years.find((y) => y.year === asked) ?? years[0];
}

export async function loadManifest(entry) {
  return getJson(entry.manifest);
}

export function filesOf(manifest, kind) {
  return manifest.files.filter((f) => f.kind === kind);
}

export function fileFor(manifest, kind, id) {
  return manifest.files.find((f) => f.kind === kind && f.figureId === String(id));
}

/**
 * Every figure of the set, in the manifest's order, each with its CSV and JSON entries. When the manifest lists
 * the figures in one file (kind "figures") that one request replaces a request per figure.
 */
export async function loadFigures(manifest) {
  const entries = filesOf(manifest, "figure");
  const bundle = filesOf(manifest, "figures")[0];
  const figures = bundle ? await getJson(bundle.path) : await Promise.all(entries.map((entry) => getJson(entry.path)));
  const byId = new Map(entries.map((entry) => [entry.figureId, entry]));
  return figures.map((figure) => ({
    figure,
    json: byId.get(figure.id),
    csv: fileFor(manifest, "table", figure.id),
  }));
}

export async function loadOptional(manifest, kind, id) {
  const entry = id === undefined ? filesOf(manifest, kind)[0] : fileFor(manifest, kind, id);
  return entry ? { entry, data: await getJson(entry.path) } : null;
}

/**
 * One service's page (docs/schema/service.schema.json) with the manifest entry it came from, or null when the set has
 * no page for it. The pages are published in shards of consecutive service ids (kind "services", with the range in
 * first and last): one request for the shard whose range holds the id. Sets published before the shards list one
 * "service" file per service.
 */
export async function loadService(manifest, id) {
  const number = Number(id);
  const shard = filesOf(manifest, "services").find((f) => f.first <= number && number <= f.last);
  if (shard) {
    const data = (await getJson(shard.path)).services.find((s) => s.serviceId === number);
    return data ? { entry: shard, data } : null;
  }
  const own = fileFor(manifest, "service", id);
  return own ? { entry: own, data: await getJson(own.path) } : null;
}
