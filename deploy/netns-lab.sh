#!/usr/bin/env bash
# A lab of separate hosts on one Linux machine: each host is a network namespace with its own address (198.18.0.0/15,
# the range reserved for network tests, only inside the namespaces), all on one bridge. Root only.
#
#   deploy/netns-lab.sh up N [--tls] [--fast-membership] [--lines L] [--rate R] [--seed S] [--bare]
#       hosts: db (PostgreSQL, 198.18.0.2; role and database "orleans", password "orleans-lab"), lines (the line server,
#       198.18.0.3:9801), client (198.18.0.4, left free), silo1..siloN (198.18.0.11.., one OrleansDist silo each,
#       production failure detection unless --fast-membership); --tls makes a CA and a certificate per host
#       (orleansdist certs make) and runs every silo with mutual TLS; --bare starts only PostgreSQL (for trying the
#       deploy/README.md walk-through by hand: deploy/netns-lab.sh exec HOST ...)
#   deploy/netns-lab.sh down                 stops every process, removes every namespace, link and file the lab made
#                                            (idempotent; also after a failed up)
#   deploy/netns-lab.sh partition HOST       cuts HOST off the bridge: its packets are lost (timeouts, not refusals)
#   deploy/netns-lab.sh heal HOST            puts it back
#   deploy/netns-lab.sh start|stop HOST      (re)starts or stops (SIGTERM) the program of a silo host or of 'lines'
#                                            (stop lines prints the line server's per-session summary)
#   deploy/netns-lab.sh status               hosts, links, processes, and the membership table
#   deploy/netns-lab.sh exec HOST CMD...     runs CMD on HOST (environment: LAB_MEMBERSHIP, LAB_LINE_SERVER, LAB_TLS_ARGS ...)
#   deploy/netns-lab.sh client ARGS...       runs `orleansdist --membership $LAB_MEMBERSHIP [TLS] ARGS` on the client host
#   deploy/netns-lab.sh env                  prints the lab's settings (shell syntax)
#
# Environment: ORLEANSDIST_LAB_DIR (state, logs, certificates; default /tmp/orleansdist-lab), ORLEANSDIST_LAB_BUILD
# (folder with the built programs; default: this repository's Release build, `dotnet build OrleansDist.sln -c Release`).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
STATE="${ORLEANSDIST_LAB_DIR:-/tmp/orleansdist-lab}"
PREFIX="odl"
BRIDGE="odl-br0"
NET="198.18.0"
MASK=24
SILO_PORT=11111
GATEWAY_PORT=30000
LINE_PORT=9801
PG_PORT=5432

BUILD="${ORLEANSDIST_LAB_BUILD:-}"
silo_dll() { if [[ -n "$BUILD" ]]; then echo "$BUILD/OrleansDist.Silo.dll"; else echo "$REPO/src/Silo/bin/Release/net10.0/OrleansDist.Silo.dll"; fi; }
client_dll() { if [[ -n "$BUILD" ]]; then echo "$BUILD/OrleansDist.Client.dll"; else echo "$REPO/src/Client/bin/Release/net10.0/OrleansDist.Client.dll"; fi; }
lines_dll() { if [[ -n "$BUILD" ]]; then echo "$BUILD/OrleansDist.LineServer.dll"; else echo "$REPO/src/LineServer/bin/Release/net10.0/OrleansDist.LineServer.dll"; fi; }

die() { echo "netns-lab: error: $*" >&2; exit 1; }
say() { echo "netns-lab: $*" >&2; }
now_ms() { date +%s%3N; }

require_root() {
    [[ "$(id -u)" == "0" ]] || die "the lab needs root (network namespaces, veth pairs and a bridge); run it with sudo"
    command -v ip >/dev/null || die "the 'ip' command (iproute2) is missing"
    ip netns list >/dev/null 2>&1 || die "'ip netns' does not work here (no network namespace support?)"
}

# --- hosts -------------------------------------------------------------------------------------------------------
# $STATE/hosts: one line per host: NAME ADDRESS ROLE
host_ip() { awk -v h="$1" '$1 == h { print $2 }' "$STATE/hosts" 2>/dev/null; }
host_role() { awk -v h="$1" '$1 == h { print $3 }' "$STATE/hosts" 2>/dev/null; }
silo_hosts() { awk '$3 == "silo" { print $1 }' "$STATE/hosts" 2>/dev/null; }
ns() { echo "$PREFIX-$1"; }
veth() { echo "$PREFIX-v-$1"; }
mac_of() { printf '02:0d:c6:12:00:%02x' "${1##*.}"; }

