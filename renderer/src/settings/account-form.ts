// The account setup form as data: what is typed, which fields the user set by hand, and the
// defaults the rest take from the address and the chosen security, or from the servers
// discovery found for the address. Validation is the contract's own accountInputSchema, so
// the form cannot accept what the core would refuse.
import {
  accountInputSchema,
  accountUpdateSchema,
  type Account,
  type AccountInput,
  type AccountUpdate,
  type DiscoveredServer,
  type Discovery,
  type Security,
} from '../../../common/types.js';
import { i18n } from '../i18n/index.js';

export interface ServerFields {
  host: string;
  /** As typed: checked as a number by the schema. */
  port: string;
  security: Security;
  user: string;
}

export interface AccountForm {
  email: string;
  name: string;
  password: string;
  imap: ServerFields;
  /** The outgoing server is optional: without it the account only reads mail. */
  smtpEnabled: boolean;
  smtp: ServerFields;
  /** Fields the user typed in: they keep their value when the address or security changes. */
  edited: ReadonlySet<DerivedField>;
  /** An account being edited: its fields are its own, none follows the address. */
  fixed?: boolean;
  /** The servers discovery found for an address: while it is the one typed, they are the defaults. */
  discovered?: {
    email: string;
    imap: DiscoveredServer;
    smtp: DiscoveredServer | null;
    /** What discovery changed, put back when another address is typed. */
    before: { imap: Security; smtp: Security; smtpEnabled: boolean };
  };
}

export type DerivedField =
  'imap.host' | 'imap.port' | 'imap.user' | 'smtp.host' | 'smtp.port' | 'smtp.user';

export type FieldPath =
  'email' | 'name' | 'password' | 'smtpEnabled' | DerivedField | 'imap.security' | 'smtp.security';

export const imapPort = (security: Security) => (security === 'tls' ? 993 : 143);
export const smtpPort = (security: Security) => (security === 'tls' ? 465 : 587);

/** The part after the @, when there is one worth guessing from. */
export function domainOf(email: string): string | null {
  const at = email.trim().lastIndexOf('@');
  const domain =
    at >= 0
      ? email
          .trim()
          .slice(at + 1)
          .toLowerCase()
      : '';
  return domain.includes('.') && !domain.endsWith('.') ? domain : null;
}

const DERIVED: DerivedField[] = [
  'imap.host',
  'imap.port',
  'imap.user',
  'smtp.host',
  'smtp.port',
  'smtp.user',
];

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The discovered server for this field, while the address and its security are as found. */
function discoveredFor(form: AccountForm, server: 'imap' | 'smtp'): DiscoveredServer | null {
  const found = form.discovered;
  if (!found || !sameAddress(found.email, form.email)) return null;
  const s = found[server];
  return s && s.security === form[server].security ? s : null;
}

function derived(form: AccountForm, field: DerivedField): string {
  const domain = domainOf(form.email);
  const email = form.email.trim();
  const [server, key] = field.split('.') as ['imap' | 'smtp', 'host' | 'port' | 'user'];
  const found = discoveredFor(form, server);
  if (found) return String(found[key]);
  switch (field) {
    case 'imap.host':
      return domain ? `imap.${domain}` : '';
    case 'smtp.host':
      return domain ? `smtp.${domain}` : '';
    case 'imap.port':
      return String(imapPort(form.imap.security));
    case 'smtp.port':
      return String(smtpPort(form.smtp.security));
    case 'imap.user':
    case 'smtp.user':
      return email;
  }
}

/** Every field the user has not set by hand, filled from the address and the security. */
export function withDefaults(form: AccountForm): AccountForm {
  if (form.fixed) return form;
  const next = { ...form, imap: { ...form.imap }, smtp: { ...form.smtp } };
  for (const field of DERIVED) {
    if (form.edited.has(field)) continue;
    const [server, key] = field.split('.') as ['imap' | 'smtp', 'host' | 'port' | 'user'];
    next[server][key] = derived(form, field);
  }
  return next;
}

/**
 * The form with what discovery found for `email`: its servers' security, and the fields the
 * user has not typed filled from them. An outgoing server found is turned on.
 */
export function withDiscovery(form: AccountForm, email: string, found: Discovery): AccountForm {
  if (!sameAddress(email, form.email)) return form;
  return withDefaults({
    ...form,
    discovered: {
      email,
      imap: found.imap,
      smtp: found.smtp,
      before: form.discovered?.before ?? {
        imap: form.imap.security,
        smtp: form.smtp.security,
        smtpEnabled: form.smtpEnabled,
      },
    },
    imap: { ...form.imap, security: found.imap.security },
    smtp: found.smtp ? { ...form.smtp, security: found.smtp.security } : form.smtp,
    smtpEnabled: found.smtp !== null || form.smtpEnabled,
  });
}

export function emptyAccountForm(): AccountForm {
  const server = (security: Security): ServerFields => ({ host: '', port: '', security, user: '' });
  return withDefaults({
    email: '',
    name: '',
    password: '',
    imap: server('tls'),
    smtpEnabled: true,
    smtp: server('starttls'),
    edited: new Set(),
  });
}

/** One field changed by the user; the fields that follow it are filled again. */
export function editField(
  form: AccountForm,
  path: FieldPath,
  value: string | boolean,
): AccountForm {
  let next: AccountForm;
  if (path === 'smtpEnabled') next = { ...form, smtpEnabled: Boolean(value) };
  else if (path === 'email' || path === 'name' || path === 'password')
    next = { ...form, [path]: String(value) };
  else {
    const [server, key] = path.split('.') as ['imap' | 'smtp', keyof ServerFields];
    next = { ...form, [server]: { ...form[server], [key]: String(value) } };
    if (key !== 'security') {
      const edited = new Set(form.edited);
      // A field emptied by hand goes back to following the defaults.
      if (String(value) === '') edited.delete(path as DerivedField);
      else edited.add(path as DerivedField);
      next.edited = edited;
    }
  }
  // Another address: what discovery found for the last one no longer applies.
  const found = next.discovered;
  if (path === 'email' && found && !sameAddress(found.email, String(value))) {
    next = {
      ...next,
      discovered: undefined,
      imap: { ...next.imap, security: found.before.imap },
      smtp: { ...next.smtp, security: found.before.smtp },
      smtpEnabled: found.before.smtpEnabled,
    };
  }
  return withDefaults(next);
}

