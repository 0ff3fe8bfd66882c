// The deployment's settings for this copy of the site: where the API is (apiBase, absolute when the API has an
// origin of its own, as in Azure) and the folder the published data is under (publishedPrefix). The deployment
// writes config.json beside the pages (site/package.mjs; the local host serves its own), so one build serves
// every environment. There is no default: a site without it says so instead of reading the wrong place.
let settings = null;

function folder(value, name) {
  if (typeof value !== "string" || value.trim() === "") throw new Error(`config.json: "${name}" is missing (see docs/deploy.md)`);
  return value.endsWith("/") ? value : `${value}/`;
}

/** Reads config.json once; every page awaits this before it reads data or calls the API. */
export async function loadConfig() {
  if (settings) return settings;
  const response = await fetch("config.json", { credentials: "same-origin", cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: ${response.status} ${response.statusText} (the deployment writes it; see docs/deploy.md)`);
  const body = await response.json();
  settings = Object.freeze({ apiBase: folder(body.apiBase, "apiBase"), publishedPrefix: folder(body.publishedPrefix, "publishedPrefix") });
  return settings;
}

/** The settings read by loadConfig (which main.js awaits before any page runs). */
export function config() {
  if (!settings) throw new Error("config.json has not been read yet");
  return settings;
}
