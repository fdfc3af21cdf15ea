#!/bin/bash
# Runs nginx in front of the Maildock servers. The config is rendered from the environment;
# the upstream list is every address that UPSTREAMS' names resolve to (Docker's DNS gives one
# per replica of maildock-server) and is looked up again every few seconds, so that scaling
# up or down needs no restart. A certificate the operator mounts (Let's Encrypt's
# fullchain.pem + privkey.pem, or cert.pem + key.pem) wins over the stack's own, and a
# renewed one is picked up the same way.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
HTTP_PORT=${HTTP_PORT:-80}
HTTPS_PORT=${HTTPS_PORT:-443}
PUBLIC_HTTPS_PORT=${PUBLIC_HTTPS_PORT:-$HTTPS_PORT}
UPSTREAMS=${UPSTREAMS:-maildock-server:8600}
RATE=${RATE:-50}
BURST=${BURST:-100}
SIGNIN_RATE=${SIGNIN_RATE:-30}
RESOLVE_EVERY=${RESOLVE_EVERY:-5}
OPERATOR_TLS=/etc/maildock/tls-operator
STACK_TLS=/etc/maildock/tls
UPSTREAM_FILE=/etc/nginx/maildock-upstreams.conf

# log
. /usr/local/lib/maildock.sh

# Values go into a config file: refuse anything that could break out of its line.
for name in HTTP_PORT HTTPS_PORT PUBLIC_HTTPS_PORT RATE BURST SIGNIN_RATE RESOLVE_EVERY; do
  [[ ${!name} =~ ^[0-9]+$ ]] || { log "$name must be a number"; exit 1; }
done
[[ $LISTEN =~ ^[0-9A-Fa-f.:*]+$ ]] || { log "LISTEN must be an IP address"; exit 1; }
for upstream in $UPSTREAMS; do
  [[ $upstream =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || { log "UPSTREAMS: $upstream is not host:port"; exit 1; }
done

tls_pair() {
  if [[ -s $OPERATOR_TLS/fullchain.pem && -s $OPERATOR_TLS/privkey.pem ]]; then
    echo "$OPERATOR_TLS/fullchain.pem $OPERATOR_TLS/privkey.pem"
  elif [[ -s $OPERATOR_TLS/cert.pem && -s $OPERATOR_TLS/key.pem ]]; then
    echo "$OPERATOR_TLS/cert.pem $OPERATOR_TLS/key.pem"
  elif [[ -s $STACK_TLS/cert.pem && -s $STACK_TLS/key.pem ]]; then
    echo "$STACK_TLS/cert.pem $STACK_TLS/key.pem"
  fi
}

# The stack's certificate is made by Dovecot at its first start.
for _ in $(seq 1 120); do
  [[ -n $(tls_pair) ]] && break
  sleep 0.5
done
read -r tls_cert tls_key <<<"$(tls_pair)"
[[ -n ${tls_cert:-} ]] || { log "no certificate in $OPERATOR_TLS or $STACK_TLS"; exit 1; }

suffix=":$PUBLIC_HTTPS_PORT"
[[ $PUBLIC_HTTPS_PORT == 443 ]] && suffix=''

sed -e "s|@LISTEN@|$LISTEN|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
  -e "s|@PUBLIC_HTTPS_SUFFIX@|$suffix|g" -e "s|@RATE@|$RATE|g" -e "s|@BURST@|$BURST|g" \
  -e "s|@SIGNIN_RATE@|$SIGNIN_RATE|g" -e "s|@TLS_CERT@|$tls_cert|g" -e "s|@TLS_KEY@|$tls_key|g" \
  /etc/nginx/maildock.conf.in >/etc/nginx/nginx.conf

# One `server` line per address; a placeholder marked down while none resolves, since nginx
# refuses an empty upstream (requests then get 502 until a server is up).
render_upstreams() {
  local upstream host port addresses=()
  for upstream in $UPSTREAMS; do
    host=${upstream%:*} port=${upstream##*:}
    mapfile -t addresses < <(getent ahostsv4 "$host" | awk '$2 == "STREAM" {print $1}' | sort -u)
    for address in "${addresses[@]}"; do echo "server $address:$port max_fails=2 fail_timeout=5s;"; done
  done | sort -u
}
write_upstreams() {
  local lines
  lines=$(render_upstreams)
  [[ -n $lines ]] || lines='server 127.0.0.1:9 down;'
  printf '%s\n' "$lines" >"$UPSTREAM_FILE"
}
write_upstreams
log "upstreams: $(grep -c . "$UPSTREAM_FILE"); certificate: $tls_cert"

nginx -t -q

# Runs beside nginx: a changed set of instances or a renewed certificate reloads it.
watch_changes() {
  local before after cert_before cert_after
  cert_before=$(stat -Lc %Y:%s "$tls_cert" "$tls_key" 2>/dev/null || true)
  while sleep "$RESOLVE_EVERY"; do
    before=$(cat "$UPSTREAM_FILE")
    write_upstreams
    after=$(cat "$UPSTREAM_FILE")
    cert_after=$(stat -Lc %Y:%s "$tls_cert" "$tls_key" 2>/dev/null || true)
    if [[ $before != "$after" || $cert_before != "$cert_after" ]]; then
      log "reloading: $(grep -c . "$UPSTREAM_FILE") upstream(s)"
      cert_before=$cert_after
      nginx -s reload || log "reload failed; the previous config stays"
    fi
  done
}
watch_changes &

log "starting nginx on $LISTEN:$HTTP_PORT (redirects to HTTPS) and $LISTEN:$HTTPS_PORT"
exec nginx -g 'daemon off;'
