#!/bin/bash
# Runs Dovecot for Maildock: TLS material on the shared volume (made when missing), the
# probe user's passdb, and one config rendered from the environment; then `dovecot -F`.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
MAIL_DOMAIN=${MAIL_DOMAIN:-maildock.localhost}
IMAP_PORT=${IMAP_PORT:-143}
IMAPS_PORT=${IMAPS_PORT:-993}
POP3_PORT=${POP3_PORT:-110}
POP3S_PORT=${POP3S_PORT:-995}
LMTP_PORT=${LMTP_PORT:-24}
AUTH_PORT=${AUTH_PORT:-12345}
SECRETS=/run/maildock
TLS=/etc/maildock/tls
PROBE_PASSDB=/etc/dovecot/private/probe.passwd

# log, ensure_secret, read_secret
. /usr/local/lib/maildock.sh

# Values go into a config file: refuse anything that could break out of its line.
for name in IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT LMTP_PORT AUTH_PORT; do
  [[ ${!name} =~ ^[0-9]+$ ]] || { log "$name must be a number"; exit 1; }
done
[[ $LISTEN =~ ^[0-9A-Fa-f.:*]+$ ]] || { log "LISTEN must be an IP address"; exit 1; }
[[ $MAIL_DOMAIN =~ ^[A-Za-z0-9.-]+$ ]] || { log "MAIL_DOMAIN must be a domain name"; exit 1; }
MAIL_DOMAIN=${MAIL_DOMAIN,,}



umask 077

# TLS for Dovecot and (read-only) Postfix. Kept across restarts: only made when missing.
if [[ ! -s $TLS/cert.pem || ! -s $TLS/key.pem ]]; then
  log "making a self-signed certificate for localhost in $TLS"
  tmp=$(mktemp -d "$TLS/.new.XXXXXX")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
  chmod 0600 "$tmp/key.pem"
  chmod 0644 "$tmp/cert.pem"
  # Key first, so that a reader that sees the new cert also finds its key.
  mv -f "$tmp/key.pem" "$TLS/key.pem"
  mv -f "$tmp/cert.pem" "$TLS/cert.pem"
  rmdir "$tmp"
fi
chmod 0755 "$TLS"

# The probe user lives in a passdb of its own, rebuilt from its secret at every start, so
# the app-owned users file never holds it. doveadm reads the password from stdin (twice, as
# it asks to confirm it); setsid keeps it off any terminal.
ensure_secret "$SECRETS/probe_password"
probe_password=$(read_secret "$SECRETS/probe_password")
[[ -n $probe_password ]] || { log "$SECRETS/probe_password is empty"; exit 1; }
probe_hash=$(printf '%s\n%s\n' "$probe_password" "$probe_password" |
  setsid -w doveadm -c /dev/null pw -s PBKDF2 2>/dev/null)
unset probe_password
[[ $probe_hash == '{PBKDF2}'* ]] || { log "could not hash the probe password"; exit 1; }
install -d -m 0700 /etc/dovecot/private
printf 'maildock-probe@%s:%s::::::\n' "$MAIL_DOMAIN" "$probe_hash" >"$PROBE_PASSDB.tmp"
chmod 0600 "$PROBE_PASSDB.tmp"
mv -f "$PROBE_PASSDB.tmp" "$PROBE_PASSDB"
unset probe_hash