function portNumber(port: string): number {
  return /^\s*\d+\s*$/.test(port) ? Number(port) : Number.NaN;
}

/** How the account signs in: the password typed, or a finished OAuth2 sign-in. */
export type AccountSecret = { password: string } | { oauth2: { flowId: string } };

/**
 * The form as the contract's input, before validation: empty optional fields left out. The
 * password typed signs in unless another secret (a finished OAuth2 sign-in) is given.
 */
export function toAccountInput(form: AccountForm, secret?: AccountSecret): unknown {
  const name = form.name.trim();
  return {
    email: form.email,
    ...(name ? { name } : {}),
    imap: {
      host: form.imap.host,
      port: portNumber(form.imap.port),
      security: form.imap.security,
      user: form.imap.user.trim(),
    },
    ...(form.smtpEnabled
      ? {
          smtp: {
            host: form.smtp.host,
            port: portNumber(form.smtp.port),
            security: form.smtp.security,
            ...(form.smtp.user.trim() ? { user: form.smtp.user.trim() } : {}),
          },
        }
      : {}),
    ...(secret ?? { password: form.password }),
  };
}

export type FieldErrors = Partial<Record<FieldPath, string>>;

// The schema's words are for developers; these say what to type.
const FRIENDLY = {
  email: 'settings.setup.errors.email',
  password: 'settings.setup.errors.password',
  'imap.port': 'settings.setup.errors.port',
  'smtp.port': 'settings.setup.errors.port',
  'imap.user': 'settings.setup.errors.user',
} as const;
const friendly = (path: string): string | undefined =>
  path in FRIENDLY ? i18n.t(FRIENDLY[path as keyof typeof FRIENDLY]) : undefined;

// The schema speaks English (common/ serves the command line too): in another language its
// sentence gives way to a plain "not valid", the field marked all the same.
const schemaWords = (message: string): string =>
  i18n.resolvedLanguage === 'en' ? sentence(message) : i18n.t('settings.setup.errors.invalid');

export type Validated = { ok: true; input: AccountInput } | { ok: false; errors: FieldErrors };

function fieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') as FieldPath;
    errors[path] ??= friendly(path) ?? schemaWords(issue.message);
  }
  return errors;
}

export function validateAccountForm(form: AccountForm, secret?: AccountSecret): Validated {
  const parsed = accountInputSchema.safeParse(toAccountInput(form, secret));
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, errors: fieldErrors(parsed.error.issues) };
}

/**
 * An account's settings in the form, to edit them: the address cannot change, so nothing
 * follows it (a field emptied stays empty), and the password is empty, which means
 * "unchanged".
 */
export function accountFormOf(account: Account): AccountForm {
  const server = (s: { host: string; port: number; security: Security; user?: string }) => ({
    host: s.host,
    port: String(s.port),
    security: s.security,
    user: s.user ?? '',
  });
  return {
    email: account.email,
    name: account.name ?? '',
    password: '',
    imap: server(account.imap),
    smtpEnabled: account.smtp !== null,
    // Without an outgoing server, one added later starts from the usual guesses.
    smtp: account.smtp
      ? server(account.smtp)
      : { host: '', port: String(smtpPort('starttls')), security: 'starttls', user: account.email },
    edited: new Set(DERIVED),
    fixed: true,
  };
}

export type ValidatedUpdate =
  { ok: true; input: AccountUpdate; changed: boolean } | { ok: false; errors: FieldErrors };

/** A server as the form would save it, in the order the comparison reads. */
const sameServer = (a: Record<string, unknown> | null | undefined, b: typeof a) =>
  JSON.stringify(a && [a.host, a.port, a.security, a.user ?? null]) ===
  JSON.stringify(b && [b.host, b.port, b.security, b.user ?? null]);

/**
 * The edited form as account.update's input: only what differs from the account is given
 * (an empty password leaves it as it is), checked with the contract's own schema. A server
 * whose host stays keeps the certificate it pins.
 */
export function validateAccountEdit(form: AccountForm, account: Account): ValidatedUpdate {
  const typed = toAccountInput({ ...form, email: account.email }) as {
    name?: string;
    imap: Record<string, unknown>;
    smtp?: Record<string, unknown>;
  };
  const input: Record<string, unknown> = { id: account.id };
  const name = typed.name ?? null;
  if (name !== account.name) input.name = name;
  if (!sameServer(typed.imap, account.imap)) {
    input.imap = { ...typed.imap, ...pinned(account.imap, typed.imap) };
  }
  const smtp = typed.smtp ?? null;
  if (!sameServer(smtp, account.smtp)) {
    input.smtp = smtp && { ...smtp, ...pinned(account.smtp, smtp) };
  }
  if (form.password !== '') input.password = form.password;
  const parsed = accountUpdateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error.issues) };
  return { ok: true, input: parsed.data, changed: Object.keys(parsed.data).length > 1 };
}

function pinned(
  before: { host: string; tlsCert?: string | undefined } | null,
  after: Record<string, unknown>,
): { tlsCert?: string } {
  return before?.tlsCert && before.host === after.host ? { tlsCert: before.tlsCert } : {};
}

const sentence = (s: string) => {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};
