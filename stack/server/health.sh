#!/bin/bash
# Healthy when `maildock serve` answers GET /health with 200 (its store answers).
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 || $host == '*' || $host == '::' ]] && host=127.0.0.1
MAILDOCK_HEALTH_URL="http://$host:${SERVER_PORT:-8600}/health" exec node -e '
fetch(process.env.MAILDOCK_HEALTH_URL, { signal: AbortSignal.timeout(4000) })
  .then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1));'
