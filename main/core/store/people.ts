// The server of many people, as the store keeps it (Postgres only): tenants, their users,
// sign-in sessions with their refresh tokens, the audit log, and the sealed secrets of each
// person. The mail of each person is an ordinary Store, scoped to them (ServerDatabase).
import type { Store } from './repositories.js';

export type Role = 'admin' | 'user';

/** Whose rows a store works on: every mail row is one tenant's and one user's. */
export interface Owner {
  tenantId: number;
  userId: number;
}

export interface Tenant {
  id: number;
  name: string;
  createdAt: string;
  users: number;
}

export interface Person extends Owner {
  tenant: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface TenantRepository {
  add(name: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  byName(name: string): Promise<Tenant | null>;
  /** Removes the tenant with its users and everything they stored; false when unknown. */
  remove(name: string): Promise<boolean>;
}

export interface UserRepository {
  add(input: {
    tenantId: number;
    email: string;
    passwordHash: string;
    role: Role;
  }): Promise<Person>;
  list(tenantId?: number): Promise<Person[]>;
  get(userId: number): Promise<Person | null>;
  /** The user an address signs in as (any case), with the hash to check the password against. */
  forSignIn(email: string): Promise<(Person & { passwordHash: string | null }) | null>;
  setPassword(userId: number, passwordHash: string): Promise<boolean>;
  /** Removes the user and everything they stored; false when unknown. */
  remove(userId: number): Promise<boolean>;
}

export interface SessionRecord extends Owner {
  id: string;
  expiresAt: number;
  revokedAt: number | null;
}

/** What presenting a refresh token did. */
export type Rotation =
  | { outcome: 'rotated'; session: SessionRecord }
  /** Spent already: the whole family (the session) is revoked now. */
  | { outcome: 'reused'; session: SessionRecord }
  | { outcome: 'unknown' | 'revoked' | 'expired' };

export interface SessionRepository {
  /** A new sign-in with its first refresh token (given as its SHA-256). */
  start(
    input: Owner & { id: string; expiresAt: number; ip: string | null; tokenHash: Buffer },
  ): Promise<void>;
  /**
   * Spends a refresh token and records its successor, at once: of two requests with the same
   * token, one rotates, the other finds it spent and revokes the family.
   */
  rotate(tokenHash: Buffer, nextHash: Buffer, now: number): Promise<Rotation>;
  get(id: string): Promise<SessionRecord | null>;
  /** Revokes one session; false when it was unknown or revoked already. */
  revoke(id: string, reason: string): Promise<boolean>;
  /** Revokes every session of a user (a new password); how many. */
  revokeUser(userId: number, reason: string): Promise<number>;
}

export interface AuditEntry {
  id: number;
  at: string;
  tenantId: number | null;
  userId: number | null;
  actor: string;
  action: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditRepository {
  record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void>;
  /** Newest first. */
  list(query: { tenantId?: number; since?: Date; limit?: number }): Promise<AuditEntry[]>;
}

/** Every account of the server's people, with its owner (no mail, only ids). */
export interface AccountDirectory {
  all(): Promise<{ accountId: number; owner: Owner }[]>;
  ownerOf(accountId: number): Promise<Owner | null>;
  /** The ids of one person's accounts. */
  ofOwner(owner: Owner): Promise<number[]>;
}

/** A mailbox of the stack's own Dovecot: one user's, on a mail domain of the user's tenant. */
export interface MailUser {
  address: string;
  userId: number;
  tenantId: number;
  tenant: string;
  /** null: no limit. */
  quotaBytes: number | null;
  createdAt: string;
}

export interface MailAlias {
  source: string;
  destination: string;
}

/** The services that read the mailboxes, each through a role of its own. */
export type MailReader = 'dovecot' | 'postfix';

export interface MailUserRepository {
  /** The address's domain becomes the user's tenant's when no tenant has it yet. */
  add(input: { userId: number; address: string; quotaBytes: number | null }): Promise<MailUser>;
  list(domain?: string): Promise<MailUser[]>;
  get(address: string): Promise<MailUser | null>;
  /** The mailbox only (its user stays); false when unknown. */
  remove(address: string): Promise<boolean>;
  setQuota(address: string, quotaBytes: number | null): Promise<boolean>;
  addAlias(alias: MailAlias): Promise<void>;
  removeAlias(alias: MailAlias): Promise<boolean>;
  aliases(domain?: string): Promise<MailAlias[]>;
  /**
   * The role a mail server signs in as, made when missing, with this password, allowed to
   * read what that server needs and nothing else; its name.
   */
  ensureReader(reader: MailReader, password: string): Promise<string>;
}

export interface People {
  directory: AccountDirectory;
  tenants: TenantRepository;
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  mailboxes: MailUserRepository;
}

/** A secret as stored: sealed by the caller (secrets/), under the key named by keyId. */
export interface SealedSecret {
  keyId: string;
  sealed: Buffer;
}

export interface SealedSecretRepository {
  get(name: string): Promise<SealedSecret | null>;
  set(name: string, secret: SealedSecret): Promise<void>;
  /** False when there was none. */
  delete(name: string): Promise<boolean>;
  /** The names held, sorted. */
  list(): Promise<string[]>;
}

/** The database of the server of many people. */
export interface ServerDatabase {
  readonly location: string;
  people: People;
  /** The mail of one person: every query of it sees and writes only their rows. */
  storeFor(owner: Owner): Store;
  sealedFor(owner: Owner): SealedSecretRepository;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
