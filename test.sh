#!/usr/bin/env bash
# Runs every test of OrleansDist on a fresh machine: installs Debian's Chromium and playwright-core for the browser test
# when missing, builds the solution (Release, warnings are errors), starts a
# throwaway PostgreSQL server (installing Debian's package if needed) for the PostgreSQL tests, runs all test
# projects, stops the server, and prints one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian's Chromium and playwright-core for the dashboard's browser test (idempotent; fast when already installed).
tests/scripts/browser-setup.sh

# python3 (with python-dateutil, as the seed's clients use) runs the seed-style clients of the clock, group and server
# tests against our endpoints.
if ! command -v python3 >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3 python3-dateutil >/dev/null
fi
python3 -c 'import dateutil' 2>/dev/null || python3 -m pip install --quiet python-dateutil || {
    apt-get update -qq && apt-get install -y -qq python3-dateutil >/dev/null
}

tests/scripts/pg-test-server.sh start
trap 'tests/scripts/pg-test-server.sh stop || true' EXIT
export ORLEANSDIST_TEST_POSTGRES="$(cat tests/.pg-connection)"

dotnet build OrleansDist.sln -c Release -nologo -clp:NoSummary -warnaserror

log="$(mktemp)"
status=0
# Every test project but the crash tests and the lab tests in parallel; then the crash tests alone, because they measure
# how fast a killed silo is declared dead and a crashed cluster comes back, and the other projects' load would be measured
# with them; then the lab tests alone (root: hosts as network namespaces, partitions, mutual TLS; see deploy/netns-lab.sh).
projects=()
for project in tests/*/*.Tests.csproj; do
    [[ "$project" == tests/Cluster.Tests/* || "$project" == tests/Lab.Tests/* ]] || projects+=("$project")
done
for project in "${projects[@]}"; do
    echo "$project"
done | xargs -P 2 -I{} dotnet test {} -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?
dotnet test tests/Cluster.Tests/Cluster.Tests.csproj -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=$?
dotnet test tests/Lab.Tests/Lab.Tests.csproj -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ "$status" -ne 0 || "$failed" -ne 0 || "$passed" -eq 0 ]]; then
    exit 1
fi
