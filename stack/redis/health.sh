#!/bin/bash
# Healthy when Redis answers PING with PONG to the password (given by REDISCLI_AUTH, so it
# is not in argv).
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 || $host == '*' || $host == '::' ]] && host=127.0.0.1

REDISCLI_AUTH=''
IFS= read -r REDISCLI_AUTH </run/maildock/password || true
export REDISCLI_AUTH=${REDISCLI_AUTH%$'\r'}
[[ $(timeout 4 redis-cli --no-auth-warning -h "$host" -p "${REDIS_PORT:-6379}" PING) == PONG ]]
