#!/usr/bin/env bash
# The demo, end to end over HTTP: starts Azurite, maildev (the development mail server) and the devhost on loopback, then `pps demo` opens the 2009-2013
# collections, loads the reference data, emails each service a sign-in link and sends every return as the service
# would (the 131 real 2013 self-ratings with synthetic Part 2 figures; synthetic 2009-2012, all labelled so; every
# 13th 2013 service, 10 in all, uploads a filled-in workbook instead: template downloaded, .xlsx posted, report
# polled); 6 services leave it late, are reminded by the devhost's reminder timer and chased by NPPN, then submit; NPPN
# runs a provisional recompute, reads the close's confirmation, closes and publishes. Prints the dashboard, a service's
# form, NPPN's console with its token, the provisional set as the report, the mailbox (each service has a made-up
# contact: its sign-in link, receipt and workbook result, and the late ones' reminder and chase, are there),
# the report's PDF (rendered by Chromium and added to the published set, also kept in out/demo/report-2013.pdf), a
# service's pack to print, and the headline figures read back from the published files; keeps serving until Ctrl-C.
#   scripts/demo.sh           the demo, then serve
#   scripts/demo.sh --check   the same, verify what it printed, stop everything; exit 0 only if all is well
#   scripts/demo.sh --honest  the real 2013 self-ratings only (no synthetic returns, no SEN/FSM figures)
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
args=()
for arg in "$@"; do
  case "$arg" in
    --check) check=true; args+=(--check) ;;
    --honest) args+=(--honest) ;;
    *) echo "usage: scripts/demo.sh [--check] [--honest]" >&2; exit 2 ;;
  esac
done

started=$SECONDS
# Build (Release) only when a source file is newer than the last build: a no-op `dotnet build` costs ~20 s here.
built_host=devhost/bin/Release/net10.0/Pps.DevHost.dll
built_cli=cli/bin/Release/net10.0/pps.dll
stale() { # stale <built file> <source folders and files...>: missing, or older than one of its sources
  local built=$1; shift
  [ ! -f "$built" ] || [ -n "$(find "$@" Directory.Build.props Directory.Packages.props -newer "$built" -type f ! -path '*/bin/*' ! -path '*/obj/*' -print -quit)" ]
}
if stale "$built_host" core functions devhost; then
  echo "Building the devhost (Release)..."
  dotnet build devhost --configuration Release --nologo --verbosity quiet -clp:NoSummary
fi
if stale "$built_cli" core synthetic cli; then
  echo "Building the cli (Release)..."
  dotnet build cli --configuration Release --nologo --verbosity quiet -clp:NoSummary
fi

# The site the devhost serves at /: built from site/ (npm, lock file) when its sources are newer than the build.
if [ ! -f site/dist/index.html ] || [ -n "$(find site/src site/package.json site/build.mjs -newer site/dist/index.html -type f -print -quit 2>/dev/null)" ]; then
  echo "Building the site (npm ci, esbuild)..."
  (cd site && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent)
fi

source scripts/azurite.sh
azurite_start
# The development mail server: the app's mail (receipts, workbook results, reminders, sign-in links) goes there.
source scripts/maildev.sh
maildev_start

DEVHOST_PID=""
DEVHOST_LOG="$(mktemp -t pps-devhost.XXXXXX)"
# Azurite's data is deleted only on a clean stop (Ctrl-C, or --check passing): when the devhost dies or the demo
# fails, everything entered so far is kept, and where it is is printed.
clean_stop=false
cleanup() {
  if [ -n "$DEVHOST_PID" ] && kill -0 "$DEVHOST_PID" 2>/dev/null; then
    kill "$DEVHOST_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$DEVHOST_PID" 2>/dev/null && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -9 "$DEVHOST_PID" 2>/dev/null || true
  fi
  maildev_stop
  if [ "$clean_stop" = true ]; then
    azurite_stop
    rm -f "$DEVHOST_LOG"
  else
    AZURITE_KEEP=1 azurite_stop
    echo "Stopped without a clean stop: Azurite's data is kept in $AZURITE_DATA (serve it again with" >&2
    echo "  tools/azurite/node_modules/.bin/azurite --location $AZURITE_DATA), the devhost's log in $DEVHOST_LOG." >&2
  fi
}
trap cleanup EXIT
trap 'clean_stop=true; exit 130' INT TERM

