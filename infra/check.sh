#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the Bicep CLI taken from
# NuGet (Azure.Bicep.CommandLine.linux-x64), fails on any error or warning, and
# writes the compiled main template to infra/.out/main.json for the .NET tests.
#
# Usage (from anywhere):  bash infra/check.sh
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
BICEP_PACKAGE="Azure.Bicep.CommandLine.linux-x64"

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="$INFRA_DIR/.tools"
OUT_DIR="$INFRA_DIR/.out"
PKG_ID_LOWER="$(echo "$BICEP_PACKAGE" | tr '[:upper:]' '[:lower:]')"
BICEP="$TOOLS_DIR/$PKG_ID_LOWER/$BICEP_VERSION/tools/bicep"

start=$(date +%s)

# --- 1. Get the Bicep CLI (once) -------------------------------------------
if [[ ! -x "$BICEP" ]]; then
  echo "==> Downloading $BICEP_PACKAGE $BICEP_VERSION from NuGet into infra/.tools/"
  mkdir -p "$TOOLS_DIR"
  restore_dir="$(mktemp -d)"
  trap 'rm -rf "$restore_dir"' EXIT
  cat > "$restore_dir/BicepDownload.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <!-- Keep this throwaway project away from any Directory.*.props in the repo. -->
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
    <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$BICEP_PACKAGE" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ
  # Run from the throwaway folder so that the repo's global.json does not pick the SDK for this restore.
  (cd "$restore_dir" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    dotnet restore BicepDownload.csproj --packages "$TOOLS_DIR" --nologo -v quiet)
  rm -rf "$restore_dir"
  trap - EXIT
  if [[ ! -f "$BICEP" ]]; then
    echo "ERROR: restore finished but $BICEP is missing" >&2
    find "$TOOLS_DIR/$PKG_ID_LOWER" -maxdepth 3 >&2 || true
    exit 1
  fi
  chmod +x "$BICEP"
fi
echo "==> Bicep CLI: $("$BICEP" --version)"

# --- 2. Build and lint every .bicep file ------------------------------------
mkdir -p "$OUT_DIR"
failed=0
mapfile -t files < <(cd "$INFRA_DIR" && find . -name '*.bicep' -not -path './.tools/*' -not -path './.out/*' | sed 's|^\./||' | sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "ERROR: no .bicep files found under infra/" >&2
  exit 1
fi

run_step() { # $1 = label, rest = command; fails on non-zero exit OR any output
  local label="$1"; shift
  local output rc=0
  output="$("$@" 2>&1)" || rc=$?
  if [[ $rc -ne 0 || -n "$output" ]]; then
    echo "FAIL  $label (exit $rc)"
    [[ -n "$output" ]] && printf '%s\n' "$output" | sed 's/^/      /'
    failed=1
  else
    echo "ok    $label"
  fi
}

for f in "${files[@]}"; do
  out="$OUT_DIR/${f%.bicep}.json"
  mkdir -p "$(dirname "$out")"
  run_step "build $f" "$BICEP" build "$INFRA_DIR/$f" --outfile "$out"
  run_step "lint  $f" "$BICEP" lint "$INFRA_DIR/$f"
done

if [[ ! -s "$OUT_DIR/main.json" ]]; then
  echo "FAIL  infra/.out/main.json was not produced"
  failed=1
else
  # --- 3. Template sanity checks (python3 is on the machine image) ---------------------------------
  # a) main.parameters.json (azd) names only parameters main.bicep has, and every required one.
  # b) the app settings the template sets (the one Microsoft.Web/sites/config 'appsettings' resource, plus
  #    FUNCTIONS_WORKER_RUNTIME from functionAppConfig.runtime.name on Flex Consumption), listed to
  #    infra/.out/app-settings.txt and, where a local.settings.sample.json exists, compared with its Values.
  run_step "check main.parameters.json and app settings" python3 - "$INFRA_DIR" <<'PY'
import json, os, sys

infra = sys.argv[1]
repo = os.path.dirname(infra)
template = json.load(open(os.path.join(infra, ".out", "main.json")))
problems = []

params_file = json.load(open(os.path.join(infra, "main.parameters.json")))["parameters"]
declared = template["parameters"]
for name in params_file:
    if name not in declared:
        problems.append(f"main.parameters.json sets '{name}', which main.bicep does not declare")
for name, spec in declared.items():
    if "defaultValue" not in spec and name not in params_file:
        problems.append(f"required parameter '{name}' is missing from main.parameters.json")

def resources(node):
    # Every resource at any depth (module templates are nested deployments); arrays or symbolic objects.
    if isinstance(node, dict):
        res = node.get("resources")
        items = res.values() if isinstance(res, dict) else (res or [])
        for r in items:
            if isinstance(r, dict):
                yield r
                tpl = r.get("properties", {}).get("template")
                if isinstance(tpl, dict):
                    yield from resources(tpl)

all_resources = list(resources(template))
app_settings = [r for r in all_resources
                if r.get("type", "").lower() == "microsoft.web/sites/config"
                and "appsettings" in str(r.get("name", "")).lower()]
if len(app_settings) != 1:
    problems.append(f"expected exactly one Microsoft.Web/sites/config 'appsettings' resource, found {len(app_settings)}")
names = set(app_settings[0]["properties"].keys()) if app_settings else set()
for r in all_resources:
    if r.get("type", "").lower() == "microsoft.web/sites":
        runtime = r.get("properties", {}).get("functionAppConfig", {}).get("runtime", {}).get("name")
        if runtime == "dotnet-isolated":
            names.add("FUNCTIONS_WORKER_RUNTIME")
with open(os.path.join(infra, ".out", "app-settings.txt"), "w") as f:
    f.write("\n".join(sorted(names)) + "\n")

samples = []
for root, dirs, files in os.walk(repo):
    dirs[:] = [d for d in dirs if d not in (".git", "node_modules", "bin", "obj", ".tools", ".out")]
    if "local.settings.sample.json" in files:
        samples.append(os.path.join(root, "local.settings.sample.json"))
for sample in samples:
    values = json.load(open(sample)).get("Values", {})
    for key in values:
        if not (key in names or any(n.startswith(key + "__") for n in names)):
            problems.append(f"{os.path.relpath(sample, repo)}: '{key}' is not set by the template")

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
fi

elapsed=$(( $(date +%s) - start ))
if [[ $failed -ne 0 ]]; then
  echo "infra/check.sh: FAILED (${#files[@]} Bicep files, ${elapsed}s)"
  exit 1
fi
echo "infra/check.sh: ${#files[@]} Bicep files built and linted with no errors or warnings (${elapsed}s); compiled template at infra/.out/main.json"
