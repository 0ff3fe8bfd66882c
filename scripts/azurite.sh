# Sourced by the scripts that need storage. Installs the pinned Azurite into tools/azurite (not globally),
# starts it on free loopback ports with a temporary data folder, waits until it answers, exports
# PPS_STORAGE (its connection string) and stops it when the calling shell exits, however it exits.
# `azurite_start --in-memory` keeps everything in memory (the benchmarks use it: on disk, Azurite rewrites the whole
# table database every 5 s after any write, which at 100x the returns costs it seconds of CPU that Azure does not spend).

AZURITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/azurite" && pwd)"

azurite_install() {
  if [ ! -x "$AZURITE_DIR/node_modules/.bin/azurite" ]; then
    echo "Installing Azurite (pinned in tools/azurite/package-lock.json)..."
    (cd "$AZURITE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

azurite_stop() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    # Bounded: Azurite exits in well under a second with telemetry off; never wait on it for long.
    local waited=0
    while kill -0 "$AZURITE_PID" 2>/dev/null && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  # AZURITE_KEEP=1: the data outlives the process (the demo keeps it when its host died).
  if [ -n "${AZURITE_DATA:-}" ] && [ "${AZURITE_KEEP:-}" != 1 ]; then rm -rf "$AZURITE_DATA"; fi
  AZURITE_PID=""
}

azurite_start() {
  azurite_install
  AZURITE_DATA="$(mktemp -d -t pps-azurite.XXXXXX)"
  # Its log stays in AZURITE_DATA either way; in memory, Azurite refuses a --location.
  local persistence=(--location "$AZURITE_DATA")
  [ "${1:-}" = "--in-memory" ] && persistence=(--inMemoryPersistence)
  local blob queue table
  blob=$(free_port); queue=$(free_port); table=$(free_port)
  "$AZURITE_DIR/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "${persistence[@]}" >"$AZURITE_DATA/azurite.log" 2>&1 &
  AZURITE_PID=$!
  trap azurite_stop EXIT
  local deadline=$((SECONDS + 60))
  until node -e "
    const net=require('net');let left=3;
    for (const p of [$blob,$queue,$table]) { const c=net.connect(p,'127.0.0.1',()=>{c.end(); if(--left===0) process.exit(0);}); c.on('error',()=>process.exit(1)); }" 2>/dev/null; do
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then echo "Azurite failed to start:"; cat "$AZURITE_DATA/azurite.log"; return 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "Azurite did not answer within 60 s"; return 1; fi
    sleep 0.3
  done
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export PPS_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  echo "Azurite is answering on 127.0.0.1 (blob $blob, queue $queue, table $table)$([ "${persistence[0]}" = --inMemoryPersistence ] && echo ", in memory")."
}