require_host() {
    [[ -f "$STATE/hosts" ]] || die "no lab is up (run: $0 up N)"
    [[ -n "$(host_ip "$1")" ]] || die "no host '$1' in the lab (hosts: $(awk '{printf "%s ", $1}' "$STATE/hosts"))"
}

add_host() { # NAME ADDRESS ROLE
    local name="$1" address="$2" role="$3" n v
    n="$(ns "$name")"
    v="$(veth "$name")"
    echo "$name $address $role" >>"$STATE/hosts"
    ip netns add "$n"
    ip link add "$v" type veth peer name eth0 netns "$n"
    ip -n "$n" link set eth0 address "$(mac_of "$address")"
    ip link set "$v" master "$BRIDGE" up
    ip -n "$n" link set lo up
    ip -n "$n" addr add "$address/$MASK" dev eth0
    ip -n "$n" link set eth0 up
}

# Every host knows every other host's MAC address for good (as after a first exchange on a real LAN): a partitioned host
# then never answers "host unreachable" after failed ARP; its packets are just lost, and connections time out.
pin_neighbours() {
    local a b
    while read -r a _ _; do
        while read -r b address _; do
            [[ "$a" == "$b" ]] && continue
            ip -n "$(ns "$a")" neigh replace "$address" lladdr "$(mac_of "$address")" dev eth0 nud permanent
        done <"$STATE/hosts"
    done <"$STATE/hosts"
}

# --- processes ---------------------------------------------------------------------------------------------------
# start_in HOST NAME CMD...: runs CMD on HOST in the background, stdout/stderr in $STATE/NAME.out/.err, pid in NAME.pid.
# `ip netns exec` and setsid exec the command, so the pid is the program's own.
start_in() {
    local host="$1" name="$2"
    shift 2
    : >"$STATE/$name.out"
    : >"$STATE/$name.err"
    setsid ip netns exec "$(ns "$host")" env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "$@" \
        >>"$STATE/$name.out" 2>>"$STATE/$name.err" </dev/null &
    echo $! >"$STATE/$name.pid"
}

