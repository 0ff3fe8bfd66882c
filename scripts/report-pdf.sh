#!/usr/bin/env bash
# Renders the national report of a published year to an A4 PDF with headless Chromium, from a running host:
#   scripts/report-pdf.sh 2013 out.pdf [base-url] [--publish]   (base-url: $PPS_SITE_URL or http://127.0.0.1:7071/)
# The host serves the site and the published set under data/ (the devhost: see README "Local host"; or the
# static website in Azure). The cli opens report.html?year=YEAR&print=1 in /usr/bin/chromium (Playwright),
# waits until every chart is drawn and prints with the page's print styles (A4, no navigation, each part on
# a new page, charts sized for paper). --publish then adds the PDF to the published set the page showed (the
# storage account in $PPS_STORAGE; listed in the manifest as kind "pdf" with its SHA-256): see docs/site.md.
set -euo pipefail
year="${1:?usage: scripts/report-pdf.sh YEAR OUT.pdf [base-url]}"
out="$(realpath -m "${2:?usage: scripts/report-pdf.sh YEAR OUT.pdf [base-url]}")"
cd "$(dirname "$0")/.."
base="${3:-${PPS_SITE_URL:-http://127.0.0.1:7071/}}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build cli --configuration Release >/dev/null
publish=false
if [ "${4:-}" = "--publish" ]; then publish=true; fi
dotnet run --project cli --configuration Release --no-build -- report-pdf --year "$year" --out "$out" --url "$base" --publish "$publish"
