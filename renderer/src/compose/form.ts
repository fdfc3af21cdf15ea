// The compose form's content, and how it becomes the contract's compose input: recipients
// as "Name <address>" strings (the typed rest of a field counts too), the editor's HTML
// cleaned with its text alternative, attachments as base64. A reply or forward sends only
// the writer's part with its reference: the core adds the original's recipients, and the
// forwarded original; a reply's quote is in the writer's text, to edit (reference.quoted).
// The identity it goes from is `from`; its signature, left as it was, is said in the text
// part by the identity's own text signature.
import type { MethodInput, MethodOutput } from '../../../common/api.js';
import type { ComposeMode, Signature } from '../../../common/types.js';
import { formatRecipient, parseList, type Recipient } from './addresses.js';
import { base64Size, attachmentKey, type PendingAttachment } from './files.js';
import { cleanHtml, htmlToText, outgoingBodies, textToHtml } from './html-text.js';
import { signatureUnchanged, withoutSignature } from './signature.js';

export type RecipientField = 'to' | 'cc' | 'bcc';
export const FIELDS: RecipientField[] = ['to', 'cc', 'bcc'];

export interface ComposeForm {
  accountId: number | null;
  /** The identity's address it goes from; null: the core's choice (a reply's, or the account's). */
  from: string | null;
  /** The signature put in the body (the identity's when it was chosen), to find it again. */
  signature: Signature | null;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  /** What is typed in each field but not yet a chip. */
  typing: Record<RecipientField, string>;
  subject: string;
  /** The editor's HTML, as it gives it. */
  html: string;
  attachments: PendingAttachment[];
  reference: { id: number; mode: ComposeMode; quoted?: boolean } | null;
}

export type ComposeInput = Omit<MethodInput<'outbox.send'>, 'sendAt' | 'delaySeconds' | 'draftId'>;

export function emptyForm(accountId: number | null): ComposeForm {
  return {
    accountId,
    from: null,
    signature: null,
    to: [],
    cc: [],
    bcc: [],
    typing: { to: '', cc: '', bcc: '' },
    subject: '',
    html: '',
    attachments: [],
    reference: null,
  };
}

/** A new message with its fields given (a mailto: link): addresses parsed, the body as text. */
export function prefilledForm(
  accountId: number | null,
  fields: { to: string[]; cc: string[]; bcc: string[]; subject: string; body: string },
): ComposeForm {
  return {
    ...emptyForm(accountId),
    to: fields.to.flatMap(parseList),
    cc: fields.cc.flatMap(parseList),
    bcc: fields.bcc.flatMap(parseList),
    subject: fields.subject,
    html: fields.body ? textToHtml(fields.body) : '',
  };
}

/** Every recipient of a field: its chips and what is still typed. */
export const recipientsOf = (form: ComposeForm, field: RecipientField): Recipient[] => [
  ...form[field],
  ...parseList(form.typing[field]),
];

/** The writer's own text: the signature is not something they wrote. */
export const bodyText = (form: ComposeForm) => htmlToText(withoutSignature(form.html)).trim();

/** Nothing the writer put in: no recipient, subject, text or file. */
export function isEmpty(form: ComposeForm): boolean {
  return (
    FIELDS.every((f) => recipientsOf(form, f).length === 0) &&
    !form.subject.trim() &&
    !bodyText(form) &&
    form.attachments.length === 0
  );
}

/** The addresses that cannot be sent to, as typed. */
export function invalidRecipients(form: ComposeForm): string[] {
  return FIELDS.flatMap((f) => recipientsOf(form, f))
    .filter((r) => !r.valid)
    .map((r) => r.address || r.name);
}

/** The identity's text signature, where the body's signature is still as it was put in. */
function signatureText(form: ComposeForm): string | undefined {
  const text = form.signature?.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  if (!text) return undefined;
  return signatureUnchanged(cleanHtml(form.html), form.signature) ? text : undefined;
}

/**
 * The contract's input for this form. A draft may hold addresses that are not valid yet:
 * they stay in the pane, and the core, which refuses them, gets only the valid ones.
 */
export function toComposeInput(form: ComposeForm): ComposeInput {
  const field = (f: RecipientField) =>
    recipientsOf(form, f)
      .filter((r) => r.valid)
      .map(formatRecipient);
  const { html, text } = outgoingBodies(form.html, signatureText(form));
  return {
    ...(form.accountId !== null ? { accountId: form.accountId } : {}),
    ...(form.from !== null ? { from: form.from } : {}),
    to: field('to'),
    cc: field('cc'),
    bcc: field('bcc'),
    subject: form.subject,
    html,
    text,
    attachments: form.attachments.map((a) => ({
      content: a.content,
      filename: a.filename,
      contentType: a.contentType,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    })),
    ...(form.reference ? { reference: form.reference } : {}),
  };
}

/**
 * A saved draft (draft.get) as the form it was written in, from the identity it was written
 * from (whose signature, `signature`, it holds).
 */
export function formFromDraft(
  d: MethodOutput<'draft.get'>,
  signature: Signature | null = null,
): ComposeForm {
  return {
    ...emptyForm(d.accountId),
    from: d.from ?? null,
    signature,
    to: d.to.flatMap(parseList),
    cc: d.cc.flatMap(parseList),
    bcc: d.bcc.flatMap(parseList),
    subject: d.subject ?? '',
    html: d.html ?? (d.text ? textToHtml(d.text) : ''),
    attachments: d.attachments.map((a) => ({
      key: attachmentKey(),
      filename: a.filename ?? 'attachment',
      contentType: a.contentType ?? 'application/octet-stream',
      size: base64Size(a.content ?? ''),
      content: a.content ?? '',
      contentId: a.contentId,
    })),
    reference: d.reference ?? null,
  };
}
