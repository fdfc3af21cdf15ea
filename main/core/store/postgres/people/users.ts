import { MaildockError } from '../../../../../common/errors.js';
import type { Person, Role, UserRepository } from '../../people.js';
import type { Db } from '../db.js';
import { LOCAL_TENANT } from './tenants.js';

interface UserRow {
  id: number;
  tenant_id: number;
  tenant: string;
  email: string;
  role: Role;
  created_at: Date;
  password_hash: string | null;
}

const person = (r: UserRow): Person => ({
  userId: r.id,
  tenantId: r.tenant_id,
  tenant: r.tenant,
  email: r.email,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

const SELECT = `SELECT u.id, u.tenant_id, t.name AS tenant, u.email, u.role, u.created_at, u.password_hash
  FROM users u JOIN tenants t ON t.id = u.tenant_id`;

export class UserRepo implements UserRepository {
  constructor(private readonly db: Db) {}

  async add(input: {
    tenantId: number;
    email: string;
    passwordHash: string;
    role: Role;
  }): Promise<Person> {
    const id = await this.db.value<number>(
      `INSERT INTO users (tenant_id, email, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [input.tenantId, input.email, input.passwordHash, input.role],
    );
    if (id === null) {
      throw new MaildockError('ALREADY_EXISTS', `There is a user ${input.email} already.`, {
        email: input.email,
      });
    }
    return (await this.get(id))!;
  }

  async list(tenantId?: number): Promise<Person[]> {
    const rows =
      tenantId === undefined
        ? await this.db.rows<UserRow>(`${SELECT} WHERE t.name <> $1 ORDER BY t.name, u.email`, [
            LOCAL_TENANT,
          ])
        : await this.db.rows<UserRow>(`${SELECT} WHERE u.tenant_id = $1 ORDER BY u.email`, [
            tenantId,
          ]);
    return rows.map(person);
  }

  async get(userId: number): Promise<Person | null> {
    const row = await this.db.one<UserRow>(`${SELECT} WHERE u.id = $1`, [userId]);
    return row ? person(row) : null;
  }

  async forSignIn(email: string): Promise<(Person & { passwordHash: string | null }) | null> {
    const row = await this.db.one<UserRow>(
      `${SELECT} WHERE lower(u.email) = lower($1) AND t.name <> $2`,
      [email, LOCAL_TENANT],
    );
    return row ? { ...person(row), passwordHash: row.password_hash } : null;
  }

  async setPassword(userId: number, passwordHash: string): Promise<boolean> {
    const n = await this.db.run('UPDATE users SET password_hash = $2 WHERE id = $1', [
      userId,
      passwordHash,
    ]);
    return n > 0;
  }

  async remove(userId: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM users WHERE id = $1 AND id <> 1', [userId])) > 0;
  }
}
