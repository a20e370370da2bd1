#!/usr/bin/env bash
# The Explorer's browser test: drives `tcpmc explore` in headless Chromium (Debian's `chromium`
# package) through playwright-core. Needs node and npm; installs playwright-core from
# package-lock.json on first use.
#
#   checker/tests/browser/run.sh [TCPMC_BINARY] [SCREENSHOT.png]
#
# TCPMC_BINARY defaults to the one `cargo test` built (target/debug/tcpmc, or under
# $CARGO_TARGET_DIR), building it if missing. CHROMIUM overrides /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
binary="${1:-${CARGO_TARGET_DIR:-$root/target}/debug/tcpmc}"
if [ ! -x "$binary" ]; then
  (cd "$root" && cargo build -q --bin tcpmc)
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser test: $chromium not found (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --silent
fi
CHROMIUM="$chromium" node explorer.test.mjs "$binary" ${2:+"$2"}
