// What `maildock admin` does to the server's people, on the owner's connection, with or
// without a server running: tenants, users and their passwords, and the audit log. Every
// change is audited with the actor "admin".
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import {
  openAdminDatabase,
  type AuditEntry,
  type People,
  type Person,
  type Role,
  type Tenant,
} from '../store/index.js';
import { hashPassword } from './passwords.js';

const ACTOR = 'admin';

export const emailSchema = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters.')
  .pipe(z.email('That is not an email address.'));

export interface UserRef {
  tenant: string;
  email: string;
}

export class PeopleAdmin {
  constructor(
    private readonly people: People,
    readonly location: string,
    private readonly closeDb: () => Promise<void> = async () => undefined,
  ) {}

  close(): Promise<void> {
    return this.closeDb();
  }

  private record(action: string, entry: Partial<Omit<AuditEntry, 'id' | 'at' | 'action'>>) {
    return this.people.audit.record({
      tenantId: entry.tenantId ?? null,
      userId: entry.userId ?? null,
      actor: ACTOR,
      action,
      ip: null,
      detail: entry.detail ?? {},
    });
  }

  async tenant(name: string): Promise<Tenant> {
    const tenant = await this.people.tenants.byName(name);
    // "local" holds a one-person store's rows: not a tenant of the server's.
    if (!tenant || name === 'local') throw noTenant(name);
    return tenant;
  }

  async addTenant(name: string): Promise<Tenant> {
    const tenant = await this.people.tenants.add(name);
    await this.record('tenant.add', { tenantId: tenant.id, detail: { tenant: name } });
    return tenant;
  }

  listTenants(): Promise<Tenant[]> {
    return this.people.tenants.list();
  }

  /** Removes the tenant with all its users and their mail. */
  async removeTenant(name: string): Promise<Tenant> {
    const tenant = await this.tenant(name);
    if (!(await this.people.tenants.remove(name))) throw noTenant(name);
    await this.record('tenant.remove', {
      tenantId: tenant.id,
      detail: { tenant: name, users: tenant.users },
    });
    return tenant;
  }

  async addUser(input: UserRef & { password: string; role: Role }): Promise<Person> {
    const tenant = await this.tenant(input.tenant);
    const email = parseEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    const person = await this.people.users.add({
      tenantId: tenant.id,
      email,
      passwordHash,
      role: input.role,
    });
    await this.record('user.add', {
      tenantId: tenant.id,
      userId: person.userId,
      detail: { email, role: input.role },
    });
    return person;
  }

  async listUsers(tenant?: string): Promise<Person[]> {
    if (tenant === undefined) return this.people.users.list();
    return this.people.users.list((await this.tenant(tenant)).id);
  }

  async user(ref: UserRef): Promise<Person> {
    const tenant = await this.tenant(ref.tenant);
    const found = await this.people.users.forSignIn(ref.email.trim());
    if (!found || found.tenantId !== tenant.id) {
      throw new MaildockError('NOT_FOUND', `Tenant ${ref.tenant} has no user ${ref.email}.`, {
        tenant: ref.tenant,
        email: ref.email,
      });
    }
    const { passwordHash: _hash, ...person } = found;
    return person;
  }

  /** Removes the user with their mail and sessions. */
  async removeUser(ref: UserRef): Promise<Person> {
    const person = await this.user(ref);
    await this.people.users.remove(person.userId);
    await this.record('user.remove', {
      tenantId: person.tenantId,
      userId: person.userId,
      detail: { email: person.email },
    });
    return person;
  }

  /** A new password; every session of the user ends, so a stolen one stops working. */
  async setPassword(ref: UserRef & { password: string }): Promise<{ sessionsRevoked: number }> {
    const person = await this.user(ref);
    await this.people.users.setPassword(person.userId, await hashPassword(ref.password));
    const sessionsRevoked = await this.people.sessions.revokeUser(person.userId, 'new password');
    await this.record('user.passwd', {
      tenantId: person.tenantId,
      userId: person.userId,
      detail: { email: person.email, sessionsRevoked },
    });
    return { sessionsRevoked };
  }

  async audit(query: { tenant?: string; since?: Date; limit?: number }): Promise<AuditEntry[]> {
    const tenantId = query.tenant === undefined ? undefined : (await this.tenant(query.tenant)).id;
    return this.people.audit.list({
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(query.since ? { since: query.since } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
  }
}

const noTenant = (name: string) =>
  new MaildockError('NOT_FOUND', `There is no tenant ${name}.`, { tenant: name });

function parseEmail(email: string): string {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) {
    throw new MaildockError('INVALID_INPUT', parsed.error.issues[0]!.message, { email });
  }
  return parsed.data;
}

/** The owner's connection (the URL's user): it runs the migrations the first time. */
export async function openPeopleAdmin(url: string): Promise<PeopleAdmin> {
  const db = await openAdminDatabase(url);
  return new PeopleAdmin(db.people, db.location, () => db.close());
}
