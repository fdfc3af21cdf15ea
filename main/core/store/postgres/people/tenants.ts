import { MaildockError } from '../../../../../common/errors.js';
import type { Tenant, TenantRepository } from '../../people.js';
import type { Db } from '../db.js';

interface TenantRow {
  id: number;
  name: string;
  created_at: Date;
  users: number;
}

const tenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at.toISOString(),
  users: r.users,
});

const SELECT = `SELECT t.id, t.name, t.created_at,
    (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users
  FROM tenants t`;

/** Tenant names: lower-case letters, digits, dots, dashes and underscores, up to 63. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** "local" holds a one-person store's rows (migration 0003): no server tenant may take it. */
export const LOCAL_TENANT = 'local';

export class TenantRepo implements TenantRepository {
  constructor(private readonly db: Db) {}

  async add(name: string): Promise<Tenant> {
    if (!TENANT_NAME.test(name) || name === LOCAL_TENANT) {
      throw new MaildockError(
        'INVALID_INPUT',
        `"${name}" cannot name a tenant: use lower-case letters, digits, ".", "-" or "_" (not "local").`,
        { tenant: name },
      );
    }
    const id = await this.db.value<number>(
      'INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id',
      [name],
    );
    if (id === null) {
      throw new MaildockError('ALREADY_EXISTS', `There is a tenant ${name} already.`, {
        tenant: name,
      });
    }
    return (await this.byName(name))!;
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.rows<TenantRow>(`${SELECT} WHERE t.name <> $1 ORDER BY t.name`, [
      LOCAL_TENANT,
    ]);
    return rows.map(tenant);
  }

  async byName(name: string): Promise<Tenant | null> {
    const row = await this.db.one<TenantRow>(`${SELECT} WHERE t.name = $1`, [name]);
    return row ? tenant(row) : null;
  }

  async remove(name: string): Promise<boolean> {
    if (name === LOCAL_TENANT) return false;
    return (await this.db.run('DELETE FROM tenants WHERE name = $1', [name])) > 0;
  }
}
