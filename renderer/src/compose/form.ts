// The compose form's content, and how it becomes the contract's compose input: recipients
// as "Name <address>" strings (the typed rest of a field counts too), the editor's HTML
// cleaned with its text alternative, attachments as base64. A reply or forward sends only
// the writer's part with its reference: the core adds the original's recipients, and the
// forwarded original; a reply's quote is in the writer's text, to edit (reference.quoted).
import type { MethodInput, MethodOutput } from '../../../common/api.js';
import type { ComposeMode } from '../../../common/types.js';
import { formatRecipient, parseList, type Recipient } from './addresses.js';
import { base64Size, attachmentKey, type PendingAttachment } from './files.js';
import { htmlToText, outgoingBodies, textToHtml } from './html-text.js';

export type RecipientField = 'to' | 'cc' | 'bcc';
export const FIELDS: RecipientField[] = ['to', 'cc', 'bcc'];

export interface ComposeForm {
  accountId: number | null;
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

export const bodyText = (form: ComposeForm) => htmlToText(form.html).trim();

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

/**
 * The contract's input for this form. A draft may hold addresses that are not valid yet:
 * they stay in the pane, and the core, which refuses them, gets only the valid ones.
 */
export function toComposeInput(form: ComposeForm): ComposeInput {
  const field = (f: RecipientField) =>
    recipientsOf(form, f)
      .filter((r) => r.valid)
      .map(formatRecipient);
  const { html, text } = outgoingBodies(form.html);
  return {
    ...(form.accountId !== null ? { accountId: form.accountId } : {}),
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

/** A saved draft (draft.get) as the form it was written in. */
export function formFromDraft(d: MethodOutput<'draft.get'>): ComposeForm {
  return {
    ...emptyForm(d.accountId),
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
