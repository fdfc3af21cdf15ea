// An account's row as both engines return it, the account the contract shows, and the
// values of a new row (or of an edit) in the order of both engines' statements.
import { z } from 'zod';
import { MaildockError } from '../../../../common/errors.js';
import {
  signatureSchema,
  type Account,
  type AccountInput,
  type Identity,
} from '../../../../common/types.js';

export interface AccountRow {
  id: number;
  email: string;
  name: string | null;
  imap_host: string;
  imap_port: number;
  imap_security: Account['imap']['security'];
  imap_user: string;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: Account['imap']['security'] | null;
  smtp_user: string | null;
  imap_tls_cert: string | null;
  smtp_tls_cert: string | null;
  /** JSON: StoredIdentity[] (the primary's entry, when it has a signature, and the aliases). */
  identities: string | null;
  created_at: string;
}

/** An identity as the accounts row keeps it; the primary's name is the account's. */
const storedIdentitySchema = z.object({
  email: z.string(),
  name: z.string().nullable(),
  signature: signatureSchema.nullable(),
});
export type StoredIdentity = z.infer<typeof storedIdentitySchema>;
const storedIdentitiesSchema = z.array(storedIdentitySchema);

/** A column that is not a list of identities (a damaged restore) reads as none. */
function parseStored(json: string | null): StoredIdentity[] {
  if (!json) return [];
  try {
    const parsed = storedIdentitiesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The account's identities: its own address first (named by the account), then its aliases. */
function identitiesOf(r: AccountRow): Identity[] {
  const stored = parseStored(r.identities);
  const own = r.email.toLowerCase();
  const primary = stored.find((i) => i.email.toLowerCase() === own);
  return [
    { email: r.email, name: r.name, signature: primary?.signature ?? null, primary: true },
    ...stored
      .filter((i) => i !== primary)
      .map((i) => ({ email: i.email, name: i.name, signature: i.signature, primary: false })),
  ];
}

/** The identities column for an account's identities (the primary's name stays the account's). */
export function identitiesValue(identities: readonly Identity[]): string | null {
  const stored: StoredIdentity[] = identities
    .filter((i) => !i.primary || i.signature)
    .map((i) => ({ email: i.email, name: i.primary ? null : i.name, signature: i.signature }));
  return stored.length ? JSON.stringify(stored) : null;
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    imap: {
      host: r.imap_host,
      port: r.imap_port,
      security: r.imap_security,
      user: r.imap_user,
      ...(r.imap_tls_cert ? { tlsCert: r.imap_tls_cert } : {}),
    },
    smtp:
      r.smtp_host && r.smtp_port && r.smtp_security
        ? {
            host: r.smtp_host,
            port: r.smtp_port,
            security: r.smtp_security,
            ...(r.smtp_user ? { user: r.smtp_user } : {}),
            ...(r.smtp_tls_cert ? { tlsCert: r.smtp_tls_cert } : {}),
          }
        : null,
    identities: identitiesOf(r),
    createdAt: r.created_at,
  };
}

/** The values of the INSERT's columns, email to smtp_tls_cert in the order both engines name them. */
export function accountValues(input: Omit<AccountInput, 'password'>): (string | number | null)[] {
  return [
    input.email,
    input.name ?? null,
    input.imap.host,
    input.imap.port,
    input.imap.security,
    input.imap.user,
    input.smtp?.host ?? null,
    input.smtp?.port ?? null,
    input.smtp?.security ?? null,
    input.smtp?.user ?? null,
    input.imap.tlsCert ?? null,
    input.smtp?.tlsCert ?? null,
  ];
}

/** What an edit replaces: the display name and both servers; the address stays. */
export type AccountSettings = Pick<Account, 'name' | 'imap' | 'smtp'>;

/**
 * The values of an edit's SET, name to smtp_tls_cert in the order both engines name them
 * (ACCOUNT_SETTING_COLUMNS).
 */
export function accountSettingValues(s: AccountSettings): (string | number | null)[] {
  return [
    s.name,
    s.imap.host,
    s.imap.port,
    s.imap.security,
    s.imap.user,
    s.imap.tlsCert ?? null,
    s.smtp?.host ?? null,
    s.smtp?.port ?? null,
    s.smtp?.security ?? null,
    s.smtp?.user ?? null,
    s.smtp?.tlsCert ?? null,
  ];
}

export const ACCOUNT_SETTING_COLUMNS = [
  'name',
  'imap_host',
  'imap_port',
  'imap_security',
  'imap_user',
  'imap_tls_cert',
  'smtp_host',
  'smtp_port',
  'smtp_security',
  'smtp_user',
  'smtp_tls_cert',
] as const;

export const alreadyExists = (email: string) =>
  new MaildockError('ALREADY_EXISTS', `An account for ${email} exists already.`, { email });
