#!/usr/bin/env bash
# The main job: starts Azurite on loopback, runs the 2013 collection end to end with the real data in
# ../shared/data (or the folder given as $1), prints where the manifest is and the headline figures.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data}"
source scripts/azurite.sh
azurite_start
dotnet run --project cli --configuration Release -- pipeline --data "$DATA"
