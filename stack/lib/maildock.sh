#!/bin/bash
# What every Maildock entrypoint shares: logging, and the secrets in /run/maildock.
# Sourced, never run.

log() { echo "maildock-entrypoint: $*" >&2; }

# A missing secret is made here so that a plain `docker compose up` works; it is handed to
# the owner of the folder (the app's user) and never printed.
ensure_secret() {
  local file=$1 tmp value
  [[ -s $file ]] && return 0
  mkdir -p "$(dirname "$file")"
  tmp=$(mktemp "$file.XXXXXX")
  value=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
  printf '%s' "${value:0:32}" >"$tmp"
  unset value
  chmod 0600 "$tmp"
  chown "$(stat -c %u:%g "$(dirname "$file")")" "$tmp"
  mv -f "$tmp" "$file"
  log "generated $file"
}

# The secret is the file's first line, without its line ending.
read_secret() {
  local value=''
  IFS= read -r value <"$1" || true
  printf '%s' "${value%$'\r'}"
}
