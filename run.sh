#!/usr/bin/env bash
# The main job, on the embedded default (nothing to install, no server to start): builds OrleansDist and runs the
# cooperative line-download experiment. An embedded 2-silo cluster and an embedded line server (1,000 lines, 100 lines/s
# per session, like the course server) download the file with 1, 2, 3 and 4 fetcher grains, 3 times each; the table
# answers "does the download time fall linearly with more fetchers?", and results/download/ gets results.json,
# results.csv, time-vs-fetchers.svg and lines-over-time.svg. The Aspire dashboard (traces, logs, metrics) runs at
# http://127.0.0.1:18888/ meanwhile (OTLP on 4317/4318; free ports when those are taken) and stops at the end; each
# embedded silo serves the Orleans Dashboard (membership, activations, call rates; URLs printed at the start).
#
#   ./run.sh                              # the experiment above (about 8 minutes)
#   ./run.sh --repeat 1 --fetchers 1,4    # any option of 'orleansdist experiment download' (./run.sh --help lists them)
#   ./run.sh --keep-dashboard             # keep the Aspire dashboard up afterwards, until Ctrl+C
#   ./run.sh --no-dashboard               # neither dashboard, no export
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== Building (Release)"
dotnet build src/Client/Client.csproj -c Release -nologo -clp:NoSummary -v quiet
echo "== orleansdist experiment download $*"
exec dotnet src/Client/bin/Release/net10.0/OrleansDist.Client.dll experiment download "$@"
