// Forms read back from the core: a local draft (draft.get), a draft another client left in
// the server's Drafts (a stored message, its files downloaded), and the original a reply or
// forward refers to.
import type { Account, ComposeMode, Draft, MessageDetail } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import { attachmentKey } from './files.js';
import { emptyForm, formFromDraft, type ComposeForm } from './form.js';
import { textToHtml } from './html-text.js';
import { forwardSubject, replySubject } from '../../../common/subjects.js';
import { isReply, quoteHtml } from './reply.js';

export async function loadDraft(client: MaildockClient, draft: Draft): Promise<ComposeForm> {
  if (draft.id !== null) return formFromDraft(await client.call('draft.get', { id: draft.id }));
  // Raw, as the reader asks: the editor keeps only what its schema knows, and the app's core
  // need not start the server's sanitizer for it.
  const d = await client.call('message.get', { id: draft.storedMessageId!, raw: true });
  const m = d.message;
  const files = await Promise.all(
    d.attachments.map((a) => client.call('attachment.get', { id: a.id })),
  );
  return {
    ...emptyForm(m.accountId),
    to: m.to.map((a) => ({ ...a, valid: true })),
    cc: m.cc.map((a) => ({ ...a, valid: true })),
    subject: m.subject,
    html: d.html ?? (d.text ? textToHtml(d.text) : ''),
    attachments: files.map((f, i) => ({
      key: attachmentKey(),
      filename: f.filename ?? 'attachment',
      contentType: f.contentType,
      size: f.size,
      content: f.data,
      contentId: d.attachments[i]?.contentId ?? undefined,
    })),
  };
}

/**
 * A new reply or forward: the account the original came to, the subject the core would give;
 * a reply's quote in the editor, where the writer may edit it.
 */
export function answerForm(
  original: MessageDetail,
  reference: { id: number; mode: ComposeMode },
): Partial<ComposeForm> {
  const subject = original.message.subject;
  const base = { accountId: original.message.accountId };
  if (!isReply(reference.mode)) return { ...base, subject: forwardSubject(subject) };
  return {
    ...base,
    subject: replySubject(subject),
    html: quoteHtml(original),
    reference: { ...reference, quoted: true },
  };
}

/** The address a reply's account sends from, to leave it out of the reply's recipients. */
export const selfOf = (accounts: Account[], accountId: number | null) =>
  accounts.find((a) => a.id === accountId)?.email ?? '';
