#!/bin/bash
# Healthy when nginx answers its own /nginx-health on the plain port; the servers behind it
# have healthchecks of their own.
set -euo pipefail

host=${LISTEN:-0.0.0.0}
[[ $host == 0.0.0.0 || $host == '*' || $host == '::' ]] && host=127.0.0.1
exec 3<>"/dev/tcp/$host/${HTTP_PORT:-80}"
printf 'GET /nginx-health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 4 status <&3
[[ $status == 'HTTP/1.1 200 '* ]]
