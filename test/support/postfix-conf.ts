// The configuration of a private Postfix (test/support/postfix.ts): its main.cf and master.cf,
// and its place in /etc/postfix/main.cf's list of alternate configuration folders.
import os from 'node:os';
import path from 'node:path';
import { run } from './processes.js';

const MAIN_CF = '/etc/postfix/main.cf';
/** Every test instance's temp folder starts so: entries of vanished ones are recognised. */
export const ROOT_PREFIX = 'maildock-postfix-';

/**
 * Postfix expects every `-c DIR` but the default to be listed in /etc/postfix/main.cf.
 * Adds or removes DIR in alternate_config_directories, under a lock because parallel test
 * files edit the same file. Entries of Maildock test instances whose folder is gone (a test
 * process that was killed) are dropped on the way, so the list does not grow forever.
 */
export function registerConfigDir(action: 'add' | 'remove', dir: string): Promise<void> {
  const script = `set -e
main=${MAIN_CF}
if [ ! -e "$main" ]; then
  mkdir -p "$(dirname "$main")"
  # The package was installed without a configuration. A system Postfix started from this
  # file must not take port 25: Maildock's tests run their own instances.
  printf '%s\\n' '# Written by Maildock test/support/postfix.ts: lists private test instances.' \\
    'master_service_disable = inet' > "$main"
fi
keep=""
for d in $(postconf -c "$(dirname "$main")" -h alternate_config_directories | tr ',' ' '); do
  [ "$d" = "$2" ] && continue
  case "$d" in
    */${ROOT_PREFIX}*) [ -d "$d" ] || continue ;;
  esac
  keep="$keep $d"
done
[ "$1" = add ] && keep="$keep $2"
postconf -c "$(dirname "$main")" -e "alternate_config_directories =$keep"
`;
  const lock = path.join(os.tmpdir(), 'maildock-postfix.lock');
  return run('flock', [lock, 'sh', '-c', script, 'register', action, dir]).then(() => undefined);
}

export function mainCf(p: {
  root: string;
  domain: string;
  hostname: string;
  lmtpPort: number;
  authPort: number;
  tls: boolean;
}): string {
  const { root } = p;
  const nowhere = 'error:Maildock test mail never leaves this machine';
  return `# Written by test/support/postfix.ts: a private instance for one test run.
compatibility_level = 3.6
queue_directory = ${root}/queue
data_directory = ${root}/data
# No syslog here: without this file Postfix fails silently.
maillog_file = ${root}/log/maillog
maillog_file_prefixes = ${root}/log
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = ${p.hostname}
mydomain = ${p.domain}
myorigin = $mydomain
mydestination =
# Nobody is trusted by address: relaying needs SMTP AUTH.
mynetworks =
relay_domains =
append_dot_mydomain = no
biff = no
readme_directory = no
# The compiled-in defaults would read /etc/aliases and ask NIS.
alias_maps =
alias_database =
local_recipient_maps =
local_transport = ${nowhere}
default_transport = ${nowhere}
relay_transport = ${nowhere}
# No DNS: nothing is resolved, nobody outside is asked.
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtpd_peername_lookup = no

virtual_mailbox_domains = ${p.domain}
virtual_mailbox_maps = texthash:${root}/etc/mailboxes
virtual_alias_maps =
virtual_transport = lmtp:inet:127.0.0.1:${p.lmtpPort}

smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:${p.authPort}
smtpd_sasl_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
# Unknown users of the domain are refused at RCPT (550), not bounced later.
smtpd_reject_unlisted_recipient = yes
smtpd_recipient_restrictions =

# While Dovecot is down mail waits, and smtpd cannot start (no SASL server) and is throttled:
# tests should not wait minutes once it is back.
service_throttle_time = 1s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
${
  p.tls
    ? `smtpd_tls_security_level = may
smtpd_tls_cert_file = ${root}/tls/cert.pem
smtpd_tls_key_file = ${root}/tls/key.pem
smtpd_tls_loglevel = 1
`
    : 'smtpd_tls_security_level = none\n'
}`;
}

/** Only the services this instance uses; chroot off (the queue folder has no copy of /etc). */
export function masterCf(port: number, tls: boolean): string {
  const services = [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup    unix n - n 60 1 pickup',
    'cleanup   unix n - n - 0 cleanup',
    'qmgr      unix n - n 300 1 qmgr',
    'rewrite   unix - - n - - trivial-rewrite',
    'bounce    unix - - n - 0 bounce',
    'defer     unix - - n - 0 bounce',
    'trace     unix - - n - 0 bounce',
    'verify    unix - - n - 1 verify',
    'flush     unix n - n 1000? 0 flush',
    'proxymap  unix - - n - - proxymap',
    'showq     unix n - n - - showq',
    'error     unix - - n - - error',
    'retry     unix - - n - - error',
    'discard   unix - - n - - discard',
    'lmtp      unix - - n - - lmtp',
    'anvil     unix - - n - 1 anvil',
    'scache    unix - - n - 1 scache',
    'postlog   unix-dgram n - n - 1 postlogd',
    ...(tls ? ['tlsmgr    unix - - n 1000? 1 tlsmgr'] : []),
  ];
  return `# Written by test/support/postfix.ts.\n${services.join('\n')}\n`;
}
