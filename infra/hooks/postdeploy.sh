#!/bin/sh
# azd postdeploy hook (see azure.yaml): runs after `azd up` / `azd deploy` has deployed the function code.
#  1. Uploads site/ to the static website ($web), leaving $web/data/ (the published chart data) alone.
#  2. The first time only: turns on the Event Grid subscription that delivers BlobCreated events for the
#     upload container to ValidateUploadedWorkbook, and provisions again. It could not be created earlier:
#     Event Grid validates the webhook, and the blob extension's key exists only once the code runs.
# Needs: azd, and the Azure CLI (az) signed in to the same tenant (`az login`).
set -eu

# azd passes the environment's values to hooks; load them again in case this is run by hand.
if command -v azd >/dev/null 2>&1; then
  eval "$(azd env get-values)"
fi

: "${AZURE_STORAGE_ACCOUNT_NAME:?run azd provision first}"
: "${FUNCTION_APP_NAME:?run azd provision first}"
: "${API_BASE_URL:?run azd provision first}"

retry() { # retry ATTEMPTS DELAY_SECONDS COMMAND...
  attempts=$1; delay=$2; shift 2
  n=1
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      return 1
    fi
    echo "  (attempt $n of $attempts failed; retrying in ${delay}s)"
    n=$((n + 1))
    sleep "$delay"
  done
}

# --- 1. site/ -> $web ------------------------------------------------------------------------------
if [ -d site ]; then
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  # Everything but data/: the chart data under $web/data/ is written by the app, never by a deployment.
  tar -C site --exclude='./data' -cf - . | tar -C "$staging" -xf -
  echo "Uploading site/ to the static website of $AZURE_STORAGE_ACCOUNT_NAME ..."
  # Retried: the deployer's Storage Blob Data Contributor role can take a few minutes to apply.
  # shellcheck disable=SC2016 # '$web' is the container's literal name, not a variable.
  retry 10 30 az storage blob upload-batch \
    --account-name "$AZURE_STORAGE_ACCOUNT_NAME" \
    --auth-mode login \
    --destination '$web' \
    --source "$staging" \
    --overwrite \
    --only-show-errors \
    --output none
  echo "Site: ${SITE_URL:-}"
else
  echo "No site/ folder: nothing to upload to the static website."
fi

# --- 2. Event Grid subscription for uploads (first deployment only) ---------------------------------
if [ "${PPS_UPLOAD_EVENTS_ENABLED:-false}" != "true" ]; then
  echo "Turning on the Event Grid subscription for uploads (PPS_UPLOAD_EVENTS_ENABLED=true) ..."
  azd env set PPS_UPLOAD_EVENTS_ENABLED true
  export PPS_UPLOAD_EVENTS_ENABLED=true
  # Start the host so that the blob extension's system key exists, then provision again.
  curl -fsS -o /dev/null --max-time 120 "${API_BASE_URL%/api}/" || true
  if ! retry 5 60 azd provision --no-prompt; then
    azd env set PPS_UPLOAD_EVENTS_ENABLED false
    echo "Could not create the Event Grid subscription; run 'azd env set PPS_UPLOAD_EVENTS_ENABLED true && azd provision' once the app is up." >&2
    exit 1
  fi
fi
