#!/bin/bash
# Healthy when the server accepts connections and answers SELECT 1 as `maildock` with the
# password from the secrets folder (over TCP, like the app).
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 || $host == '*' || $host == '::' ]] && host=127.0.0.1
port=${PG_PORT:-5432}

pg_isready -q -h "$host" -p "$port" -d maildock -U maildock -t 4

PGPASSWORD=''
IFS= read -r PGPASSWORD </run/maildock/password || true
export PGPASSWORD=${PGPASSWORD%$'\r'} PGCONNECT_TIMEOUT=4
[[ $(psql -X -q -t -A -h "$host" -p "$port" -U maildock -d maildock -c 'SELECT 1') == 1 ]]
