#!/bin/bash
# Healthy when the master runs and the SMTP port greets with 220. `master -t` is what
# `postfix status` asks, without writing a log line every round.
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 ]] && host=127.0.0.1

# master -t exits 0 when no master holds the pid file lock, i.e. Postfix is not running.
if /usr/lib/postfix/sbin/master -t 2>/dev/null; then
  exit 1
fi

exec 3<>"/dev/tcp/$host/${SMTP_PORT:-25}"
line=''
IFS= read -r -t 4 line <&3 || true
printf 'QUIT\r\n' >&3 || true
exec 3>&-
[[ $line == 220[\ -]* ]]
