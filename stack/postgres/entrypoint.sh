#!/bin/bash
# Runs PostgreSQL 15 for Maildock: makes the cluster on first start, keeps the password of
# role `maildock` equal to /run/maildock/password at every start, then execs the server.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
PG_PORT=${PG_PORT:-5432}
PGDATA=/var/lib/postgresql/data
BIN=/usr/lib/postgresql/15/bin
SECRETS=/run/maildock
secret_file=$SECRETS/password

# log, ensure_secret, read_secret
. /usr/local/lib/maildock.sh

[[ $PG_PORT =~ ^[0-9]+$ ]] || { log "PG_PORT must be a number"; exit 1; }
[[ $LISTEN =~ ^[0-9A-Fa-f.:*]+$ ]] || { log "LISTEN must be an IP address"; exit 1; }



umask 077
ensure_secret "$secret_file"
password=$(read_secret "$secret_file")
[[ -n $password ]] || { log "$secret_file is empty"; exit 1; }

# The volume may come fresh from Docker (root-owned) or from an older container.
chown postgres:postgres "$PGDATA"
chmod 0700 "$PGDATA"
install -d -o postgres -g postgres -m 2775 /run/postgresql

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  log "initialising a new cluster in $PGDATA"
  # initdb reads the password from a file, never argv; the file lives only in the container.
  pwfile=$(mktemp /run/postgresql/pw.XXXXXX)
  printf '%s\n' "$password" >"$pwfile"
  chown postgres:postgres "$pwfile"
  as_postgres "$BIN/initdb" -D "$PGDATA" --username=maildock --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8 >&2
  rm -f "$pwfile"
  # Single-user mode: no listener is open while the database is made.
  as_postgres "$BIN/postgres" --single -D "$PGDATA" postgres >/dev/null \
    < <(echo 'CREATE DATABASE maildock OWNER maildock')
fi

# Access rules are ours, rewritten each start: passwords over TCP, the postgres and root
# users of the container as `maildock` over the local socket (docker exec … psql).
cat >"$PGDATA/pg_hba.conf" <<'HBA'
# Written by maildock-entrypoint at every start.
local all all               peer map=container
host  all all 0.0.0.0/0     scram-sha-256
host  all all ::/0          scram-sha-256
HBA
cat >"$PGDATA/pg_ident.conf" <<'IDENT'
# Written by maildock-entrypoint at every start.
container postgres maildock
container root     maildock
IDENT
chown postgres:postgres "$PGDATA/pg_hba.conf" "$PGDATA/pg_ident.conf"

# The file is the truth: a password changed by the app applies at the next start. The SQL
# goes through stdin (never argv) and a failing statement would not echo it: it is quoted.
# Single-user postgres runs as a direct child of this shell (PID 1): a postmaster.pid left
# on the volume by a killed server (PID 1 then) is then known to be stale.
quoted=${password//\'/\'\'}
as_postgres "$BIN/postgres" --single -D "$PGDATA" maildock >/dev/null \
  < <(printf "ALTER ROLE maildock PASSWORD '%s'\n" "$quoted")
unset password quoted

log "starting PostgreSQL on $LISTEN:$PG_PORT"
exec setpriv --reuid=postgres --regid=postgres --init-groups \
  "$BIN/postgres" -D "$PGDATA" \
  -c listen_addresses="$LISTEN" -c port="$PG_PORT" \
  -c unix_socket_directories=/run/postgresql \
  -c password_encryption=scram-sha-256 \
  -c logging_collector=off -c log_destination=stderr
