#!/usr/bin/env bash
# Runs every test against a real Azurite that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
# The template-settings test reads the compiled Bicep; check.sh builds and lints it first.
bash infra/check.sh
source scripts/azurite.sh
azurite_start
log="$(mktemp -t pps-test.XXXXXX)"
status=0
dotnet test PPS.Serverless.sln --configuration Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
passed=$( (grep -E '^\s+Passed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
failed=$( (grep -E '^\s+Failed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
# Then the demo end to end over HTTP (its own Azurite and devhost; reuses the Release build above).
if [ "$status" -eq 0 ]; then bash scripts/demo.sh --check || status=$?; fi
exit "$status"
