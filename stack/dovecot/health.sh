#!/bin/bash
# Healthy when the IMAP port greets with "* OK": cheap, no login.
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 || $host == '*' || $host == '::' ]] && host=127.0.0.1

exec 3<>"/dev/tcp/$host/${IMAP_PORT:-143}"
line=''
IFS= read -r -t 4 line <&3 || true
printf 'h LOGOUT\r\n' >&3 || true
exec 3>&-
[[ $line == '* OK'* ]]
