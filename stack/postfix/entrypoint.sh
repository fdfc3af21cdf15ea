#!/bin/bash
# Runs Postfix for Maildock: main.cf from the image plus the environment, master.cf with the
# listeners on LISTEN, the queue volume made sound, then `postfix start-fg` as PID 1.
set -euo pipefail
# As PID 1, bash ignores signals it has no trap for: let `docker stop` end the setup too.
trap 'exit 143' TERM INT

LISTEN=${LISTEN:-0.0.0.0}
MAIL_DOMAIN=${MAIL_DOMAIN:-maildock.localhost}
SMTP_PORT=${SMTP_PORT:-25}
SUBMISSION_PORT=${SUBMISSION_PORT:-587}
DOVECOT_HOST=${DOVECOT_HOST:-dovecot}
LMTP_PORT=${LMTP_PORT:-24}
AUTH_PORT=${AUTH_PORT:-12345}
RELAY_HOST=${RELAY_HOST:-}
RELAY_PORT=${RELAY_PORT:-587}
SECRETS=/run/maildock
TLS=/etc/maildock/tls

# log, ensure_secret, read_secret
. /usr/local/lib/maildock.sh

# Values go into Postfix's config: refuse anything that could change its meaning.
for name in SMTP_PORT SUBMISSION_PORT LMTP_PORT AUTH_PORT RELAY_PORT; do
  [[ ${!name} =~ ^[0-9]+$ ]] || { log "$name must be a number"; exit 1; }
done
[[ $LISTEN =~ ^[0-9.]+$ ]] || { log "LISTEN must be an IPv4 address"; exit 1; }
[[ $MAIL_DOMAIN =~ ^[A-Za-z0-9.-]+$ ]] || { log "MAIL_DOMAIN must be a domain name"; exit 1; }
[[ $DOVECOT_HOST =~ ^[A-Za-z0-9.-]+$ ]] || { log "DOVECOT_HOST must be a host name"; exit 1; }
[[ -z $RELAY_HOST || $RELAY_HOST =~ ^[A-Za-z0-9.-]+$ ]] || { log "RELAY_HOST must be a host name"; exit 1; }
MAIL_DOMAIN=${MAIL_DOMAIN,,}

# Dovecot makes the certificate on the shared volume; when this container starts alone (no
# depends_on, or docker restarting everything at boot) wait for it rather than run without TLS.
for _ in $(seq 1 120); do
  [[ -s $TLS/cert.pem && -s $TLS/key.pem ]] && break
  sleep 0.5
done
[[ -s $TLS/cert.pem && -s $TLS/key.pem ]] || { log "no certificate in $TLS after 60 s (Dovecot makes it)"; exit 1; }

install -m 0644 /etc/postfix/maildock-main.cf /etc/postfix/main.cf
settings=(
  "myhostname=mail.$MAIL_DOMAIN"
  "mydomain=$MAIL_DOMAIN"
  "myorigin=$MAIL_DOMAIN"
  "virtual_mailbox_domains=$MAIL_DOMAIN"
  "virtual_transport=lmtp:inet:$DOVECOT_HOST:$LMTP_PORT"
  "smtpd_sasl_path=inet:$DOVECOT_HOST:$AUTH_PORT"
)
# The mailboxes and aliases are in Postgres: the app writes the maps (with the password of a
# role that may read addresses and aliases only) before this service starts. Without them,
# Dovecot's LMTP is asked whether a mailbox exists (address verification; main.cf).
# The secrets folder is the app's (mode 0700): the maps are copied where Postfix's own
# unprivileged processes may read them, and no one else.
if [[ -s $SECRETS/pgsql-mailboxes.cf && -s $SECRETS/pgsql-aliases.cf ]]; then
  install -d -o root -g postfix -m 0750 /etc/postfix/pgsql
  for map in pgsql-mailboxes.cf pgsql-aliases.cf; do
    install -o root -g postfix -m 0640 "$SECRETS/$map" "/etc/postfix/pgsql/$map"
  done
  settings+=(
    "virtual_mailbox_maps=pgsql:/etc/postfix/pgsql/pgsql-mailboxes.cf"
    "virtual_alias_maps=pgsql:/etc/postfix/pgsql/pgsql-aliases.cf"
    "maildock_local=reject_unlisted_recipient, permit"
  )
else
  log "no mailbox maps in $SECRETS: asking Dovecot which mailboxes exist (maildock stack up writes them)"
fi
local_check="check_recipient_access inline:{ $MAIL_DOMAIN=maildock_local }"
if [[ -n $RELAY_HOST ]]; then
  settings+=(
    "relayhost=[$RELAY_HOST]:$RELAY_PORT"
    "smtp_tls_security_level=encrypt"
    "smtpd_recipient_restrictions=$local_check"
  )
  # Port 465 speaks TLS from the first byte; the others use STARTTLS.
  [[ $RELAY_PORT == 465 ]] && settings+=("smtp_tls_wrappermode=yes")
  if [[ -s $SECRETS/relay_passwd ]]; then
    settings+=(
      "smtp_sasl_auth_enable=yes"
      "smtp_sasl_password_maps=texthash:$SECRETS/relay_passwd"
      "smtp_sasl_security_options=noanonymous"
      "smtp_sasl_tls_security_options=noanonymous"
    )
  fi
  log "relaying mail for other domains through [$RELAY_HOST]:$RELAY_PORT"
else
  # No relay host: mail for other domains is refused at RCPT, and whatever is queued for
  # them anyway (bounces) fails at once instead of trying the internet.
  no_relay="No relay host is configured: Maildock delivers only to @$MAIL_DOMAIN"
  settings+=(
    "relayhost="
    "default_transport=error:$no_relay"
    "smtpd_recipient_restrictions=$local_check, check_recipient_access static:{ 550 5.7.1 $no_relay }"
  )
  log "no relay host: mail for other domains is refused"
fi
postconf -e "${settings[@]}"

# master.cf: the two listeners on LISTEN (just the port when it is every address), no chroot.
smtp_addr=$SMTP_PORT
submission_addr=$SUBMISSION_PORT
if [[ $LISTEN != 0.0.0.0 ]]; then
  smtp_addr=$LISTEN:$SMTP_PORT
  submission_addr=$LISTEN:$SUBMISSION_PORT
fi
cat >/etc/postfix/master.cf <<MASTER
# Written by maildock-entrypoint at every start.
# service type  private unpriv  chroot  wakeup  maxproc command + args
$smtp_addr inet n       -       n       -       -       smtpd
$submission_addr inet n     -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/\$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTER

# The queue volume outlives the image: when its owners are not this image's postfix and
# postdrop (a volume from another image), set them all again. That takes seconds, so only
# then; `postfix start-fg` checks the queue and makes missing directories on every start.
queue=/var/spool/postfix
owners_ok=1
for dir in active bounce corrupt defer deferred flush hold incoming private saved trace maildrop public; do
  [[ ! -e $queue/$dir || $(stat -c %U "$queue/$dir") == postfix ]] || owners_ok=0
done
for dir in maildrop public; do
  [[ ! -e $queue/$dir || $(stat -c %G "$queue/$dir") == postdrop ]] || owners_ok=0
done
if [[ $owners_ok == 0 ]]; then
  log "setting the owners and modes of the mail queue"
  postfix set-permissions >/dev/null
fi

log "starting Postfix on $LISTEN (SMTP $SMTP_PORT, submission $SUBMISSION_PORT) for $MAIL_DOMAIN; Dovecot at $DOVECOT_HOST (LMTP $LMTP_PORT, auth $AUTH_PORT)"
exec postfix start-fg
