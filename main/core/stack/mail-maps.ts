// The files through which Dovecot and Postfix find the stack's mailboxes in Postgres, each
// written into that service's own secret folder (it holds its role's password): Dovecot's
// passdb/userdb SQL, Postfix's pgsql: maps. What reaches them is checked first, so no value
// can break out of its line.
import { MaildockError } from '../../../common/errors.js';
import type { StackSettings } from '../../../common/stack.js';

/** Where a client finds the stack's Postgres, and as whom it signs in. */
export interface MailDatabaseLogin {
  host: string;
  port: number;
  database: string;
  role: string;
  password: string;
}

/** The file names, as the entrypoints look for them in /run/maildock. */
export const DOVECOT_SQL_FILE = 'sql.conf';
export const POSTFIX_MAILBOX_MAP = 'pgsql-mailboxes.cf';
export const POSTFIX_ALIAS_MAP = 'pgsql-aliases.cf';

/** The host the app reaches a listener of the stack on. */
export const hostOf = (settings: StackSettings): string =>
  settings.bind === '0.0.0.0' ? '127.0.0.1' : settings.bind;

/** The stack's Postgres as its own containers reach it: on the compose network, or the host's. */
export function postgresForContainers(settings: StackSettings): { host: string; port: number } {
  return settings.network === 'host'
    ? { host: hostOf(settings), port: settings.ports.postgres }
    : { host: 'postgres', port: 5432 };
}

function checked(login: MailDatabaseLogin): MailDatabaseLogin {
  const ok =
    /^[A-Za-z0-9.:-]{1,253}$/.test(login.host) &&
    Number.isInteger(login.port) &&
    login.port > 0 &&
    login.port < 65536 &&
    /^[a-z_][a-z0-9_]{0,62}$/.test(login.database) &&
    /^[a-z_][a-z0-9_]{0,62}$/.test(login.role) &&
    /^[A-Za-z0-9]{16,128}$/.test(login.password);
  if (!ok)
    throw new MaildockError(
      'INVALID_INPUT',
      'The mail servers’ database login has a value that cannot go into their configuration.',
      { host: login.host, port: login.port, role: login.role },
    );
  return login;
}

/**
 * Dovecot's SQL passdb and userdb. A password hash that names its scheme (`{PBKDF2}…`, a
 * user migrated from the passwd file) goes through as it is; an Argon2id PHC string (what
 * Maildock writes) gets the scheme's name. Dovecot expands %-variables in the queries and
 * escapes them for SQL; `%d`/`%n` are the lower-cased login's domain and name.
 */
export function dovecotSqlConf(login: MailDatabaseLogin): string {
  const l = checked(login);
  return `# Written by Maildock: the stack's mailboxes in Postgres, read as ${l.role}.
driver = pgsql
connect = host=${l.host} port=${l.port} dbname=${l.database} user=${l.role} password=${l.password} connect_timeout=5
password_query = SELECT m.address AS user, \\
  CASE WHEN left(u.password_hash, 1) = '{' THEN u.password_hash \\
       ELSE '{ARGON2ID}' || u.password_hash END AS password \\
  FROM mail_users m JOIN users u ON u.id = m.user_id \\
  WHERE m.address = '%u' AND u.password_hash IS NOT NULL
user_query = SELECT 'vmail' AS uid, 'vmail' AS gid, '/var/mail/%d/%n' AS home, \\
  CASE WHEN quota_bytes IS NULL THEN NULL ELSE '*:storage=' || quota_bytes || 'B' END AS quota_rule \\
  FROM mail_users WHERE address = '%u'
iterate_query = SELECT address AS user FROM mail_users
`;
}

function postfixMap(l: MailDatabaseLogin, what: string, query: string): string {
  return `# Written by Maildock: ${what}, read from Postgres as ${l.role}.
hosts = inet:${l.host}:${l.port}
dbname = ${l.database}
user = ${l.role}
password = ${l.password}
query = ${query}
`;
}

/** Postfix's virtual_mailbox_maps and virtual_alias_maps; Postfix escapes %s for SQL. */
export function postfixPgsqlMaps(login: MailDatabaseLogin): Record<string, string> {
  const l = checked(login);
  return {
    [POSTFIX_MAILBOX_MAP]: postfixMap(
      l,
      'the mailboxes',
      "SELECT 'mailbox' FROM mail_users WHERE address = '%s'",
    ),
    [POSTFIX_ALIAS_MAP]: postfixMap(
      l,
      'the aliases',
      "SELECT destination FROM mail_aliases WHERE source = '%s'",
    ),
  };
}
