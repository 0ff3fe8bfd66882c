#!/usr/bin/env bash
# Renders the national report of a published year to an A4 PDF with headless Chromium, from a running host:
#   scripts/report-pdf.sh 2013 out.pdf [base-url]      (base-url: $PPS_SITE_URL or http://127.0.0.1:7071/)
# The host serves the site and the published set under data/ (the devhost: see README "Local host"; or the
# static website in Azure). The page is report.html?year=YEAR&print=1: print styles (A4, no navigation, each
# part on a new page, charts sized for paper).
set -euo pipefail
year="${1:?usage: scripts/report-pdf.sh YEAR OUT.pdf [base-url]}"
out="${2:?usage: scripts/report-pdf.sh YEAR OUT.pdf [base-url]}"
base="${3:-${PPS_SITE_URL:-http://127.0.0.1:7071/}}"
base="${base%/}/"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "$chromium not found: install Chromium (apt-get install chromium) or set CHROMIUM." >&2; exit 1; }
if ! curl -fsS "${base}data/index.json" | grep -q "\"year\":${year}[,}]"; then
  echo "${base}data/index.json does not list ${year}: publish the year first (or check the host is running)." >&2
  exit 1
fi
start=$(date +%s%N)
# Virtual time runs only while nothing is loading, so the budget is spent after the data has arrived and the
# page has drawn every chart; the print then starts.
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --no-pdf-header-footer --virtual-time-budget=10000 \
  --print-to-pdf="$out" "${base}report.html?year=${year}&print=1" >/dev/null 2>&1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ -s "$out" ] || { echo "Chromium wrote no PDF to $out." >&2; exit 1; }
pages=""
if command -v pdfinfo >/dev/null; then pages=" ($(pdfinfo "$out" | awk '/^Pages:/ {print $2}') pages)"; fi
if command -v pdftotext >/dev/null && ! pdftotext "$out" - | grep -q "Appendix 1: key to service numbers"; then
  echo "$out is incomplete: the report had not finished drawing." >&2
  exit 1
fi
echo "Wrote $out$pages in ${ms} ms."
