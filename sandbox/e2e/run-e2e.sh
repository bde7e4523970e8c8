#!/usr/bin/env bash
# The sandbox's browser test, for CI: Debian's Chromium (installed here if missing), the pinned
# playwright-core (npm ci; never a downloaded browser), then node's test runner. The test starts
# ./run.sh itself, as the README says, and stops it when done.
#   CHROMIUM=/path/to/chromium      another Chromium binary
#   SANDBOX_E2E_VERBOSE=1           echo run.sh's output while the test runs
# Environment is passed on to run.sh (e.g. SANDBOX_PORT, SANDBOX_JAR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  CHROMIUM=/usr/bin/chromium
fi
export CHROMIUM

npm ci --no-audit --no-fund
exec node --test sandbox.test.mjs
