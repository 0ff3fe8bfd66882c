#!/usr/bin/env bash
# Runs every test against a real Azurite and a real SMTP server (maildev) that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
# The template-settings test reads the compiled Bicep; check.sh builds and lints it first.
bash infra/check.sh
# The browser tests drive Debian's Chromium (never a downloaded browser) over the built site.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium (the browser tests need /usr/bin/chromium)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The report PDF's tests read its text and page boxes with pdftotext and pdfinfo (poppler-utils).
if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
  echo "Installing poppler-utils (the PDF tests need pdftotext and pdfinfo)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
(cd site && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
dotnet build PPS.Serverless.sln --configuration Release -nologo -v q
log="$(mktemp -t pps-test.XXXXXX)"
status=0
# The domain tier first, before any service is started: it needs none (docs/testing.md).
dotnet test tests/Domain/PPS.Domain.Tests.csproj --configuration Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
source scripts/azurite.sh
azurite_start
# The mail tests send to a real SMTP server and read the mail back through its REST API.
source scripts/maildev.sh
maildev_start
# The browser tests keep screenshots of every page and the PDFs' first pages in tests/artifacts/: this run's only.
rm -rf tests/artifacts
# The storage tier and the host and browser tier: the app on Azurite, the local host, Chromium.
dotnet test tests/PPS.Tests.csproj --configuration Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
passed=$( (grep -E '^\s+Passed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
failed=$( (grep -E '^\s+Failed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
if [ -d tests/artifacts ]; then
  echo "Screenshots of the site's pages, the report's PDF and its first pages, the service packs: $(pwd)/tests/artifacts/ ($(find tests/artifacts -type f | wc -l) files; the form and console in browser/)"
fi
# Then the demo end to end over HTTP (its own Azurite and devhost; reuses the Release build above).
if [ "$status" -eq 0 ]; then bash scripts/demo.sh --check || status=$?; fi
exit "$status"