# 7071 (the Functions default) when it is free, otherwise any free loopback port.
if node -e "require('net').createServer().on('error',()=>process.exit(1)).listen(7071,'127.0.0.1',function(){this.close()})" 2>/dev/null; then
  port=7071
else
  port=$(free_port)
fi
# A random admin token for this run; the host gets only its SHA-256.
admin_token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
admin_sha=$(printf %s "$admin_token" | sha256sum | cut -c1-64)

# The app's names (tables, containers, prefixes) as local.settings.sample.json lists them; storage, admin token and
# schedules are this run's own.
eval "$(node -e '
  const v = require("./local.settings.sample.json").Values;
  for (const [k, x] of Object.entries(v))
    if (k.startsWith("Pps__") && k !== "Pps__AdminTokenSha256") console.log(`export ${k}=${JSON.stringify(String(x))}`);')"
# The close timer every 2 seconds (NCRONTAB with seconds) so that the close follows the closing date at once; the
# backup timer at its usual time (the sample's), which a demo does not wait for.
# Mail goes to this run's maildev, with links to this host's site; the reminder timer every 2 seconds too, so that a reminder NPPN's
# schedule makes due goes out at once (each point is sent once; the ledger keeps it so).
export Pps__Mail__SmtpHost=127.0.0.1 Pps__Mail__SmtpPort="$MAILDEV_SMTP_PORT" Pps__Mail__SmtpSecurity=None Pps__Mail__SiteUrl="http://127.0.0.1:$port/"
PpsStorage="$PPS_STORAGE" Pps__AdminTokenSha256="$admin_sha" CloseYearSchedule="*/2 * * * * *" BackupSchedule="${BackupSchedule:-0 30 3 * * *}" \
  ReminderSchedule="${ReminderSchedule:-*/2 * * * * *}" dotnet "$built_host" --port "$port" >"$DEVHOST_LOG" 2>&1 &
DEVHOST_PID=$!

status=0
# The report's PDF: rendered from the site by Chromium and added to the published set after the close, as NPPN does beside
# the function app in Azure (pps report-pdf --publish); kept in out/demo/ too. Without Chromium the demo runs without it,
# but --check requires it.
pdf_args=(--report-pdf out/demo/report-2013.pdf)
if [ ! -x /usr/bin/chromium ] && [ "$check" = false ]; then
  echo "No /usr/bin/chromium: the demo runs without the report's PDF (apt-get install chromium to have it)." >&2
  pdf_args=()
fi
dotnet "$built_cli" demo --api "http://127.0.0.1:$port" --admin-token "$admin_token" --mailbox "$MAILDEV_URL" \
  "${pdf_args[@]}" "${args[@]}" || status=$?
if [ $status -ne 0 ]; then
  echo "The demo failed (exit $status). The devhost's log:" >&2
  tail -n 40 "$DEVHOST_LOG" >&2 || true
  exit $status
fi
if [ "$check" = true ]; then
  echo "demo --check passed in $((SECONDS - started)) s."
  clean_stop=true
  exit 0
fi
echo
echo "Serving on http://127.0.0.1:$port until Ctrl-C (devhost log: $DEVHOST_LOG)."
host_status=0
wait "$DEVHOST_PID" || host_status=$?
# Only the devhost's own end gets here (Ctrl-C runs the INT trap): a crash, not a stop.
echo "The devhost stopped by itself (exit $host_status). Its log:" >&2
tail -n 40 "$DEVHOST_LOG" >&2 || true
exit 1
