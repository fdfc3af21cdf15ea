#!/usr/bin/env bash
# Takes a fresh Debian machine to a ready Maildock: system packages, Node dependencies,
# the compiled CLI. Safe to run again. Needs root (or sudo) for the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

# libsecret: keytar (the OS keychain) builds against it at `npm ci`.
want=(ca-certificates openssl libsecret-1-dev python3 make g++)
# Tests run private Dovecot (IMAP, and LMTP for Postfix to deliver into) and Postfix instances,
# and a private dnsmasq serving the MX and SRV records account discovery reads (dnsmasq-base:
# the program alone, without a system service).
[ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && want+=(dovecot-imapd dovecot-lmtpd postfix isync notmuch dnsmasq-base)
# The bundled stack's tests need a Docker engine, compose to check the file, and debootstrap
# to make the base image where no registry is reachable (scripts/docker.sh); the renderer's
# end-to-end tests drive Debian's Chromium (no browser download).
[ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && want+=(docker.io docker-compose debootstrap chromium)
# The keychain's tests run GNOME Keyring's Secret Service on a private D-Bus session bus.
[ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && want+=(gnome-keyring dbus-daemon dbus-bin)
# The server of many people: private Redis instances (its queue, leases, events and rate
# limits), nginx in front of several instances, and the SQL drivers through which Dovecot
# and Postfix read the stack's mailboxes from Postgres.
[ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && want+=(redis-server nginx dovecot-pgsql postfix-pgsql)
# The store's tests run private Postgres instances (initdb and pg_ctl on loopback ports).
if [ "${MAILDOCK_SETUP_TESTS:-}" = 1 ]; then
  want+=(postgresql)
  # Installed afresh, Debian's package would make a cluster of its own on port 5432 and
  # start it: the tests need neither.
  if ! dpkg -s postgresql-common >/dev/null 2>&1; then
    $sudo mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" |
      $sudo tee /etc/postgresql-common/createcluster.d/maildock-tests.conf >/dev/null
  fi
fi
command -v node >/dev/null || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  # Postfix without the questions: no system configuration, the tests bring their own.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests start their own Postfix instances on loopback ports; a system one must not run
# (nor come back at boot) to hold port 25.
if [ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && command -v postfix >/dev/null 2>&1; then
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now postfix >/dev/null 2>&1 || true; fi
  if [ -f /etc/postfix/main.cf ] && $sudo postfix status >/dev/null 2>&1; then $sudo postfix stop >/dev/null 2>&1 || true; fi
fi
# Nor a system Redis (6379), nginx (80) or dnsmasq (53, where one was installed before: it
# would hold the port and the machine's resolver): the tests start private ones on free ports.
if [ "${MAILDOCK_SETUP_TESTS:-}" = 1 ]; then
  for svc in redis-server nginx dnsmasq; do
    if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
    if command -v service >/dev/null 2>&1; then $sudo service "$svc" stop >/dev/null 2>&1 || true; fi
  done
fi
# Nor a system Postgres, on 5432: a cluster made before (by an earlier install) is stopped.
if [ "${MAILDOCK_SETUP_TESTS:-}" = 1 ] && command -v pg_lsclusters >/dev/null 2>&1; then
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _port status _rest; do
    case "$status" in
      online*) $sudo pg_ctlcluster "$version" "$cluster" stop </dev/null >/dev/null 2>&1 || true ;;
    esac
  done || true
fi

# Vite (the renderer's build) needs 20.19 or 22.12.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "Maildock needs Node.js 20.19 or newer (22.12 or newer on 22; found $(node --version))." >&2
  exit 1
fi

# The Electron binary is fetched by `npm start` where the network allows; package.json's
# allowScripts keeps `npm ci` from failing where it does not.
npm ci --no-audit --no-fund
echo "Maildock is ready: try \`npx maildock --help\`."
