# Sourced by the scripts that need a mail server. Installs the pinned maildev into tools/maildev (not globally),
# starts it on free loopback ports (SMTP and its web mailbox with a REST API), waits until both answer, exports
# MAILDEV_SMTP_PORT, MAILDEV_WEB_PORT and MAILDEV_URL (the mailbox) and stops it when the calling shell exits.
# Mail is kept in memory only: it is a development server, and the mail it holds is gone when it stops.
# Source scripts/azurite.sh first when both are needed: maildev_start chains its stop onto the EXIT trap already set.

MAILDEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/maildev" && pwd)"

maildev_install() {
  if [ ! -x "$MAILDEV_DIR/node_modules/.bin/maildev" ]; then
    echo "Installing maildev (pinned in tools/maildev/package-lock.json)..."
    (cd "$MAILDEV_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

maildev_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

maildev_stop() {
  if [ -n "${MAILDEV_PID:-}" ] && kill -0 "$MAILDEV_PID" 2>/dev/null; then
    kill "$MAILDEV_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$MAILDEV_PID" 2>/dev/null && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -9 "$MAILDEV_PID" 2>/dev/null || true
    wait "$MAILDEV_PID" 2>/dev/null || true
  fi
  [ -n "${MAILDEV_LOG:-}" ] && rm -f "$MAILDEV_LOG"
  MAILDEV_PID=""
}

maildev_start() {
  maildev_install
  MAILDEV_SMTP_PORT=$(maildev_free_port)
  MAILDEV_WEB_PORT=$(maildev_free_port)
  MAILDEV_LOG="$(mktemp -t pps-maildev.XXXXXX)"
  "$MAILDEV_DIR/node_modules/.bin/maildev" --ip 127.0.0.1 --smtp "$MAILDEV_SMTP_PORT" \
    --web-ip 127.0.0.1 --web "$MAILDEV_WEB_PORT" >"$MAILDEV_LOG" 2>&1 &
  MAILDEV_PID=$!
  # Keep whatever stop the caller registered already (Azurite's) and add this one.
  local previous
  previous=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  trap "maildev_stop; ${previous:-true}" EXIT
  local deadline=$((SECONDS + 60))
  until node -e "
    const net=require('net');let left=2;
    for (const p of [$MAILDEV_SMTP_PORT,$MAILDEV_WEB_PORT]) { const c=net.connect(p,'127.0.0.1',()=>{c.end(); if(--left===0) process.exit(0);}); c.on('error',()=>process.exit(1)); }" 2>/dev/null; do
    if ! kill -0 "$MAILDEV_PID" 2>/dev/null; then echo "maildev failed to start:"; cat "$MAILDEV_LOG"; return 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "maildev did not answer within 60 s"; return 1; fi
    sleep 0.3
  done
  export MAILDEV_SMTP_PORT MAILDEV_WEB_PORT MAILDEV_URL="http://127.0.0.1:$MAILDEV_WEB_PORT/"
  echo "maildev is answering on 127.0.0.1 (SMTP $MAILDEV_SMTP_PORT, mailbox $MAILDEV_URL)."
}
