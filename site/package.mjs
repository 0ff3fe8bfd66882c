// Packages the built site (site/dist) for the static website, exactly as the deployment uploads it: the postdeploy
// hooks (infra/hooks/postdeploy.sh and .ps1) upload what this writes, the devhost's production topology serves it,
// and tests/Site/SitePackageTests.cs checks it. Nothing else decides what is uploaded or with which headers.
//
//   node site/package.mjs --api-base https://func-x.azurewebsites.net/api/ --published-prefix data/ \
//     --out <empty folder> --plan <file> [--dist site/dist]
//
// Writes into --out the files to upload (and nothing else), and to --plan one line per file, in upload order:
//   path <TAB> Content-Type <TAB> Cache-Control <TAB> Content-Encoding (empty when stored as is)
// - config.json: { apiBase, publishedPrefix }, which every page reads at start (site/src/js/config.js);
// - each page's Content-Security-Policy (meta) gets the API's origin in connect-src when the API is elsewhere;
// - assets named by their content (name.<12 hex>.ext) are cached for a year, everything else (pages, config) 5 minutes;
// - text is stored gzip-compressed with Content-Encoding: gzip. The static website cannot negotiate encodings: it
//   sends a blob's stored bytes and headers to every client, and every browser accepts gzip (a client that sends
//   no Accept-Encoding, such as plain curl, gets the gzip bytes; curl --compressed reads them).
// It refuses (exit 1, naming the file) a build without index.html or 404.html, a page whose asset is missing, and
// anything that is not a built file: node_modules, sources, package files, or files under the published prefix.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  console.error(`site/package.mjs: ${message}`);
  process.exit(1);
}

function args(argv) {
  const known = new Set(["dist", "out", "plan", "api-base", "published-prefix"]);
  const result = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, "");
    if (!known.has(name) || argv[i + 1] === undefined) fail(`unknown or incomplete argument ${argv[i]} (expected --${[...known].join(", --")})`);
    result[name] = argv[i + 1];
  }
  for (const needed of ["out", "plan", "api-base", "published-prefix"]) {
    if (!result[needed]) fail(`--${needed} is required`);
  }
  return result;
}

const options = args(process.argv.slice(2));
const dist = resolve(options.dist ?? join(here, "dist"));
const out = resolve(options.out);
const prefix = options["published-prefix"].replace(/^\/+/, "").replace(/\/?$/, "/");
if (prefix === "/") fail("--published-prefix must name a folder, for example data/");

// The API: an absolute http(s) URL (its own origin, as in Azure) or a path on the site's origin ("api/").
let apiBase = options["api-base"].endsWith("/") ? options["api-base"] : `${options["api-base"]}/`;
let apiOrigin = null;
if (/^[a-z]+:/i.test(apiBase)) {
  let parsed;
  try { parsed = new URL(apiBase); } catch { fail(`--api-base ${apiBase} is not a URL`); }
  if (!["https:", "http:"].includes(parsed.protocol)) fail(`--api-base ${apiBase} must be http(s)`);
  apiOrigin = parsed.origin;
  apiBase = parsed.href;
}

if (!existsSync(join(dist, "index.html"))) fail(`${dist} has no index.html: build the site first (cd site && npm ci && npm run build)`);
if (!existsSync(join(dist, "404.html"))) fail(`${dist} has no 404.html, the static website's error document`);

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};
const compressible = new Set([".html", ".css", ".js", ".json", ".svg", ".txt"]);
const forbidden = [/(^|\/)node_modules(\/|$)/, /(^|\/)src\//, /(^|\/)package(-lock)?\.json$/, /\.(mjs|cjs|scss|sass|ts|map)$/, /(^|\/)\./];

function walk(folder) {
  return readdirSync(folder).flatMap((name) => {
    const full = join(folder, name);
    return statSync(full).isDirectory() ? walk(full) : [relative(dist, full).split(sep).join("/")];
  });
}

const files = walk(dist).sort();
for (const path of files) {
  if (forbidden.some((pattern) => pattern.test(path))) fail(`${path} is not a built file of the site; it would be uploaded to the public website`);
  if (path.startsWith(prefix)) fail(`${path} is under the published prefix ${prefix}, which only the app writes`);
  if (path === "config.json") fail("config.json is written at deploy time, never built");
  const ext = posix.extname(path);
  if (!types[ext]) fail(`${path}: no content type is known for ${ext || "a file without an extension"}`);
}

const policyWith = (html) => html.replace(/(<meta http-equiv="Content-Security-Policy" content="[^"]*connect-src )'self'/, (match, head) => {
  return `${head}'self'${apiOrigin ? ` ${apiOrigin}` : ""}`;
});

const hashed = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
const entries = [];
function add(path, content) {
  const ext = posix.extname(path);
  let body = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
  let encoding = "";
  if (compressible.has(ext)) {
    const gzipped = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    if (gzipped.length < body.length) { body = gzipped; encoding = "gzip"; }
  }
  const target = join(out, ...path.split("/"));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, body);
  const cache = hashed.test(path) ? "public, max-age=31536000, immutable" : "public, max-age=300";
  entries.push({ path, type: types[ext], cache, encoding });
}

if (existsSync(out) && readdirSync(out).length > 0) fail(`${out} is not empty`);
mkdirSync(out, { recursive: true });

const pages = files.filter((f) => f.endsWith(".html"));
for (const page of pages) {
  const html = readFileSync(join(dist, page), "utf8");
  if (!/<meta http-equiv="Content-Security-Policy" content="[^"]*connect-src 'self'/.test(html)) fail(`${page} carries no Content-Security-Policy with connect-src`);
  if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) fail(`${page} has an inline script, which its policy forbids`);
  // Every asset a page links to must be in the package (a page is only uploaded with what it needs).
  for (const [, ref] of html.matchAll(/(?:src|href)="(assets\/[^"#?]+)"/g)) {
    if (!files.includes(ref)) fail(`${page} links to ${ref}, which the build did not make`);
  }
}

// Upload order: assets first, then the configuration, then the pages (index.html last), so that no page is
// live before what it loads.
for (const path of files.filter((f) => !f.endsWith(".html"))) add(path, readFileSync(join(dist, path)));
add("config.json", `${JSON.stringify({ apiBase, publishedPrefix: prefix }, null, 2)}\n`);
for (const page of pages.filter((p) => p !== "index.html")) add(page, policyWith(readFileSync(join(dist, page), "utf8")));
add("index.html", policyWith(readFileSync(join(dist, "index.html"), "utf8")));

mkdirSync(dirname(resolve(options.plan)), { recursive: true });
writeFileSync(resolve(options.plan), entries.map((e) => [e.path, e.type, e.cache, e.encoding].join("\t")).join("\n") + "\n");
const digest = createHash("sha256").update(entries.map((e) => e.path).join("\n")).digest("hex").slice(0, 12);
console.log(`Packaged ${entries.length} files from ${dist} into ${out} (API ${apiBase}, published data under ${prefix}; plan ${options.plan}, ${digest})`);