# The mailboxes are in Postgres: the app writes how to reach them (sql.conf, with the
# password of a role that may read them only) before this service starts. A passwd-file
# `users` from before is read too until the app has moved it into Postgres.
mailbox_dbs=''
if [[ -s $SECRETS/sql.conf ]]; then
  mailbox_dbs+="passdb {
  driver = sql
  args = $SECRETS/sql.conf
}
"
  user_dbs="userdb {
  driver = sql
  args = $SECRETS/sql.conf
}
"
  # Dovecot 2.3's auth process dies when its first connection to Postgres fails, and is then
  # started again only after a growing pause: wait for Postgres first (it is healthy before
  # this service starts, except when Docker restarts everything at once).
  connect=$(grep -m1 '^connect = ' "$SECRETS/sql.conf" || true)
  if [[ $connect =~ host=([A-Za-z0-9.:-]+)\ port=([0-9]+) ]]; then
    pg_host=${BASH_REMATCH[1]} pg_port=${BASH_REMATCH[2]}
    for _ in $(seq 1 120); do
      (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null && break
      sleep 0.5
    done
  fi
else
  log "no $SECRETS/sql.conf: only mailboxes of a passwd-file, if any (maildock stack up writes it)"
  user_dbs=''
fi
if [[ -s $SECRETS/users ]]; then
  mailbox_dbs+="passdb {
  driver = passwd-file
  args = $SECRETS/users
}
"
fi

# The mail volume may come fresh from Docker (root-owned).
chown vmail:vmail /var/mail
chmod 0770 /var/mail

cat >/etc/dovecot/dovecot.conf.tmp <<CONF
# Written by maildock-entrypoint at every start from the container's environment.
protocols = imap pop3 lmtp
listen = $LISTEN
log_path = /dev/stderr
login_greeting = Maildock ready.

ssl = yes
ssl_cert = <$TLS/cert.pem
ssl_key = <$TLS/key.pem
ssl_min_protocol = TLSv1.2
# Passwords only inside TLS (STARTTLS or the TLS ports). Dovecot treats connections from
# its own address (e.g. 127.0.0.1 with host networking) as secure too.
disable_plaintext_auth = yes

auth_mechanisms = plain login
auth_username_format = %Lu
# The auth process reads the users file, which the app owns (mode 0600): it runs as root.
service auth {
  user = root
  # Postfix's SASL (smtpd_sasl_type = dovecot) over TCP.
  inet_listener sasl-client {
    port = $AUTH_PORT
  }
}
passdb {
  driver = passwd-file
  args = $PROBE_PASSDB
}
${mailbox_dbs}${user_dbs}# The probe (and passwd-file) users: static, but a user must exist in a passdb (LMTP
# refuses unknown recipients).
userdb {
  driver = static
  args = uid=vmail gid=vmail home=/var/mail/%d/%n allow_all_users=no
}

# Quotas per mailbox (the userdb's quota_rule; none: no limit). LMTP refuses a message that
# would not fit, so Postfix bounces it to its sender; IMAP clients can ask (imap_quota).
mail_plugins = \$mail_plugins quota
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
}
plugin {
  quota = count:Mailbox
  quota_vsizes = yes
  quota_exceeded_message = 5.2.2 The mailbox is full.
}
lmtp_rcpt_check_quota = yes

mail_location = maildir:~/Maildir
mailbox_list_index = yes
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    auto = subscribe
    special_use = \Drafts
  }
  mailbox Sent {
    auto = subscribe
    special_use = \Sent
  }
  mailbox Trash {
    auto = subscribe
    special_use = \Trash
  }
  mailbox Junk {
    auto = subscribe
    special_use = \Junk
  }
  mailbox Archive {
    auto = subscribe
    special_use = \Archive
  }
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = $POP3S_PORT
    ssl = yes
  }
}

# Postfix delivers here (virtual_transport = lmtp:inet:…).
service lmtp {
  inet_listener lmtp {
    port = $LMTP_PORT
  }
}
postmaster_address = postmaster@$MAIL_DOMAIN
recipient_delimiter = +
CONF
mv -f /etc/dovecot/dovecot.conf.tmp /etc/dovecot/dovecot.conf

# A pid file left by a killed server in this container's own /run would stop the start.
rm -f /run/dovecot/master.pid

log "starting Dovecot on $LISTEN (IMAP $IMAP_PORT, IMAPS $IMAPS_PORT, POP3 $POP3_PORT, POP3S $POP3S_PORT, LMTP $LMTP_PORT, auth $AUTH_PORT) for $MAIL_DOMAIN"
exec dovecot -F -c /etc/dovecot/dovecot.conf
