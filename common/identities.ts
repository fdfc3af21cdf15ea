// The addresses an account sends from, and the signatures written under what they send: which
// identity a message goes from, which one a reply picks, and a signature as text or HTML.
// Pure, for the core (sending, the command line) and the renderer (compose) alike.
import { MaildockError } from './errors.js';
import type { Account, Address, Identity, Signature } from './types.js';

/** Identities an account may have, its own address included. */
export const MAX_IDENTITIES = 20;

const lower = (email: string) => email.trim().toLowerCase();

/** The account's own address, as an identity. */
export function primaryIdentity(account: Pick<Account, 'identities' | 'email' | 'name'>): Identity {
  return (
    account.identities.find((i) => i.primary) ?? {
      email: account.email,
      name: account.name,
      signature: null,
      primary: true,
    }
  );
}

/** The identity of this address, or null when the account has none for it. */
export function findIdentity(account: Pick<Account, 'identities'>, email: string): Identity | null {
  const wanted = lower(email);
  return account.identities.find((i) => lower(i.email) === wanted) ?? null;
}

/**
 * The identity a message goes from: the one asked for (which must be the account's), else
 * for a reply the one the original was sent to, else the account's own.
 */
export function sendingIdentity(
  account: Pick<Account, 'identities' | 'email' | 'name' | 'id'>,
  from: string | undefined,
  original?: { to: readonly Address[]; cc: readonly Address[] },
): Identity {
  if (from !== undefined) {
    const found = findIdentity(account, from);
    if (!found) {
      throw new MaildockError(
        'INVALID_INPUT',
        `from: ${from} is not an identity of account ${account.id} (${account.email}).`,
        { path: 'from', accountId: account.id },
      );
    }
    return found;
  }
  return original ? replyIdentity(account, original) : primaryIdentity(account);
}

/**
 * The identity a reply goes from: the first of the original's To, then Cc, that is one of
 * the account's; else the account's own.
 */
export function replyIdentity(
  account: Pick<Account, 'identities' | 'email' | 'name'>,
  original: { to: readonly Address[]; cc: readonly Address[] },
): Identity {
  for (const a of [...original.to, ...original.cc]) {
    const found = findIdentity(account, a.address);
    if (found) return found;
  }
  return primaryIdentity(account);
}

/** Every address of the account, lower case: a reply to all leaves them out. */
export function ownAddresses(account: Pick<Account, 'identities' | 'email'>): Set<string> {
  return new Set([lower(account.email), ...account.identities.map((i) => lower(i.email))]);
}

/** The separator RFC 3676 gives a signature: "-- " alone on its line. */
export const SIGNATURE_SEPARATOR = '-- ';

/** A signature as plain text under a body, separator included; '' for none. */
export function signatureBlock(signature: Signature | null | undefined): string {
  const text = signature?.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '') ?? '';
  return text ? `\n\n${SIGNATURE_SEPARATOR}\n${text}` : '';
}

/**
 * A text body with its signature changed from `before` to `after`: the old block where the
 * body still ends with it (else left as the writer changed it), the new one added.
 */
export function swapTextSignature(
  body: string,
  before: Signature | null | undefined,
  after: Signature | null | undefined,
): string {
  const old = signatureBlock(before);
  const trimmed = old && body.endsWith(old) ? body.slice(0, -old.length) : body;
  return trimmed + signatureBlock(after);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A signature as HTML (its own HTML, else its text as lines); '' for none. Not sanitized. */
export function signatureHtml(signature: Signature | null | undefined): string {
  if (!signature) return '';
  if (signature.html?.trim()) return signature.html;
  const text = signature.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  return text ? text.split('\n').map(escapeHtml).join('<br>') : '';
}
