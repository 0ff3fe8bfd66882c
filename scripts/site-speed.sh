#!/usr/bin/env bash
# Measures the site on loopback: publishes the real 2013 data (the pipeline) on a fresh Azurite, starts the
# devhost on a free port, then times the dashboard's first load with the first screen's charts drawn and the report to PDF
# (bench "site": median, min, max over cold-cache runs, with the page-shell floor), and scripts/report-pdf.sh.
#   scripts/site-speed.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ -f site/dist/index.html ] || (cd site && npm ci --no-audit --no-fund && npm run build)
source scripts/azurite.sh
azurite_start
dotnet run --project cli --configuration Release -- pipeline --data ../shared/data >/dev/null
dotnet build devhost --configuration Release >/dev/null
port=$(free_port)
# The app's names (tables, containers, prefixes) as local.settings.sample.json lists them, as scripts/demo.sh does; the
# timers set to a time that never comes round while this runs.
eval "$(node -e '
  const v = require("./local.settings.sample.json").Values;
  for (const [k, x] of Object.entries(v))
    if (k.startsWith("Pps__") && k !== "Pps__AdminTokenSha256") console.log(`export ${k}=${JSON.stringify(String(x))}`);')"
PpsStorage="$PPS_STORAGE" Pps__AdminTokenSha256=$(printf %s "site-speed-$RANDOM" | sha256sum | cut -c1-64) \
  CloseYearSchedule="0 0 0 1 1 *" BackupSchedule="0 0 0 1 1 *" ReminderSchedule="0 0 0 1 1 *" \
  dotnet run --project devhost --configuration Release --no-build -- --port "$port" >"$AZURITE_DATA/devhost.log" 2>&1 &
DEVHOST_PID=$!
trap 'kill "$DEVHOST_PID" 2>/dev/null || true; wait "$DEVHOST_PID" 2>/dev/null || true; azurite_stop' EXIT
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/data/index.json" >/dev/null 2>&1 && break
  if ! kill -0 "$DEVHOST_PID" 2>/dev/null; then echo "The devhost stopped:"; cat "$AZURITE_DATA/devhost.log"; exit 1; fi
  sleep 0.5
done
status=0
dotnet run --project bench --configuration Release -- site "http://127.0.0.1:$port/" 2013 "$RUNS" || status=$?
scripts/report-pdf.sh 2013 "$AZURITE_DATA/report-2013.pdf" "http://127.0.0.1:$port/" || status=$?
exit "$status"
