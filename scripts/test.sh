#!/usr/bin/env bash
# Runs every test against a real Azurite that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
# The template-settings test reads the compiled Bicep; check.sh builds and lints it first.
bash infra/check.sh
source scripts/azurite.sh
azurite_start
dotnet test PPS.Serverless.sln --configuration Release --logger "console;verbosity=normal" "$@"
