// Who a message goes from: the identities the From field offers (every account's for a new
// message, the original's account's for a reply or forward), the one a message starts with,
// and the form once the writer picks another (its signature swapped in the body).
import { findIdentity, primaryIdentity, replyIdentity } from '../../../common/identities.js';
import type { Account, Address, Identity } from '../../../common/types.js';
import type { ComposeForm } from './form.js';
import { addSignature, swapSignature } from './signature.js';

export interface FromChoice {
  accountId: number;
  identity: Identity;
  /** The select's value: account and address. */
  value: string;
  label: string;
}

export const identityLabel = (i: Pick<Identity, 'name' | 'email'>) =>
  i.name ? `${i.name} <${i.email}>` : i.email;

const choiceValue = (accountId: number, email: string) => `${accountId}:${email.toLowerCase()}`;

/** An account's identities, its own first; the account itself when the core has named none. */
export function identitiesOf(account: Account): Identity[] {
  return account.identities.length ? account.identities : [primaryIdentity(account)];
}

/** What From offers: for a reply or forward only the account the original came to. */
export function fromChoices(
  accounts: readonly Account[],
  answeringAccount: number | null,
): FromChoice[] {
  return accounts
    .filter((a) => answeringAccount === null || a.id === answeringAccount)
    .flatMap((a) =>
      identitiesOf(a).map((identity) => ({
        accountId: a.id,
        identity,
        value: choiceValue(a.id, identity.email),
        label: identityLabel(identity),
      })),
    );
}

/**
 * The identity the form goes from: the one chosen, else for a reply or forward the one the
 * original was sent to, else the account's own.
 */
export function currentIdentity(
  form: Pick<ComposeForm, 'accountId' | 'from'>,
  accounts: readonly Account[],
  original?: { to: readonly Address[]; cc: readonly Address[] } | null,
): Identity | null {
  const account = accounts.find((a) => a.id === form.accountId);
  if (!account) return null;
  const chosen = form.from !== null ? findIdentity(account, form.from) : null;
  if (chosen) return chosen;
  return original ? replyIdentity(account, original) : primaryIdentity(account);
}

export const currentValue = (form: Pick<ComposeForm, 'accountId'>, identity: Identity | null) =>
  identity && form.accountId !== null ? choiceValue(form.accountId, identity.email) : '';

/** A new message from an account: its own address, with its signature at the end. */
export function newMessageForm(form: ComposeForm, account: Account | undefined): ComposeForm {
  if (!account) return form;
  const identity = primaryIdentity(account);
  return {
    ...form,
    from: identity.email,
    signature: identity.signature,
    html: addSignature(form.html, identity.signature),
  };
}

/**
 * The form gone from another identity: its account and address, and in the body the new
 * signature for the old one (an old one the writer edited stays as they left it).
 */
export function withIdentity(
  form: ComposeForm,
  accountId: number,
  identity: Identity,
): Pick<ComposeForm, 'accountId' | 'from' | 'signature' | 'html'> {
  return {
    accountId,
    from: identity.email,
    signature: identity.signature,
    html: swapSignature(form.html, form.signature, identity.signature, {
      quoted: form.reference?.quoted ?? false,
    }),
  };
}
