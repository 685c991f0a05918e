#!/usr/bin/env bash
# A 3-silo cluster of real processes on one machine (SQLite, nothing to install): builds OrleansDist, starts three silos
# sharing ./run/orleansdist.db, uses them from the client, crashes one silo with kill -9 and shows the cluster detect it
# and bring its grains back with their state, then stops the others gracefully (SIGTERM).
#
#   deploy/local-cluster-demo.sh            # the demo above
#   deploy/local-cluster-demo.sh --keep     # leave the 3 silos running afterwards (stop them with: kill $(cat run/*.pid))
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

keep=false
for arg in "$@"; do
    case "$arg" in
        --keep) keep=true ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "local-cluster-demo.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n' "$*"; }

step "Building (Release)"
dotnet build OrleansDist.sln -c Release -nologo -clp:NoSummary -v quiet

mkdir -p run
rm -f run/orleansdist.db* run/*.log run/*.pid
db="sqlite:$PWD/run/orleansdist.db"
silo="dotnet src/Silo/bin/Release/net10.0/OrleansDist.Silo.dll"
client="dotnet src/Client/bin/Release/net10.0/OrleansDist.Client.dll"

cleanup() {
    if [[ "$keep" == false ]]; then
        for pidfile in run/*.pid; do
            [[ -f "$pidfile" ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
        done
    fi
}
trap cleanup EXIT

start_silo() { # name silo-port gateway-port
    $silo --name "$1" --silo-port "$2" --gateway-port "$3" --membership "$db" --fast-membership >"run/$1.out" 2>"run/$1.log" &
    echo $! >"run/$1.pid"
    disown
    for _ in $(seq 1 300); do
        if grep -q "SILO READY" "run/$1.out"; then
            sed 's/^/  /' "run/$1.out"
            return
        fi
        if ! kill -0 "$(cat "run/$1.pid")" 2>/dev/null; then
            echo "silo $1 failed to start:" >&2
            cat "run/$1.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "silo $1 did not start within 30 s; see run/$1.log" >&2
    exit 1
}

step "Starting 3 silos on one machine (membership and grain state in run/orleansdist.db)"
start_silo alpha 11111 30000
start_silo beta 11112 30001
start_silo gamma 11113 30002

step "cluster status"
$client cluster status --membership "$db"

step "Calling grains through the gateways"
$client hello --name "local-cluster-demo" --membership "$db"
for id in 1 2 3 4 5 6; do
    $client register write "$id" "value-$id" --membership "$db"
done

victim_line=$($client register read 1 --json --membership "$db")
victim=$(grep -Eo '"silo": *"[^"]+"' <<<"$victim_line" | sed -E 's/.*"([^"]+)"$/\1/')
step "Crashing silo '$victim' (it hosts register 1) with kill -9"
kill -9 "$(cat "run/$victim.pid")"
rm -f "run/$victim.pid"
start_ns=$(date +%s%N)
deadline=$((SECONDS + 60))
until $client cluster status --membership "$db" | grep -Eq "[^[:alnum:]]$victim[^[:alnum:]].*[^[:alnum:]]Dead[^[:alnum:]]"; do
    if (( SECONDS > deadline )); then
        echo "silo $victim was not declared Dead within 60 s" >&2
        exit 1
    fi
    sleep 0.2
done
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
printf '  %s declared Dead %d.%01d s after the kill\n' "$victim" $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100))
$client cluster status --membership "$db"

step "The grains come back on the surviving silos, with their state"
for id in 1 2 3 4 5 6; do
    $client register read "$id" --membership "$db"
done

if [[ "$keep" == true ]]; then
    step "Leaving the surviving silos running (logs in run/*.log; stop them with: kill \$(cat run/*.pid))"
    exit 0
fi

step "Stopping the other silos gracefully (SIGTERM)"
for pidfile in run/*.pid; do
    kill -TERM "$(cat "$pidfile")"
done
for pidfile in run/*.pid; do
    while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.1; done
    rm -f "$pidfile"
done
$client cluster status --membership "$db"
