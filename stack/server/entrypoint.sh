#!/bin/bash
# Runs `maildock serve` for the stack: DATABASE_URL and REDIS_URL point at the stack's own
# Postgres and Redis, with the passwords those services keep (their secret folders are
# mounted read-only), and the secret store's key is this service's own secret. Extra
# arguments (compose `command:`) go to `maildock serve`. Nothing of its own is kept: the
# data lives in Postgres and Redis, so any number of these can run side by side.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
SERVER_PORT=${SERVER_PORT:-8600}
PG_HOST=${PG_HOST:-postgres}
PG_PORT=${PG_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-redis}
REDIS_PORT=${REDIS_PORT:-6379}
SECRETS=/run/maildock

# log, ensure_secret, read_secret
. /usr/local/lib/maildock.sh

for name in SERVER_PORT PG_PORT REDIS_PORT; do
  [[ ${!name} =~ ^[0-9]+$ ]] || { log "$name must be a number"; exit 1; }
done
[[ $LISTEN =~ ^[0-9A-Fa-f.:*]+$ ]] || { log "LISTEN must be an IP address"; exit 1; }
for name in PG_HOST REDIS_HOST; do
  [[ ${!name} =~ ^[A-Za-z0-9.:-]+$ ]] || { log "$name must be a host name"; exit 1; }
done

umask 077
# Made by Postgres and Redis at their first start; this service starts once they are healthy.
for file in "$SECRETS/postgres/password" "$SECRETS/redis/password"; do
  [[ -s $file ]] || { log "$file is missing: start postgres and redis first"; exit 1; }
done
# The encrypted secret store's key: 32 random bytes in base64, made once, like the others.
key_file=$SECRETS/server/secret_key
if [[ ! -s $key_file ]]; then
  tmp=$(mktemp "$key_file.XXXXXX")
  head -c 32 /dev/urandom | base64 >"$tmp"
  chown "$(stat -c %u:%g "$SECRETS/server")" "$tmp"
  mv -f "$tmp" "$key_file"
  log "generated $key_file"
fi

# Passwords go into URLs percent-encoded, through the environment (never argv).
urlencode() { MAILDOCK_VALUE=$1 node -e 'process.stdout.write(encodeURIComponent(process.env.MAILDOCK_VALUE))'; }
pg_password=$(urlencode "$(read_secret "$SECRETS/postgres/password")")
redis_password=$(urlencode "$(read_secret "$SECRETS/redis/password")")
export DATABASE_URL="postgres://maildock:$pg_password@$PG_HOST:$PG_PORT/maildock"
export REDIS_URL="redis://:$redis_password@$REDIS_HOST:$REDIS_PORT"
MAILDOCK_SECRET_KEY=$(read_secret "$key_file")
export MAILDOCK_SECRET_KEY MAILDOCK_SECRETS=file
unset pg_password redis_password

log "starting maildock serve on $LISTEN:$SERVER_PORT"
# Logs are no place for a secret: the one-person sign-in link's token is cut out of what
# `serve` prints (it stays in /var/lib/maildock/server-token for `docker exec … cat`).
exec setpriv --reuid=maildock --regid=maildock --init-groups \
  node /opt/maildock/bin/maildock.js --data-dir /var/lib/maildock \
  serve --host "$LISTEN" --allow-remote --port "$SERVER_PORT" "$@" \
  > >(sed -u -E 's/([?&]token=)[A-Za-z0-9_-]+/\1(hidden: see server-token in the data folder)/g')
