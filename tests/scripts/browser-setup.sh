#!/usr/bin/env bash
# Installs what the browser tests need, idempotently and without asking anything (CI runs it as root, no stdin):
#   - Debian's Chromium at /usr/bin/chromium (test tools cannot download a browser of their own on this machine)
#   - playwright-core from npm into tests/browser/node_modules, exactly as pinned by tests/browser/package-lock.json
# When both are already there it returns in well under a second.
#
#   tests/scripts/browser-setup.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BROWSER_DIR="$(cd "$SCRIPT_DIR/../browser" && pwd)"
CHROMIUM=/usr/bin/chromium

info() { echo "browser-setup: $*" >&2; }
die() { echo "browser-setup: ERROR: $*" >&2; exit 1; }

if [[ ! -x "$CHROMIUM" ]]; then
    command -v apt-get >/dev/null || die "$CHROMIUM is missing and apt-get is not available to install Debian's chromium package"
    SUDO=""
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || die "$CHROMIUM is missing; installing it needs root (apt-get install chromium)"
        SUDO="sudo -n"
    fi
    info "installing Debian's chromium package (apt-get)"
    $SUDO apt-get update -qq </dev/null >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
    [[ -x "$CHROMIUM" ]] || die "apt-get finished but $CHROMIUM is still missing"
fi

command -v node >/dev/null || die "node is not on PATH (the browser tests run tests/browser/*.mjs with Node.js)"
command -v npm >/dev/null || die "npm is not on PATH (needed once to install playwright-core into tests/browser)"

# package.json of the installed copy tells whether node_modules matches the lock file's version.
wanted="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.packages["node_modules/playwright-core"].version)' "$BROWSER_DIR/package-lock.json")"
installed="$(node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' "$BROWSER_DIR/node_modules/playwright-core/package.json")"
if [[ "$installed" != "$wanted" ]]; then
    info "installing playwright-core $wanted into $BROWSER_DIR/node_modules (npm ci)"
    (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
fi

info "ready: $("$CHROMIUM" --version 2>/dev/null | head -n 1), playwright-core $wanted, node $(node --version)"
