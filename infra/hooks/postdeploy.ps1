# azd postdeploy hook for Windows (see azure.yaml and postdeploy.sh, which this mirrors):
#  1. uploads site/ (except data/) to the static website ($web);
#  2. the first time only, turns on the Event Grid subscription for uploads and provisions again.
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

# --- 1. site/ -> $web (everything but data/, which the app writes) ---
if (Test-Path site -PathType Container) {
    $staging = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid())
    New-Item -ItemType Directory -Path $staging | Out-Null
    try {
        Get-ChildItem site -Force | Where-Object { $_.Name -ne 'data' } |
            Copy-Item -Destination $staging -Recurse -Force
        Write-Host "Uploading site/ to the static website of $env:AZURE_STORAGE_ACCOUNT_NAME ..."
        $ok = Invoke-WithRetry 10 30 {
            az storage blob upload-batch --account-name $env:AZURE_STORAGE_ACCOUNT_NAME --auth-mode login `
                --destination '$web' --source $staging --overwrite --only-show-errors --output none
        }
        if (-not $ok) { throw 'Uploading site/ failed.' }
        Write-Host "Site: $env:SITE_URL"
    }
    finally {
        Remove-Item -Recurse -Force $staging
    }
}
else {
    Write-Host 'No site/ folder: nothing to upload to the static website.'
}

# --- 2. Event Grid subscription for uploads (first deployment only) ---
if ($env:PPS_UPLOAD_EVENTS_ENABLED -ne 'true') {
    Write-Host 'Turning on the Event Grid subscription for uploads (PPS_UPLOAD_EVENTS_ENABLED=true) ...'
    azd env set PPS_UPLOAD_EVENTS_ENABLED true
    $env:PPS_UPLOAD_EVENTS_ENABLED = 'true'
    try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 120 ($env:API_BASE_URL -replace '/api$', '/') | Out-Null } catch { }
    $ok = Invoke-WithRetry 5 60 { azd provision --no-prompt }
    if (-not $ok) {
        azd env set PPS_UPLOAD_EVENTS_ENABLED false
        throw "Could not create the Event Grid subscription; run 'azd env set PPS_UPLOAD_EVENTS_ENABLED true; azd provision' once the app is up."
    }
}
