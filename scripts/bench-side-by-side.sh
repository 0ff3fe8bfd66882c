#!/usr/bin/env bash
# Side by side of two builds of this repository (each a worktree or clone with its Release builds of bench/ and cli/):
#   scripts/bench-side-by-side.sh saves BEFORE_DIR AFTER_DIR [pairs]   # `bench saves`, alternated on one Azurite
#   scripts/bench-side-by-side.sh close BEFORE_DIR AFTER_DIR            # `bench-close --scale 1,10,100`, each on its own in-memory Azurite
# Run it on a quiet machine: a figure taken while anything else runs is noise.
set -euo pipefail
kind="$1"; before="$(cd "$2" && pwd)"; after="$(cd "$3" && pwd)"; pairs="${4:-3}"
cd "$(dirname "$0")/.."
source scripts/azurite.sh
case "$kind" in
  saves)
    azurite_start >/dev/null
    export PPS_AZURITE_PID=$AZURITE_PID
    for pair in $(seq 1 "$pairs"); do
      for tree in "$before" "$after"; do
        echo "=== pair $pair: $tree ($(git -C "$tree" rev-parse --short HEAD))"
        (cd "$tree" && dotnet bench/bin/Release/net10.0/Pps.Bench.dll saves --rounds 3 --others 200 --revisions 100)
      done
    done ;;
  close)
    for tree in "$before" "$after"; do
      azurite_start --in-memory >/dev/null
      export PPS_AZURITE_PID=$AZURITE_PID
      echo "=== $tree ($(git -C "$tree" rev-parse --short HEAD))"
      (cd "$tree" && dotnet cli/bin/Release/net10.0/pps.dll bench-close --scale 1,10,100 --runs 3 --warmups 1)
      azurite_stop
    done ;;
  *) echo "usage: $0 saves|close BEFORE_DIR AFTER_DIR [pairs]" >&2; exit 2 ;;
esac
