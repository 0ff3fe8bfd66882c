// Builds site/dist: one CSS (GOV.UK Frontend + ours, compiled with Sass), one JS bundle (esbuild) and
// every page of src/pages wrapped in the one layout (src/layout.html). No CDN, no inline script or style,
// relative URLs only: the same files work from the local host and from the static website in Azure.
import { build } from "esbuild";
import * as sass from "sass";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
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
writeFileSync(join(dist, "assets/site.css"), css.css);

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
  const html = layout
    .replaceAll("{{title}}", title)
    .replaceAll("{{page}}", name)
    .replace("{{nav}}", links)
    .replace("{{main}}", body.trim());
  writeFileSync(join(dist, file), html);
}
console.log(`Built ${dist}`);