pid_alive() { [[ -n "${1:-}" && -d "/proc/$1" ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_of() { cat "$STATE/$1.pid" 2>/dev/null || true; }

wait_for_line() { # NAME PATTERN SECONDS
    local name="$1" pattern="$2" seconds="$3" deadline pid
    deadline=$((SECONDS + seconds))
    pid="$(pid_of "$name")"
    while ((SECONDS < deadline)); do
        grep -q "$pattern" "$STATE/$name.out" 2>/dev/null && return 0
        if ! pid_alive "$pid"; then
            say "$name exited before printing '$pattern'; last lines of its log:"
            tail -n 15 "$STATE/$name.err" >&2 || true
            return 1
        fi
        sleep 0.2
    done
    say "$name did not print '$pattern' within $seconds s; last lines of its log:"
    tail -n 15 "$STATE/$name.err" >&2 || true
    return 1
}

stop_pid() { # PID SECONDS: SIGTERM, then SIGKILL after SECONDS
    local pid="$1" seconds="$2" i
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# --- settings ----------------------------------------------------------------------------------------------------
write_env() {
    local pg="Host=$NET.2;Port=$PG_PORT;Username=orleans;Password=orleans-lab;Database=orleans;Timeout=5"
    local tls_args="" client_tls=""
    if [[ "$TLS" == "1" ]]; then
        client_tls="--tls-cert $STATE/certs/client.pem --tls-key $STATE/certs/client.key --tls-ca $STATE/certs/ca.pem"
    fi
    {
        echo "LAB_DIR='$STATE'"
        echo "LAB_PG='$pg'"
        echo "LAB_MEMBERSHIP='postgres:$pg'"
        echo "LAB_LINE_SERVER='$NET.3:$LINE_PORT'"
        echo "LAB_CLIENT_IP='$NET.4'"
        echo "LAB_SILOS='$(silo_hosts | xargs)'"
        echo "LAB_TLS='$TLS'"
        echo "LAB_TLS_ARGS='$client_tls'"
        echo "LAB_FAST_MEMBERSHIP='$FAST'"
        echo "LAB_CLIENT_DLL='$(client_dll)'"
        echo "LAB_SILO_DLL='$(silo_dll)'"
        echo "LAB_LINES_DLL='$(lines_dll)'"
    } >"$STATE/lab.env"
    : "$tls_args"
}

load_env() {
    [[ -f "$STATE/lab.env" ]] || die "no lab is up (run: $0 up N)"
    # shellcheck disable=SC1091
    source "$STATE/lab.env"
    TLS="$LAB_TLS"
    FAST="$LAB_FAST_MEMBERSHIP"
}

start_silo() { # HOST
    local host="$1" ip args
    ip="$(host_ip "$host")"
    args=(--name "$host" --advertised-ip "$ip" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" --membership "$LAB_MEMBERSHIP" --cluster-id lab)
    [[ "$FAST" == "1" ]] && args+=(--fast-membership)
    if [[ "$TLS" == "1" ]]; then
        args+=(--tls-cert "$STATE/certs/$host.pem" --tls-key "$STATE/certs/$host.key" --tls-ca "$STATE/certs/ca.pem")
    fi
    start_in "$host" "$host" dotnet "$LAB_SILO_DLL" "${args[@]}"
}

start_lines() {
    start_in lines lines dotnet "$LAB_LINES_DLL" --bind "$NET.3" --port "$LINE_PORT" --lines "$LINES" --rate "$RATE" ${SEED:+--seed "$SEED"}
    echo "$LINES $RATE ${SEED:-}" >"$STATE/lines.config"
}

find_pg_bin() {
    local initdb
    initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$initdb" ]] && dirname "$initdb"
}

start_postgres() {
    local bin db="$STATE/db" data="$STATE/db/data"
    bin="$(find_pg_bin)"
    if [[ -z "$bin" ]]; then
        say "PostgreSQL not found; installing Debian's postgresql package"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >"$STATE/apt.log" 2>&1 || die "apt-get update failed (see $STATE/apt.log)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >>"$STATE/apt.log" 2>&1 || die "apt-get install postgresql failed (see $STATE/apt.log)"
        bin="$(find_pg_bin)"
        [[ -n "$bin" ]] || die "postgresql installed, but no initdb found"
    fi
    # the server runs as the postgres user: its folder (data, socket, log) is that user's
    mkdir -p "$data"
    chown -R postgres: "$db"
    (cd / && runuser -u postgres -- "$bin/initdb" -D "$data" -A trust -U postgres >"$STATE/db-init.log" 2>&1) || die "initdb failed (see $STATE/db-init.log)"
    # the lab's own checks (status, tests) read as postgres without a password; the silos log in as orleans
    printf 'host all postgres %s trust\nhost all all %s scram-sha-256\n' "$NET.0/$MASK" "$NET.0/$MASK" >>"$data/pg_hba.conf"
    (cd / && ip netns exec "$(ns db)" runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$db/server.log" -w -t 30 \
        -o "-c listen_addresses=$NET.2 -c port=$PG_PORT -c unix_socket_directories=$db -c fsync=off -c max_connections=200" start \
        >"$STATE/db-start.log" 2>&1) || { tail -n 20 "$STATE/db-start.log" "$db/server.log" >&2 || true; die "PostgreSQL did not start (see $db/server.log)"; }
    (cd / && ip netns exec "$(ns db)" runuser -u postgres -- "$bin/psql" -h "$NET.2" -p "$PG_PORT" -X -q \
        -c "CREATE ROLE orleans LOGIN PASSWORD 'orleans-lab'" -c "CREATE DATABASE orleans OWNER orleans") || die "creating the role and database orleans failed"
    echo "$bin" >"$STATE/pg.bin"
}

stop_postgres() {
    local bin
    bin="$(cat "$STATE/pg.bin" 2>/dev/null || true)"
    if [[ -n "$bin" && -f "$STATE/db/data/postmaster.pid" ]]; then
        (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/db/data" -m immediate -w -t 10 stop >/dev/null 2>&1) || true
    fi
}

# --- commands ----------------------------------------------------------------------------------------------------
cmd_up() {
    local n="${1:-}"
    shift || true
    [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 && "$n" -le 40 ]] || die "usage: $0 up N (1-40 silo hosts) [--tls] [--fast-membership] [--lines L] [--rate R] [--seed S]"
    TLS=0 FAST=0 LINES=1000 RATE=100 SEED="" BARE=0
    while (($#)); do
        case "$1" in
            --tls) TLS=1 ;;
            --fast-membership) FAST=1 ;;
            --lines) LINES="$2"; shift ;;
            --rate) RATE="$2"; shift ;;
            --seed) SEED="$2"; shift ;;
            --bare) BARE=1 ;;
            *) die "unknown option '$1' for up" ;;
        esac
        shift
    done
    require_root
    for dll in "$(silo_dll)" "$(client_dll)" "$(lines_dll)"; do
        [[ -f "$dll" ]] || die "$dll is missing: build first (dotnet build OrleansDist.sln -c Release)"
    done
    if ip netns list | grep -q "^$PREFIX-" || ip link show "$BRIDGE" >/dev/null 2>&1; then
        die "a lab is already up (namespaces $PREFIX-*): run '$0 down' first"
    fi

    local started
    started="$(now_ms)"
    rm -rf "$STATE"
    mkdir -p "$STATE"
    chmod 755 "$STATE"
    # a failed or interrupted up leaves nothing behind
    trap 'rc=$?; if ((rc != 0)); then say "up failed; removing what it built"; cmd_down >/dev/null 2>&1 || true; fi' EXIT
    trap 'exit 130' INT TERM

    ip link add "$BRIDGE" type bridge
    ip link set "$BRIDGE" up
    add_host db "$NET.2" db
    add_host lines "$NET.3" lines
    add_host client "$NET.4" client
    local i
    for ((i = 1; i <= n; i++)); do
        add_host "silo$i" "$NET.$((10 + i))" silo
    done
    pin_neighbours
    write_env
    load_env

    if [[ "$TLS" == "1" ]]; then
        local hosts=()
        for host in $(silo_hosts); do hosts+=("$host,$(host_ip "$host")"); done
        dotnet "$LAB_CLIENT_DLL" certs make --out "$STATE/certs" --hosts "${hosts[@]}" "client,$NET.4" >"$STATE/certs.log" 2>&1 \
            || { cat "$STATE/certs.log" >&2; false; }
    fi

    start_postgres
    if [[ "$BARE" == "1" ]]; then
        trap - EXIT INT TERM
        say "up in $(( ($(now_ms) - started) / 1000 )) s: $n silo hosts, bare (PostgreSQL only; run the rest with: $0 exec HOST ...)"
        cmd_status
        return
    fi
    start_lines
    for host in $(silo_hosts); do
        start_silo "$host"
        # the first silo creates the tables; the others start once it is up (they would wait for each other anyway)
        [[ "$host" == "silo1" ]] && wait_for_line silo1 "SILO READY" 90
    done
    wait_for_line lines "LINE SERVER READY" 60
    for host in $(silo_hosts); do
        wait_for_line "$host" "SILO READY" 120
    done
    trap - EXIT INT TERM

    say "up in $(( ($(now_ms) - started) / 1000 )) s: $n silo hosts$([[ "$TLS" == "1" ]] && echo ", mutual TLS")$([[ "$FAST" == "1" ]] && echo ", fast membership" || echo ", production membership profile")"
    cmd_status
}

cmd_down() {
    # everything the lab made: its processes (by pid, then whatever still runs in its namespaces), the database,
    # the namespaces (their veth pairs go with them), the bridge, the state folder
    local name pid n
    if [[ -d "$STATE" ]]; then
        for file in "$STATE"/*.pid; do
            [[ -e "$file" ]] || continue
            pid="$(cat "$file")"
            kill -TERM "$pid" 2>/dev/null || true
        done
        for file in "$STATE"/*.pid; do
            [[ -e "$file" ]] || continue
            stop_pid "$(cat "$file")" 10
        done
        stop_postgres
    fi
    for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-" || true); do
        for pid in $(ip netns pids "$n" 2>/dev/null || true); do
            kill -KILL "$pid" 2>/dev/null || true
        done
        ip netns delete "$n" 2>/dev/null || true
    done
    for name in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^$PREFIX-" || true); do
        ip link delete "$name" 2>/dev/null || true
    done
    rm -rf "$STATE"
    say "down: no namespace, link or process of the lab is left"
}

cmd_partition() {
    local host="${1:-}"
    [[ -n "$host" ]] || die "usage: $0 partition HOST"
    require_root
    require_host "$host"
    # Off the bridge, but the link stays up inside the host: like a switch failing further away, nobody is told; every
    # packet to or from the host is lost until heal.
    ip link set "$(veth "$host")" nomaster
    echo "$host $(now_ms)" >>"$STATE/partitions"
    echo "partitioned $host ($(host_ip "$host")) at $(now_ms) ms"
}

cmd_heal() {
    local host="${1:-}"
    [[ -n "$host" ]] || die "usage: $0 heal HOST"
    require_root
    require_host "$host"
    ip link set "$(veth "$host")" master "$BRIDGE"
    echo "healed $host ($(host_ip "$host")) at $(now_ms) ms"
}

cmd_start() {
    local host="${1:-}"
    [[ -n "$host" ]] || die "usage: $0 start HOST"
    require_root
    require_host "$host"
    load_env
    pid_alive "$(pid_of "$host")" && die "$host is running (pid $(pid_of "$host")); stop it first"
    # keep the previous run's output beside the new one
    [[ -f "$STATE/$host.err" ]] && cat "$STATE/$host.err" >>"$STATE/$host.previous.err"
    [[ -f "$STATE/$host.out" ]] && cat "$STATE/$host.out" >>"$STATE/$host.previous.out"
    case "$(host_role "$host")" in
        silo) start_silo "$host"; wait_for_line "$host" "SILO READY" 120 ;;
        lines) read -r LINES RATE SEED <"$STATE/lines.config"; start_lines; wait_for_line lines "LINE SERVER READY" 60 ;;
        *) die "$host runs no program of the lab" ;;
    esac
    echo "started $host: $(grep -h "READY" "$STATE/$host.out" | tail -n 1)"
}

cmd_stop() {
    local host="${1:-}"
    [[ -n "$host" ]] || die "usage: $0 stop HOST"
    require_root
    require_host "$host"
    local pid
    pid="$(pid_of "$host")"
    pid_alive "$pid" || { echo "$host: not running"; return 0; }
    stop_pid "$pid" 20
    echo "stopped $host (pid $pid)"
    [[ "$(host_role "$host")" == "lines" ]] && grep -E "^(LINE SERVER STOPPED|SESSION )" "$STATE/lines.out" || true
}

cmd_status() {
    require_root
    [[ -f "$STATE/hosts" ]] || { echo "no lab is up"; return 0; }
    load_env
    printf '%-8s %-13s %-7s %-12s %s\n' HOST ADDRESS ROLE LINK PROCESS
    local name address role link pid proc
    while read -r name address role; do
        if ip link show "$(veth "$name")" 2>/dev/null | grep -q "master $BRIDGE"; then link="bridged"; else link="PARTITIONED"; fi
        proc="-"
        case "$role" in
            db) [[ -f "$STATE/db/data/postmaster.pid" ]] && proc="postgres pid $(head -n 1 "$STATE/db/data/postmaster.pid") :$PG_PORT" ;;
            silo | lines)
                pid="$(pid_of "$name")"
                if pid_alive "$pid"; then proc="pid $pid running"; else proc="not running"; fi
                ;;
        esac
        printf '%-8s %-13s %-7s %-12s %s\n' "$name" "$address" "$role" "$link" "$proc"
    done <"$STATE/hosts"
    echo
    echo "membership (cluster lab):"
    ip netns exec "$(ns client)" psql -h "$NET.2" -p "$PG_PORT" -U postgres -d orleans -X -q -P pager=off -c \
        "SELECT siloname AS silo, address || ':' || port AS address, generation,
                CASE status WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active' WHEN 4 THEN 'ShuttingDown'
                            WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead' ELSE status::text END AS status,
                round(extract(epoch FROM now() - iamalivetime)::numeric, 1) AS iamalive_age_s
         FROM orleansmembershiptable WHERE deploymentid = 'lab' ORDER BY siloname, generation" 2>/dev/null \
        || echo "(no membership table yet: no silo has started)"
}

cmd_exec() {
    local host="${1:-}"
    [[ -n "$host" && $# -ge 2 ]] || die "usage: $0 exec HOST CMD..."
    shift
    require_root
    require_host "$host"
    load_env
    export LAB_DIR LAB_PG LAB_MEMBERSHIP LAB_LINE_SERVER LAB_CLIENT_IP LAB_SILOS LAB_TLS LAB_TLS_ARGS LAB_CLIENT_DLL LAB_SILO_DLL LAB_LINES_DLL
    exec ip netns exec "$(ns "$host")" "$@"
}

cmd_client() {
    require_root
    require_host client
    load_env
    # shellcheck disable=SC2086
    exec ip netns exec "$(ns client)" dotnet "$LAB_CLIENT_DLL" --membership "$LAB_MEMBERSHIP" --cluster-id lab $LAB_TLS_ARGS "$@"
}

main() {
    local command="${1:-}"
    shift || true
    case "$command" in
        up) cmd_up "$@" ;;
        down) require_root; cmd_down ;;
        partition) cmd_partition "$@" ;;
        heal) cmd_heal "$@" ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status ;;
        exec) cmd_exec "$@" ;;
        client) cmd_client "$@" ;;
        env) cat "$STATE/lab.env" 2>/dev/null || die "no lab is up" ;;
        -h | --help | help | "") sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$command' (see $0 --help)" ;;
    esac
}

main "$@"
