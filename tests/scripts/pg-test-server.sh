#!/usr/bin/env bash
# Throwaway PostgreSQL server for the OrleansDist tests.
#
#   tests/scripts/pg-test-server.sh start   # prints the connection string, writes it to tests/.pg-connection
#   export ORLEANSDIST_TEST_POSTGRES="$(cat tests/.pg-connection)"
#   tests/scripts/pg-test-server.sh stop    # stops the server and deletes its data
#   tests/scripts/pg-test-server.sh status
#
# Environment: ORLEANSDIST_PG_PORT (default 55432; if taken by something else, the next free port is used).
# Installs Debian's postgresql package when no /usr/lib/postgresql/*/bin/initdb exists. Listens on 127.0.0.1 only,
# trust authentication (a test server: never expose it). Data, socket and logs live in /tmp/orleansdist-pg-<port>.
# start is idempotent: a server that is already running is reused.
set -euo pipefail

REQUESTED_PORT="${ORLEANSDIST_PG_PORT:-55432}"
ROOT="/tmp/orleansdist-pg-${REQUESTED_PORT}"
DATA="$ROOT/data"
LOG="$ROOT/setup.log"
SERVER_LOG="$ROOT/server.log"
DATABASE="orleansdist_test"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CONN_FILE="$REPO_ROOT/tests/.pg-connection"

die() {
    echo "pg-test-server: ERROR: $*" >&2
    if [[ -f "$LOG" ]]; then
        echo "---- last lines of $LOG ----" >&2
        tail -n 20 "$LOG" >&2 || true
    fi
    if [[ -f "$SERVER_LOG" ]]; then
        echo "---- last lines of $SERVER_LOG ----" >&2
        tail -n 20 "$SERVER_LOG" >&2 || true
    fi
    exit 1
}

info() { echo "pg-test-server: $*" >&2; }

log() { echo "[$(date '+%H:%M:%S')] $*" >>"$LOG"; }

# Runs a command as the postgres OS user when we are root (the server refuses to run as root), else as ourselves.
as_pg() {
    if [[ "$(id -u)" == "0" ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

find_bin_dir() {
    local initdb
    initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$initdb" ]] && dirname "$initdb"
}

ensure_installed() {
    if [[ -n "$(find_bin_dir)" ]]; then
        return
    fi
    info "PostgreSQL not found; installing Debian's postgresql package (log: $LOG)"
    local sudo=""
    if [[ "$(id -u)" != "0" ]]; then
        command -v sudo >/dev/null 2>&1 || die "PostgreSQL is not installed and we are not root (no sudo): install the 'postgresql' package first"
        sudo="sudo"
    fi
    log "apt-get update"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update >>"$LOG" 2>&1 || die "apt-get update failed"
    log "apt-get install -y postgresql"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >>"$LOG" 2>&1 || die "apt-get install postgresql failed"
    [[ -n "$(find_bin_dir)" ]] || die "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb found"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

is_running() {
    [[ -d "$DATA" ]] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

connection_string() {
    echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=$DATABASE"
}

wait_ready() {
    local port="$1" attempts="${2:-60}"
    for _ in $(seq 1 "$attempts"); do
        if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

ensure_database() {
    local port="$1" exists
    exists="$(as_pg "$BIN/psql" -h "$ROOT" -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" 2>>"$LOG")" \
        || die "cannot query the server on port $port"
    if [[ "$exists" != "1" ]]; then
        log "createdb $DATABASE"
        as_pg "$BIN/createdb" -h "$ROOT" -p "$port" -U postgres "$DATABASE" >>"$LOG" 2>&1 || die "createdb $DATABASE failed"
    fi
}

publish() {
    local conn
    conn="$(connection_string "$1")"
    printf '%s\n' "$conn" >"$CONN_FILE"
    echo "$conn"
}

cmd_start() {
    mkdir -p "$ROOT"
    touch "$LOG"
    ensure_installed
    BIN="$(find_bin_dir)"
    id postgres >/dev/null 2>&1 || [[ "$(id -u)" != "0" ]] || die "the 'postgres' OS user does not exist (is the postgresql package installed correctly?)"

    if is_running; then
        local running_port
        running_port="$(cat "$ROOT/port" 2>/dev/null || true)"
        if [[ -n "$running_port" ]] && wait_ready "$running_port" 20; then
            ensure_database "$running_port"
            info "already running on 127.0.0.1:$running_port (reused)"
            publish "$running_port"
            return
        fi
        # A server that does not answer (crashed, half-killed, or port file lost): stop it hard and start afresh.
        info "the server in $DATA does not answer; restarting it"
        log "pg_ctl stop -m immediate (unresponsive server)"
        as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >>"$LOG" 2>&1 || true
        is_running && die "cannot stop the unresponsive server in $DATA; stop it by hand, then run '$0 stop'"
    fi

    # Pick the port: the requested one, or the next free one.
    local port="$REQUESTED_PORT" tries=0
    while port_in_use "$port"; do
        tries=$((tries + 1))
        [[ $tries -lt 50 ]] || die "no free port in $REQUESTED_PORT..$port; set ORLEANSDIST_PG_PORT"
        port=$((port + 1))
    done
    [[ "$port" == "$REQUESTED_PORT" ]] || info "port $REQUESTED_PORT is taken; using $port"

    if [[ "$(id -u)" == "0" ]]; then
        chown postgres: "$ROOT" "$LOG"
    fi

    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        rm -rf "$DATA"
        log "initdb $DATA"
        as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --no-locale >>"$LOG" 2>&1 || die "initdb failed"
    fi

    # No listener on a port does not make it free: a client socket may hold it as its ephemeral port (55432 is inside
    # Linux's 32768-60999), and then the bind fails. Such a port is skipped, up to 20 times.
    while true; do
        echo "$port" >"$ROOT/port"
        log "pg_ctl start on 127.0.0.1:$port"
        if as_pg "$BIN/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 \
            -o "-p $port -k $ROOT -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >>"$LOG" 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if [[ $tries -lt 20 ]] && grep -q "could not bind" "$SERVER_LOG" 2>/dev/null; then
            info "port $port could not be bound (held by another socket); trying $((port + 1))"
            : >"$SERVER_LOG"
            port=$((port + 1))
            while port_in_use "$port"; do port=$((port + 1)); done
            continue
        fi
        die "pg_ctl start failed"
    done
    wait_ready "$port" || die "server did not become ready on port $port"
    ensure_database "$port"
    info "started on 127.0.0.1:$port (data: $DATA)"
    publish "$port"
}

cmd_stop() {
    BIN="$(find_bin_dir || true)"
    if [[ -n "$BIN" && -d "$DATA" ]] && is_running; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >>"$LOG" 2>&1 || die "pg_ctl stop failed"
        info "stopped"
    else
        info "not running"
    fi
    rm -rf "$ROOT"
    rm -f "$CONN_FILE"
}

cmd_status() {
    BIN="$(find_bin_dir || true)"
    if [[ -n "$BIN" ]] && is_running; then
        echo "running: $(connection_string "$(cat "$ROOT/port")")"
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
