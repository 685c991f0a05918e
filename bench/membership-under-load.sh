#!/usr/bin/env bash
# Failure detection under CPU saturation: does the production membership profile suspect or kill a healthy silo when
# the machine is saturated? Starts 3 silo processes (production profile, no --fast-membership) on a throwaway
# PostgreSQL server (or SQLite with --sqlite), saturates every core with busy loops (twice as many as cores, same
# priority as the silos) for DURATION, keeps a client calling a grain once a second, and reports what happened:
# suspicion votes seen in the membership table, rows that went Dead, silo log lines about suspicion or death, and
# failed client calls. Prints a table and writes JSON (default results/membership-under-load.json).
#
#   bench/membership-under-load.sh [--duration 600] [--sqlite] [--burners N] [--json FILE]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

duration=600
database=postgres
burners=$(( $(nproc) * 2 ))
json=results/membership-under-load.json
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --sqlite) database=sqlite; shift ;;
        --burners) burners="$2"; shift 2 ;;
        --json) json="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "membership-under-load.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$duration" =~ ^[0-9]+$ && "$duration" -ge 10 ]] || { echo "--duration must be a whole number of seconds >= 10" >&2; exit 2; }
[[ "$burners" =~ ^[0-9]+$ ]] || { echo "--burners must be a whole number" >&2; exit 2; }

dotnet build src/Silo/Silo.csproj -c Release -nologo -clp:NoSummary -v quiet
dotnet build src/Client/Client.csproj -c Release -nologo -clp:NoSummary -v quiet
silo="dotnet src/Silo/bin/Release/net10.0/OrleansDist.Silo.dll"
client="dotnet src/Client/bin/Release/net10.0/OrleansDist.Client.dll"

work="$(mktemp -d /tmp/orleansdist-soak-XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    if [[ "$database" == postgres && "${started_pg:-false}" == true ]]; then ORLEANSDIST_PG_PORT=55499 tests/scripts/pg-test-server.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [[ "$database" == postgres ]]; then
    started_pg=true
    ORLEANSDIST_PG_PORT=55499 tests/scripts/pg-test-server.sh start >/dev/null
    membership="postgres:$(cat tests/.pg-connection)"
else
    membership="sqlite:$work/cluster.db"
fi
cluster="soak-$(date +%s)"

for i in 1 2 3; do
    $silo --name "s$i" --silo-port $((21210 + i)) --gateway-port $((31210 + i)) --membership "$membership" --cluster-id "$cluster" \
        >"$work/s$i.out" 2>"$work/s$i.log" &
    pids+=($!)
    disown
done
for i in 1 2 3; do
    for _ in $(seq 1 300); do grep -q "SILO READY" "$work/s$i.out" && break; sleep 0.1; done
    grep -q "SILO READY" "$work/s$i.out" || { echo "silo s$i did not start; see $work/s$i.log" >&2; exit 1; }
done
echo "3 silos Active on $database (cluster $cluster); saturating $(nproc) cores with $burners busy loops for ${duration}s"

for _ in $(seq 1 "$burners"); do
    sh -c 'while :; do :; done' &
    pids+=($!)
    disown
done

calls=0; failures=0
deadline=$(( SECONDS + duration ))
while (( SECONDS < deadline )); do
    calls=$((calls + 1))
    if ! timeout 20 $client --membership "$membership" --cluster-id "$cluster" hello --name "soak" >/dev/null 2>>"$work/client.err"; then
        failures=$((failures + 1))
    fi
    sleep 1
done

for pid in "${pids[@]:3}"; do kill -9 "$pid" 2>/dev/null || true; done
$client --membership "$membership" --cluster-id "$cluster" cluster status --json >"$work/status.json"
suspect_lines=$(cat "$work"/s?.log | grep -v SiloOptionsLogger | grep -ciE "suspect|vote|Status=Dead|declared dead" || true)
python3 - "$work/status.json" "$json" "$database" "$duration" "$burners" "$calls" "$failures" "$suspect_lines" <<'PY'
import json, os, sys
status, out, db, duration, burners, calls, failures, lines = sys.argv[1:]
d = json.load(open(status))
silos = d["silos"]
votes = sum(s["suspicionCount"] for s in silos)
dead = [s["name"] for s in silos if s["status"] == "Dead"]
result = {
    "database": db, "duration_seconds": int(duration), "burners": int(burners), "cores": os.cpu_count(),
    "silos": [{"name": s["name"], "status": s["status"], "suspicions": s["suspicionCount"]} for s in silos],
    "suspicion_votes_in_table": votes, "dead_silos": dead,
    "silo_log_lines_about_suspicion_or_death": int(lines),
    "client_calls": int(calls), "client_call_failures": int(failures),
}
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
json.dump(result, open(out, "w"), indent=2)
print(f"{'database':10} {'seconds':>8} {'burners':>8} {'votes':>6} {'dead':>5} {'log lines':>10} {'calls':>6} {'failed':>7}")
print(f"{db:10} {int(duration):8} {int(burners):8} {votes:6} {len(dead):5} {int(lines):10} {int(calls):6} {int(failures):7}")
print(f"wrote {out}")
PY
echo "logs kept in $work"
