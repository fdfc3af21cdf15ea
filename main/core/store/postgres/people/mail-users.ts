import { createHash } from 'node:crypto';
import pg from 'pg';
import { MaildockError } from '../../../../../common/errors.js';
import type { MailAlias, MailUser, MailUserRepository, MailReader } from '../../people.js';
import type { Db } from '../db.js';

interface MailUserRow {
  address: string;
  user_id: number;
  tenant_id: number;
  tenant: string;
  quota_bytes: number | null;
  created_at: Date;
}

const mailbox = (r: MailUserRow): MailUser => ({
  address: r.address,
  userId: r.user_id,
  tenantId: r.tenant_id,
  tenant: r.tenant,
  quotaBytes: r.quota_bytes,
  createdAt: r.created_at.toISOString(),
});

const SELECT = `SELECT m.address, m.user_id, u.tenant_id, t.name AS tenant, m.quota_bytes, m.created_at
  FROM mail_users m JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = u.tenant_id`;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * What each mail server may read, by column: Dovecot a mailbox's user, quota and password
 * hash; Postfix only which addresses exist and where aliases lead, never a hash.
 */
const READER_GRANTS: Record<MailReader, (role: string) => string[]> = {
  dovecot: (role) => [
    `GRANT SELECT (address, user_id, quota_bytes) ON mail_users TO ${role}`,
    `GRANT SELECT (id, password_hash) ON users TO ${role}`,
  ],
  postfix: (role) => [
    `GRANT SELECT (address) ON mail_users TO ${role}`,
    `GRANT SELECT (source, destination) ON mail_aliases TO ${role}`,
  ],
};

// Any constant shared by every Maildock: "mail" in ASCII.
const READER_LOCK = 0x6d61696c;

/** `<database>_<reader>`, hashed when that would not be a plain identifier. */
export function readerRoleName(database: string, reader: MailReader): string {
  const plain = `${database}_${reader}`.toLowerCase();
  if (/^[a-z_][a-z0-9_]*$/.test(plain) && plain.length <= 63) return plain;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 16);
  return `maildock_${reader}_${hash}`;
}

export class MailUserRepo implements MailUserRepository {
  constructor(private readonly db: Db) {}

  async add(input: {
    userId: number;
    address: string;
    quotaBytes: number | null;
  }): Promise<MailUser> {
    const address = input.address.toLowerCase();
    const domain = domainOf(address);
    await this.db.atomic(async (db) => {
      const tenantId = await db.value<number>('SELECT tenant_id FROM users WHERE id = $1', [
        input.userId,
      ]);
      if (tenantId === null)
        throw new MaildockError('NOT_FOUND', `There is no user ${input.userId}.`, {
          userId: input.userId,
        });
      await db.run(
        'INSERT INTO mail_domains (name, tenant_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [domain, tenantId],
      );
      const owner = await db.value<number>('SELECT tenant_id FROM mail_domains WHERE name = $1', [
        domain,
      ]);
      if (owner !== tenantId)
        throw new MaildockError('INVALID_INPUT', `${domain} is another tenant’s mail domain.`, {
          domain,
        });
      const added = await db.run(
        `INSERT INTO mail_users (address, domain, user_id, quota_bytes) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [address, domain, input.userId, input.quotaBytes],
      );
      if (!added)
        throw new MaildockError('ALREADY_EXISTS', `There is a mailbox ${address} already.`, {
          address,
        });
    });
    return (await this.get(address))!;
  }

  async list(domain?: string): Promise<MailUser[]> {
    const rows =
      domain === undefined
        ? await this.db.rows<MailUserRow>(`${SELECT} ORDER BY m.address`)
        : await this.db.rows<MailUserRow>(`${SELECT} WHERE m.domain = $1 ORDER BY m.address`, [
            domain.toLowerCase(),
          ]);
    return rows.map(mailbox);
  }

  async get(address: string): Promise<MailUser | null> {
    const row = await this.db.one<MailUserRow>(`${SELECT} WHERE m.address = $1`, [
      address.toLowerCase(),
    ]);
    return row ? mailbox(row) : null;
  }

  async remove(address: string): Promise<boolean> {
    return (
      (await this.db.run('DELETE FROM mail_users WHERE address = $1', [address.toLowerCase()])) > 0
    );
  }

  async setQuota(address: string, quotaBytes: number | null): Promise<boolean> {
    const n = await this.db.run('UPDATE mail_users SET quota_bytes = $2 WHERE address = $1', [
      address.toLowerCase(),
      quotaBytes,
    ]);
    return n > 0;
  }

  async addAlias(alias: MailAlias): Promise<void> {
    const source = alias.source.toLowerCase();
    const domain = domainOf(source);
    const known = await this.db.value<string>('SELECT name FROM mail_domains WHERE name = $1', [
      domain,
    ]);
    if (known === null)
      throw new MaildockError('NOT_FOUND', `${domain} is not a mail domain here.`, { domain });
    await this.db.run(
      `INSERT INTO mail_aliases (source, destination, domain) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [source, alias.destination, domain],
    );
  }

  async removeAlias(alias: MailAlias): Promise<boolean> {
    const n = await this.db.run('DELETE FROM mail_aliases WHERE source = $1 AND destination = $2', [
      alias.source.toLowerCase(),
      alias.destination,
    ]);
    return n > 0;
  }

  async aliases(domain?: string): Promise<MailAlias[]> {
    return domain === undefined
      ? this.db.rows<MailAlias>(
          'SELECT source, destination FROM mail_aliases ORDER BY source, destination',
        )
      : this.db.rows<MailAlias>(
          `SELECT source, destination FROM mail_aliases WHERE domain = $1
           ORDER BY source, destination`,
          [domain.toLowerCase()],
        );
  }

  async ensureReader(reader: MailReader, password: string): Promise<string> {
    return this.db.atomic(async (db) => {
      await db.run('SELECT pg_advisory_xact_lock($1)', [READER_LOCK]);
      const database = (await db.value<string>('SELECT current_database()'))!;
      const role = readerRoleName(database, reader);
      const name = pg.Client.prototype.escapeIdentifier(role);
      const exists = await db.value<number>('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!exists)
        await db.run(
          `CREATE ROLE ${name} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT`,
        );
      await db.run(
        `ALTER ROLE ${name} LOGIN PASSWORD ${pg.Client.prototype.escapeLiteral(password)}`,
      );
      // Whatever it was granted before goes: it reads these columns, and only these.
      await db.run(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${name}`);
      await db.run(`GRANT USAGE ON SCHEMA public TO ${name}`);
      for (const grant of READER_GRANTS[reader](name)) await db.run(grant);
      return role;
    });
  }
}
