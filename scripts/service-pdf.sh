#!/usr/bin/env bash
# Renders services' benchmarking packs of a published year to A4 PDFs with headless Chromium, from a running host:
#   scripts/service-pdf.sh 2013 24|24,25|all out-folder [base-url]   (base-url: $PPS_SITE_URL or http://127.0.0.1:7071/)
# As scripts/report-pdf.sh does for the national report: the cli opens service.html?year=YEAR&id=N&print=1 in
# /usr/bin/chromium (Playwright), waits until every chart is drawn and prints with the page's print styles (A4,
# page numbers, the synthetic mark in every footer when the pack shows any). One file per service,
# out-folder/service-{id}-{year}.pdf; "all" is every service with a return that year. See docs/site.md.
set -euo pipefail
usage="usage: scripts/service-pdf.sh YEAR SERVICE|all OUT-FOLDER [base-url]"
year="${1:?$usage}"
service="${2:?$usage}"
out="$(realpath -m "${3:?$usage}")"
cd "$(dirname "$0")/.."
base="${4:-${PPS_SITE_URL:-http://127.0.0.1:7071/}}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build cli --configuration Release >/dev/null
dotnet run --project cli --configuration Release --no-build -- service-pdf --year "$year" --service "$service" --out "$out" --url "$base"
