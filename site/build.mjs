// Builds site/dist: one CSS (GOV.UK Frontend + ours, compiled with Sass), one JS bundle (esbuild) and
// every page of src/pages wrapped in the one layout (src/layout.html). No CDN, no inline script or style,
// relative URLs only: the same files work from the local host and from the static website in Azure.
// The CSS and JS are named by their content (assets/site.<hash>.css), so a deployment can cache them for a year;
// every page carries its own Content-Security-Policy (a meta element: the static website sends no headers), which
// site/package.mjs widens at deploy time to the API's origin. 404.html is the static website's error document.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import * as sass from "sass";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });

const css = sass.compile(join(root, "src/styles/site.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
const hashOf = (content) => createHash("sha256").update(content).digest("hex").slice(0, 12);
const cssName = `site.${hashOf(css.css)}.css`;
writeFileSync(join(dist, "assets", cssName), css.css);

await build({
  entryPoints: [join(root, "src/js/main.js")],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: join(dist, "assets/site.js"),
  logLevel: "warning",
  legalComments: "linked",
});

// Named after the bundle's content; the link to the licences (legalComments "linked") follows the new name.
const bundled = readFileSync(join(dist, "assets/site.js"), "utf8");
const jsName = `site.${hashOf(bundled)}.js`;
writeFileSync(join(dist, "assets", jsName), bundled.replace("site.js.LEGAL.txt", `${jsName}.LEGAL.txt`));
rmSync(join(dist, "assets/site.js"));
renameSync(join(dist, "assets/site.js.LEGAL.txt"), join(dist, "assets", `${jsName}.LEGAL.txt`));

// The policy the pages carry: self only, no inline script or style. frame-ancestors is left out because a meta
// element cannot carry it (browsers ignore it there and log an error). package.mjs adds the API's origin to
// connect-src; the local host also sends the policy as a header, frame-ancestors included.
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'";

copyFileSync(join(root, "node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg"), join(dist, "assets/favicon.svg"));

// Pages: src/pages/{name}.html starts with "<!-- title: ... -->"; the rest is the page's <main> content.
const layout = readFileSync(join(root, "src/layout.html"), "utf8");
const nav = JSON.parse(readFileSync(join(root, "src/pages/nav.json"), "utf8"));
for (const file of readdirSync(join(root, "src/pages")).filter((f) => f.endsWith(".html"))) {
  const name = file.replace(/\.html$/, "");
  const source = readFileSync(join(root, "src/pages", file), "utf8");
  const title = /<!--\s*title:\s*(.*?)\s*-->/.exec(source)?.[1] ?? name;
  const body = source.replace(/<!--\s*title:.*?-->\s*/, "");
  const links = nav.map((item) => {
    const current = item.href === file;
    return `<li class="govuk-service-navigation__item${current ? " govuk-service-navigation__item--active" : ""}">` +
      `<a class="govuk-service-navigation__link" href="${item.href}"${current ? ' aria-current="page"' : ""}>` +
      (current ? `<strong class="govuk-service-navigation__active-fallback">${item.text}</strong>` : item.text) + `</a></li>`;
  }).join("\n            ");
  let html = layout
    .replaceAll("{{csp}}", contentSecurityPolicy)
    .replaceAll("assets/site.css", `assets/${cssName}`)
    .replaceAll("assets/site.js", `assets/${jsName}`)
    .replaceAll("{{title}}", title)
    .replaceAll("{{page}}", name)
    .replace("{{nav}}", links)
    .replace("{{main}}", body.trim());
  // The static website serves 404.html at whatever path was asked for: its links must not be relative to that path.
  if (name === "404") html = html.replace("<head>\n", '<head>\n  <base href="/">\n');
  writeFileSync(join(dist, file), html);
}
console.log(`Built ${dist}`);
