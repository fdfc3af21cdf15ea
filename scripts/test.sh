#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian packages included), then
# lint, type-check and every test against real servers. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

MAILDOCK_SETUP_TESTS=1 bash scripts/setup.sh

# A private Dovecot per test is started by the tests themselves; the distribution's own
# instance is not needed and must not hold ports.
if command -v systemctl >/dev/null 2>&1; then systemctl stop dovecot >/dev/null 2>&1 || true; fi

# The bundled stack's tests need a Docker engine and the stack's base image.
bash scripts/docker.sh

npx eslint .
npx prettier --check . >/dev/null
npx tsc -p tsconfig.json --noEmit
npx tsc -p renderer/tsconfig.json --noEmit
results=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$results" || true
rm -f "$results"
exit $status
