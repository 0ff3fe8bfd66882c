#!/bin/sh
# azd postdeploy hook (see azure.yaml): runs after `azd up` / `azd deploy` has deployed the function code.
#  1. Builds site/ and uploads the package site/package.mjs makes of site/dist (with config.json) to the static
#     website ($web), each file with its headers, leaving the published chart data ($web/$PUBLISHED_PREFIX) alone.
#  2. Checks that the deployed app has every function the infrastructure points at (REFERENCED_FUNCTIONS).
#  3. Once only: turns on the Event Grid subscription that delivers BlobCreated events for the upload container
#     to ValidateUploadedWorkbook, and provisions again. It can only exist once the deployed app has that
#     function and its host has made the blob extension's key: Event Grid validates the webhook when the
#     subscription is created. Until then the subscription stays off and the hook says so, without failing and
#     without looping on `azd provision`; the next `azd deploy` that brings the function turns it on.
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

# --- 1. The built site -> $web ------------------------------------------------------------------------
# Builds site/ (npm ci, esbuild), then site/package.mjs writes exactly what is uploaded: site/dist's files with
# config.json (the API's URL and the published prefix, read by every page at start) and each page's CSP widened to
# the API's origin, plus a plan giving each file's Content-Type, Cache-Control and Content-Encoding. Nothing under
# the published prefix is touched: the app writes the chart data there. tests/Site/SitePackageTests.cs runs the same
# script and fails if index.html or a built asset is missing, or if a source file or node_modules would be uploaded.
command -v node >/dev/null 2>&1 || { echo "Node.js (node, npm) is needed to build site/: see docs/deploy.md (Prerequisites)." >&2; exit 1; }
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
echo "Building site/ ..."
(cd site && npm ci --no-audit --no-fund && npm run build)
node site/package.mjs --dist site/dist --out "$staging/site" --plan "$staging/plan.tsv" \
  --api-base "${API_BASE_URL%/}/" --published-prefix "${PUBLISHED_PREFIX:-data/}"
upload() { # upload PATH CONTENT_TYPE CACHE_CONTROL CONTENT_ENCODING
  # shellcheck disable=SC2016 # '$web' is the container's literal name, not a variable.
  az storage blob upload --account-name "$AZURE_STORAGE_ACCOUNT_NAME" --auth-mode login \
    --container-name '$web' --name "$1" --file "$staging/site/$1" \
    --content-type "$2" --content-cache-control "$3" ${4:+--content-encoding "$4"} \
    --overwrite --only-show-errors --output none
}
echo "Uploading the site to the static website of $AZURE_STORAGE_ACCOUNT_NAME ..."
tab=$(printf '\t')
first=true
while IFS="$tab" read -r path type cache encoding; do
  if [ "$first" = true ]; then
    # Retried: the deployer's Storage Blob Data Contributor role on $web can take a few minutes to apply.
    retry 10 30 upload "$path" "$type" "$cache" "$encoding" || { echo "Uploading $path failed." >&2; exit 1; }
    first=false
  else
    retry 3 10 upload "$path" "$type" "$cache" "$encoding" || { echo "Uploading $path failed." >&2; exit 1; }
  fi
done < "$staging/plan.tsv"
echo "Site: ${SITE_URL:-} (API ${API_BASE_URL})"

# --- 2. Every function the infrastructure points at is in the deployed app ---------------------------
: "${AZURE_RESOURCE_GROUP:?run azd provision first}"
has_function() { # has_function NAME
  az functionapp function show -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" --function-name "$1" \
    --query name -o tsv >/dev/null 2>&1
}
# Start the host (and let it sync its triggers) before asking it what it has.
curl -fsS -o /dev/null --max-time 120 "${API_BASE_URL%/api}/" || true
missing=""
for name in ${REFERENCED_FUNCTIONS:-}; do
  if ! retry 3 20 has_function "$name"; then
    missing="$missing $name"
  fi
done
if [ -n "$missing" ]; then
  echo "WARNING: the infrastructure points at functions the deployed app does not have:$missing" >&2
fi

# --- 3. Event Grid subscription for uploads (once the function and its key exist) --------------------
upload_function="${UPLOAD_FUNCTION_NAME:-ValidateUploadedWorkbook}"
blobs_extension_key() {
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension -o tsv 2>/dev/null || true)
  [ -n "$key" ]
}
if [ "${PPS_UPLOAD_EVENTS_ENABLED:-false}" != "true" ]; then
  case " $missing " in
    *" $upload_function "*)
      echo "The Event Grid subscription for uploads stays off: the deployed app has no $upload_function yet." >&2
      echo "It is turned on by the first 'azd deploy' whose code has it." >&2
      exit 0
      ;;
  esac
  if ! retry 6 20 blobs_extension_key; then
    echo "The Event Grid subscription for uploads stays off: the host has not made its blobs_extension key yet." >&2
    echo "Run 'azd deploy' again in a few minutes (nothing else needs doing)." >&2
    exit 0
  fi
  echo "Turning on the Event Grid subscription for uploads (PPS_UPLOAD_EVENTS_ENABLED=true) ..."
  azd env set PPS_UPLOAD_EVENTS_ENABLED true
  export PPS_UPLOAD_EVENTS_ENABLED=true
  # The function and its key exist, so Event Grid's validation of the webhook can succeed; but the app may still be
  # restarting after its settings changed, and the validation call can land on it then. Three tries, a minute apart.
  if ! retry 3 60 azd provision --no-prompt; then
    azd env set PPS_UPLOAD_EVENTS_ENABLED false
    echo "WARNING: the Event Grid subscription for uploads could not be created (3 tries) although $upload_function and its key exist." >&2
    echo "Uploaded workbooks are NOT checked until it exists. Everything else is deployed. Run 'azd deploy' again in a few minutes," >&2
    echo "or see docs/deploy.md (Troubleshooting: the hook says it could not create the Event Grid subscription)." >&2
    exit 0
  fi
fi
