// The configuration of a private Dovecot (test/support/dovecot.ts): everything under its temp
// folder, listeners on 127.0.0.1 only, passwd-file users whose mail belongs to MAIL_UID.
import { MAIL_GID, MAIL_UID } from './maildir.js';

const SPECIAL_USE = {
  Drafts: '\\Drafts',
  Sent: '\\Sent',
  Trash: '\\Trash',
  Archive: '\\Archive',
  Junk: '\\Junk',
};

export interface DovecotPorts {
  imap: number;
  lmtp: number | undefined;
  auth: number | undefined;
}

/**
 * Tokens checked by an OAuth2 authorization server's introspection endpoint (RFC 7662):
 * XOAUTH2 and OAUTHBEARER logins beside the passwords.
 */
export interface DovecotOAuth2 {
  /** The introspection endpoint, with the server's own client credentials as user:password@. */
  introspectionUrl: string;
  /**
   * Dovecot's client_id: the client it introspects as (sent with the token), and the audience a
   * token it validates locally must name. Introspected tokens are the provider's to judge.
   */
  audience?: string;
  /** A token must carry this scope. */
  scope?: string;
}

/** dovecot-oauth2.conf.ext: the token is posted to the introspection endpoint. */
export function dovecotOAuth2Conf(o: DovecotOAuth2): string {
  return `# Written by test/support/dovecot.ts: tokens checked by the test's authorization server.
introspection_mode = post
introspection_url = ${o.introspectionUrl}
force_introspection = yes
username_attribute = sub
active_attribute = active
active_value = true
${o.audience ? `client_id = ${o.audience}\n` : ''}${o.scope ? `scope = ${o.scope}\n` : ''}timeout_msecs = 5000
`;
}

/** How folders are separated in paths: "/" (LAYOUT=fs), or "." (Maildir++, Dovecot's default). */
export type FolderSeparator = '/' | '.';

function mailLocation(separator: FolderSeparator): string {
  return separator === '/'
    ? `# LAYOUT=fs: folder "A/B" is the directory Maildir/A/B, separator "/"; INBOX is Maildir itself.
mail_location = maildir:~/Maildir:LAYOUT=fs`
    : `# Maildir++: folder "A.B" is the directory Maildir/.A.B, separator "."; INBOX is Maildir itself.
mail_location = maildir:~/Maildir`;
}

export function dovecotConf(
  root: string,
  ports: DovecotPorts,
  imapCapability?: string,
  separator: FolderSeparator = '/',
  prefix = '',
  oauth2 = false,
): string {
  const specialUse = Object.entries(SPECIAL_USE)
    .map(
      ([name, use]) => `  mailbox ${name} {\n    special_use = ${use}\n    auto = subscribe\n  }`,
    )
    .join('\n');
  return `# Written by test/support/dovecot.ts: a private instance for one test run.
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
listen = 127.0.0.1
protocols = imap${ports.lmtp !== undefined ? ' lmtp' : ''}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2 ? ' xoauth2 oauthbearer' : ''}
auth_verbose = yes
# Tests try wrong passwords on purpose; the default 2 s penalty would only slow them down.
auth_failure_delay = 0
first_valid_uid = ${MAIL_UID}
last_valid_uid = ${MAIL_UID}
first_valid_gid = ${MAIL_GID}
last_valid_gid = ${MAIL_GID}
${mailLocation(separator)}
# A test server needs no durability; fsync would only add noise to benchmarks.
mail_fsync = never
mail_max_userip_connections = 50
${imapCapability ? `imap_capability = ${imapCapability}\n` : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/users
${oauth2 ? '  mechanisms = plain login\n' : ''}}
${oauth2 ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${root}/dovecot-oauth2.conf.ext\n}\n` : ''}
userdb {
  driver = passwd-file
  args = username_format=%u ${root}/users
}

namespace inbox {
  inbox = yes
  separator = ${separator}
${prefix ? `  prefix = ${prefix}\n` : ''}${specialUse}
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  # ssl = no does not remove the imaps listener: it would grab 127.0.0.1:993.
  inet_listener imaps {
    port = 0
  }
}
${ports.lmtp !== undefined ? lmtpConf(ports.lmtp) : ''}${ports.auth !== undefined ? authConf(ports.auth) : ''}
# Mail processes run as uid ${MAIL_UID} and must reach the stats writer.
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

function lmtpConf(port: number): string {
  return `
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${port}
  }
}
protocol lmtp {
  # Mail for bob@maildock.test goes to user bob.
  auth_username_format = %Ln
}
`;
}

function authConf(port: number): string {
  // Any listener name but auth-userdb/-master/-login speaks the client (SASL) protocol.
  return `
service auth {
  inet_listener sasl {
    address = 127.0.0.1
    port = ${port}
  }
}
`;
}
