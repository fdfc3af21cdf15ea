// The role the store's connections act as: it owns no table and cannot bypass row-level
// security, so the policies of migration 0003 hold for every query the application sends.
// The owner (whoever `--database` names, who runs the migrations) makes it and grants it
// the rows' verbs, nothing more. Roles are the cluster's, not the database's: the name
// carries the database's, so two databases of one server never share one.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { MaildockError } from '../../../../common/errors.js';

/** The application role of a database: `<database>_app` (hashed when that would be too long). */
export function appRoleName(database: string): string {
  const plain = `${database}_app`.toLowerCase();
  if (/^[a-z_][a-z0-9_]*$/.test(plain) && plain.length <= 63) return plain;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 16);
  return `maildock_app_${hash}`;
}

// Any constant shared by every Maildock: "role" in ASCII.
const APP_ROLE_LOCK = 0x726f6c65;

const ident = (name: string) => pg.Client.prototype.escapeIdentifier(name);
const literal = (value: string) => pg.Client.prototype.escapeLiteral(value);

export interface AppRole {
  name: string;
  /** Set for a role that logs in itself (the server of many people); made NOLOGIN else. */
  password?: string | undefined;
}

/**
 * Makes the role when missing and grants it the tables of the current schema; with a
 * password, it may log in with it. Run by the owner after the migrations, every start: a
 * later migration's tables are granted too.
 */
export async function ensureAppRole(client: pg.ClientBase, role: AppRole): Promise<void> {
  const name = ident(role.name);
  try {
    // Two Maildocks starting at once would both create the role, or grant at once.
    await client.query('SELECT pg_advisory_xact_lock($1)', [APP_ROLE_LOCK]);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
    if (!exists.rowCount) {
      await client.query(
        `CREATE ROLE ${name} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
      );
    }
    // Without a password the role is left as it is: a one-person store or an admin command
    // on a server's database must not lock the server's connections out.
    if (role.password) {
      await client.query(`ALTER ROLE ${name} LOGIN PASSWORD ${literal(role.password)}`);
    }
    await client.query(`GRANT ${name} TO CURRENT_USER`).catch((e: unknown) => {
      // A superuser may act as any role already (and granting a role to itself fails).
      if ((e as { code?: string }).code !== '0LP01') throw e;
    });
    await client.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${name}`,
    );
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${name}`);
    // The schema's version is the owner's business.
    await client.query(`REVOKE ALL ON schema_version FROM ${name}`);
  } catch (e) {
    if (e instanceof MaildockError) throw e;
    const err = e as { code?: string; message?: string };
    throw new MaildockError(
      'STORE_FAILED',
      `The database's application role ${role.name} could not be set up: ${err.message ?? String(e)}. ` +
        'The user in the database URL must own the database and may create roles.',
      { role: role.name, sqlstate: err.code ?? null },
      { cause: e },
    );
  }
}
