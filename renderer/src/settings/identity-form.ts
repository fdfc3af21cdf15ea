// An identity's form as data: a new alias's address, the name recipients see, and the
// signature (plain text, and optionally a formatted one written in the compose editor).
// Validation is the contract's identityInputSchema, plus what only the account knows: an
// address it has already, or as many identities as it may have.
import { findIdentity, MAX_IDENTITIES } from '../../../common/identities.js';
import {
  identityInputSchema,
  type Account,
  type Identity,
  type IdentityInput,
  type Signature,
} from '../../../common/types.js';
import { cleanHtml, htmlToText, textToHtml } from '../compose/html-text.js';
import { i18n } from '../i18n/index.js';

export interface IdentityForm {
  /** A new alias: its address is typed; an identity's own cannot change. */
  adding: boolean;
  primary: boolean;
  email: string;
  name: string;
  text: string;
  /** A formatted signature for mail written in HTML. */
  htmlOn: boolean;
  /** The editor's HTML. */
  html: string;
}

export type IdentityField = 'email' | 'name' | 'text' | 'html';
export type IdentityErrors = Partial<Record<IdentityField, string>>;

export function newIdentityForm(): IdentityForm {
  return { adding: true, primary: false, email: '', name: '', text: '', htmlOn: false, html: '' };
}

export function identityFormOf(identity: Identity): IdentityForm {
  const html = identity.signature?.html ?? null;
  return {
    adding: false,
    primary: identity.primary,
    email: identity.email,
    name: identity.name ?? '',
    text: identity.signature?.text ?? '',
    htmlOn: html !== null,
    html: html ?? '',
  };
}

/** The formatted signature turned on: it starts as the text one, to format. */
export function withHtmlOn(form: IdentityForm, on: boolean): IdentityForm {
  const empty = !htmlToText(form.html).trim();
  return { ...form, htmlOn: on, html: on && empty ? textToHtml(form.text) : form.html };
}

/** The signature the form gives: null when it says nothing. */
export function signatureOf(form: IdentityForm): Signature | null {
  const text = form.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const cleaned = form.htmlOn ? cleanHtml(form.html) : '';
  const html = htmlToText(cleaned).trim() ? cleaned : null;
  return text.trim() || html ? { text, html } : null;
}

export type ValidatedIdentity =
  { ok: true; input: IdentityInput } | { ok: false; errors: IdentityErrors };

/**
 * The form as identity.save's input. The primary identity's name is the account's, edited
 * with the account: it is left out here.
 */
export function validateIdentity(form: IdentityForm, account: Account): ValidatedIdentity {
  const errors: IdentityErrors = {};
  if (form.adding) {
    if (findIdentity(account, form.email)) {
      errors.email = i18n.t('settings.identities.errors.exists');
    } else if (account.identities.length >= MAX_IDENTITIES) {
      errors.email = i18n.t('settings.identities.errors.tooMany', { max: MAX_IDENTITIES });
    }
  }
  const name = form.name.trim();
  const parsed = identityInputSchema.safeParse({
    accountId: account.id,
    email: form.email,
    ...(form.primary ? {} : { name: name || null }),
    signature: signatureOf(form),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as IdentityField;
      if (field === 'email') errors.email ??= i18n.t('settings.identities.errors.email');
      else if (field === 'name') errors.name ??= i18n.t('settings.identities.errors.name');
      else {
        // Only a signature can be left: too long, in its text or its HTML.
        const part = issue.path[1] === 'html' ? 'html' : 'text';
        errors[part] ??= i18n.t('settings.identities.errors.tooLong');
      }
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, input: parsed.data };
}
