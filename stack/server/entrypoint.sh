#!/bin/bash
# Runs `maildock serve` for the stack as an instance of the server of many people: its
# database and Redis are the stack's own (their passwords from their secret folders, mounted
# read-only), and the keys every instance shares (ENCRYPTION_KEY, the access tokens' signing
# key) are in server.env in this service's own secret folder, made once by the app
# (main/core/stack/server-keys.ts), or here when plain `docker compose up` runs first. Extra
# arguments (compose `command:`) go to `maildock serve`. Nothing of its own is kept: the data
# lives in Postgres and Redis, so any number of these can run side by side.
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
# The keys every instance shares. Made here only without the app; instances started together
# by `--scale` take turns under the lock, and all but the first find them made.
keys_dir=$SECRETS/server
env_file=$keys_dir/server.env
if [[ ! -s $env_file ]]; then
  owner=$(stat -c %u:%g "$keys_dir")
  exec 9>"$keys_dir/.keys.lock"
  chown "$owner" "$keys_dir/.keys.lock"
  flock 9
  if [[ ! -s $env_file ]]; then
    kid=$(cd "$keys_dir" && node /opt/maildock/bin/maildock.js --data-dir /var/lib/maildock \
      --json admin keys new | node /usr/local/lib/maildock-write-key.mjs)
    tmp=$(mktemp "$env_file.XXXXXX")
    {
      echo "# Made once for the stack's server; every instance reads it. Keep it with the stack's data."
      echo "ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)"
      echo "JWT_PRIVATE_KEYS=$kid:jwt-$kid.pem"
    } >"$tmp"
    chown "$owner" "$tmp" "$keys_dir/jwt-$kid.pem"
    mv -f "$tmp" "$env_file"
    log "generated $env_file"
  fi
  exec 9>&-
fi
# The server runs as maildock, which cannot read the app user's files: it gets its own copy,
# the PEM files beside the env file (its key paths are relative to it).
install -d -o maildock -g maildock -m 0700 /var/lib/maildock/keys
install -o maildock -g maildock -m 0600 "$env_file" "$keys_dir"/jwt-*.pem /var/lib/maildock/keys/

# Passwords go into URLs percent-encoded, through the environment (never argv).
urlencode() { MAILDOCK_VALUE=$1 node -e 'process.stdout.write(encodeURIComponent(process.env.MAILDOCK_VALUE))'; }
pg_password=$(urlencode "$(read_secret "$SECRETS/postgres/password")")
redis_password=$(urlencode "$(read_secret "$SECRETS/redis/password")")
export MAILDOCK_DATABASE_URL="postgres://maildock:$pg_password@$PG_HOST:$PG_PORT/maildock"
export MAILDOCK_REDIS_URL="redis://:$redis_password@$REDIS_HOST:$REDIS_PORT"
unset pg_password redis_password

log "starting maildock serve on $LISTEN:$SERVER_PORT"
# A larger young generation: each request leaves a few hundred KB of short-lived rows and
# JSON behind, and with V8's default the scavenger ran every few requests. Measured with
# bench/server (which starts its instances the same way): a quarter less CPU per request.
exec setpriv --reuid=maildock --regid=maildock --init-groups \
  node --max-semi-space-size=64 /opt/maildock/bin/maildock.js --data-dir /var/lib/maildock \
  serve --host "$LISTEN" --allow-remote --port "$SERVER_PORT" \
  --env-file /var/lib/maildock/keys/server.env "$@"
