# azd postdeploy hook for Windows (see azure.yaml and postdeploy.sh, which this mirrors):
#  1. builds site/ and uploads what site/package.mjs packages of site/dist (config.json included) to the static
#     website ($web), each file with its headers; the published folder (PUBLISHED_PREFIX) is the app's;
#  2. checks that the deployed app has every function the infrastructure points at (REFERENCED_FUNCTIONS);
#  3. once the app has ValidateUploadedWorkbook and its host the blobs_extension key (not before: no loop),
#     turns on the Event Grid subscription for uploads and provisions again.
# Needs: azd, and the Azure CLI (az) signed in to the same tenant (`az login`).
$ErrorActionPreference = 'Stop'

foreach ($line in (azd env get-values)) {
    if ($line -match '^(?<key>[^=]+)=(?<val>.*)$') {
        $value = $Matches.val
        if ($value.Length -ge 2 -and $value.StartsWith('"') -and $value.EndsWith('"')) {
            $value = $value.Substring(1, $value.Length - 2)
        }
        [Environment]::SetEnvironmentVariable($Matches.key, $value)
    }
}
if (-not $env:AZURE_STORAGE_ACCOUNT_NAME -or -not $env:FUNCTION_APP_NAME) {
    throw 'AZURE_STORAGE_ACCOUNT_NAME or FUNCTION_APP_NAME is not set: run azd provision first.'
}

function Invoke-WithRetry([int]$Attempts, [int]$DelaySeconds, [scriptblock]$Action) {
    for ($n = 1; ; $n++) {
        & $Action
        if ($LASTEXITCODE -eq 0) { return $true }
        if ($n -ge $Attempts) { return $false }
        Write-Host "  (attempt $n of $Attempts failed; retrying in ${DelaySeconds}s)"
        Start-Sleep -Seconds $DelaySeconds
    }
}

# --- 1. The built site -> $web (see postdeploy.sh: site/package.mjs decides what is uploaded, with which headers) ---
if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
    throw 'Node.js (node, npm) is needed to build site/: see docs/deploy.md (Prerequisites).'
}
$staging = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid())
New-Item -ItemType Directory -Path $staging | Out-Null
try {
    Write-Host 'Building site/ ...'
    Push-Location site
    try {
        npm ci --no-audit --no-fund
        if ($LASTEXITCODE -ne 0) { throw 'npm ci in site/ failed.' }
        npm run build
        if ($LASTEXITCODE -ne 0) { throw 'npm run build in site/ failed.' }
    }
    finally { Pop-Location }
    $prefix = if ($env:PUBLISHED_PREFIX) { $env:PUBLISHED_PREFIX } else { 'data/' }
    node site/package.mjs --dist site/dist --out (Join-Path $staging 'site') --plan (Join-Path $staging 'plan.tsv') `
        --api-base ($env:API_BASE_URL.TrimEnd('/') + '/') --published-prefix $prefix
    if ($LASTEXITCODE -ne 0) { throw 'Packaging the site failed (see the message above).' }
    Write-Host "Uploading the site to the static website of $env:AZURE_STORAGE_ACCOUNT_NAME ..."
    $first = $true
    foreach ($line in (Get-Content (Join-Path $staging 'plan.tsv'))) {
        if (-not $line) { continue }
        $path, $type, $cache, $encoding = $line -split "`t"
        $file = Join-Path (Join-Path $staging 'site') $path
        $extra = if ($encoding) { @('--content-encoding', $encoding) } else { @() }
        # The first upload is retried longer: the deployer's role on $web can take a few minutes to apply.
        $attempts = if ($first) { 10 } else { 3 }
        $ok = Invoke-WithRetry $attempts 30 {
            az storage blob upload --account-name $env:AZURE_STORAGE_ACCOUNT_NAME --auth-mode login `
                --container-name '$web' --name $path --file $file --content-type $type --content-cache-control $cache @extra `
                --overwrite --only-show-errors --output none
        }
        if (-not $ok) { throw "Uploading $path failed." }
        $first = $false
    }
    Write-Host "Site: $env:SITE_URL (API $env:API_BASE_URL)"
}
finally {
    Remove-Item -Recurse -Force $staging
}

# --- 2. Every function the infrastructure points at is in the deployed app ---
try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 120 ($env:API_BASE_URL -replace '/api$', '/') | Out-Null } catch { }
$missing = @()
foreach ($name in (($env:REFERENCED_FUNCTIONS -split ' ') | Where-Object { $_ })) {
    $found = Invoke-WithRetry 3 20 {
        az functionapp function show -g $env:AZURE_RESOURCE_GROUP -n $env:FUNCTION_APP_NAME --function-name $name --query name -o tsv 2>$null | Out-Null
    }
    if (-not $found) { $missing += $name }
}
if ($missing.Count -gt 0) {
    Write-Warning "The infrastructure points at functions the deployed app does not have: $($missing -join ' ')"
}

# --- 3. Event Grid subscription for uploads (once the function and its key exist) ---
$uploadFunction = if ($env:UPLOAD_FUNCTION_NAME) { $env:UPLOAD_FUNCTION_NAME } else { 'ValidateUploadedWorkbook' }
if ($env:PPS_UPLOAD_EVENTS_ENABLED -ne 'true') {
    if ($missing -contains $uploadFunction) {
        Write-Warning "The Event Grid subscription for uploads stays off: the deployed app has no $uploadFunction yet. The first 'azd deploy' whose code has it turns it on."
        exit 0
    }
    $keyReady = Invoke-WithRetry 6 20 {
        $key = az functionapp keys list -g $env:AZURE_RESOURCE_GROUP -n $env:FUNCTION_APP_NAME --query systemKeys.blobs_extension -o tsv 2>$null
        if (-not $key) { $global:LASTEXITCODE = 1 }
    }
    if (-not $keyReady) {
        Write-Warning "The Event Grid subscription for uploads stays off: the host has not made its blobs_extension key yet. Run 'azd deploy' again in a few minutes."
        exit 0
    }
    Write-Host 'Turning on the Event Grid subscription for uploads (PPS_UPLOAD_EVENTS_ENABLED=true) ...'
    azd env set PPS_UPLOAD_EVENTS_ENABLED true
    $env:PPS_UPLOAD_EVENTS_ENABLED = 'true'
    # The app may still be restarting after its settings changed when Event Grid validates the webhook: three tries, a minute apart.
    $provisioned = Invoke-WithRetry 3 60 { azd provision --no-prompt | Out-Host }
    if (-not $provisioned) {
        azd env set PPS_UPLOAD_EVENTS_ENABLED false
        Write-Warning "The Event Grid subscription for uploads could not be created (3 tries) although $uploadFunction and its key exist. Uploaded workbooks are NOT checked until it exists. Everything else is deployed. Run 'azd deploy' again in a few minutes, or see docs/deploy.md (Troubleshooting)."
        exit 0
    }
}
