#!/bin/bash
# Runs Redis for Maildock with a config written at start: the password goes into a 0600
# file inside the container, never into argv or the logs.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
REDIS_PORT=${REDIS_PORT:-6379}
SECRETS=/run/maildock
secret_file=$SECRETS/password
conf=/etc/redis/maildock.conf

# log, ensure_secret, read_secret
. /usr/local/lib/maildock.sh

[[ $REDIS_PORT =~ ^[0-9]+$ ]] || { log "REDIS_PORT must be a number"; exit 1; }
[[ $LISTEN =~ ^[0-9A-Fa-f.:*]+$ ]] || { log "LISTEN must be an IP address"; exit 1; }



umask 077
ensure_secret "$secret_file"
password=$(read_secret "$secret_file")
[[ -n $password ]] || { log "$secret_file is empty"; exit 1; }
# Redis config strings: double-quoted, with \ and " escaped.
password=${password//\\/\\\\}
password=${password//\"/\\\"}

chown redis:redis /data
install -d -o redis -g redis -m 0750 /etc/redis

{
  echo "# Written by maildock-entrypoint at every start."
  echo "bind $LISTEN"
  echo "port $REDIS_PORT"
  echo "daemonize no"
  echo "supervised no"
  echo "logfile \"\""
  echo "dir /data"
  echo "appendonly yes"
  echo "appendfsync everysec"
  echo "requirepass \"$password\""
} >"$conf.tmp"
unset password
chown redis:redis "$conf.tmp"
chmod 0600 "$conf.tmp"
mv -f "$conf.tmp" "$conf"

log "starting Redis on $LISTEN:$REDIS_PORT"
exec setpriv --reuid=redis --regid=redis --init-groups redis-server "$conf"
