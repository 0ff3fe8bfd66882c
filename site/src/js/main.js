import { initAll } from "govuk-frontend";
import { dashboard } from "./pages/dashboard.js";
import { report } from "./pages/report.js";
import { service } from "./pages/service.js";
import { reconciliation } from "./pages/reconciliation.js";
import { form } from "./pages/form.js";
import { nppnConsole } from "./pages/console.js";
import { failed } from "./page.js";
import { loadConfig } from "./config.js";

// GOV.UK Frontend's components run only where its JS is supported (set here: no inline script).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const pages = { index: dashboard, report, service, reconciliation, form, console: nppnConsole };
const run = pages[document.body.dataset.page];
const target = document.getElementById("app");
if (run && target) {
  loadConfig().then(() => run(target)).catch((error) => {
    console.error(error);
    failed(target, error);
  });
} else {
  // A page with nothing to load (404.html) is ready as it is: tests and the PDF command wait for this mark.
  document.body.dataset.ready = "true";
}
