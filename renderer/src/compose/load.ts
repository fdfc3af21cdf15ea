// Forms read back from the core: a local draft (draft.get), a draft another client left in
// the server's Drafts (a stored message, its files downloaded), and the original a reply or
// forward refers to.
import { findIdentity, ownAddresses, replyIdentity } from '../../../common/identities.js';
import type { Account, ComposeMode, Draft, MessageDetail } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import { attachmentKey } from './files.js';
import { emptyForm, formFromDraft, type ComposeForm } from './form.js';
import { textToHtml } from './html-text.js';
import { forwardSubject, replySubject } from '../../../common/subjects.js';
import { isReply, quoteHtml } from './reply.js';
import { addSignature } from './signature.js';

/** The identity of this address among the account's, when it is one. */
const identityOf = (accounts: readonly Account[], accountId: number, email: string | undefined) => {
  const account = accounts.find((a) => a.id === accountId);
  return account && email ? findIdentity(account, email) : null;
};

export async function loadDraft(
  client: MaildockClient,
  draft: Draft,
  accounts: readonly Account[] = [],
): Promise<ComposeForm> {
  if (draft.id !== null) {
    const d = await client.call('draft.get', { id: draft.id });
    // Its signature is the identity's, to find it in the body if From changes.
    return formFromDraft(d, identityOf(accounts, d.accountId, d.from)?.signature ?? null);
  }
  // Raw, as the reader asks: the editor keeps only what its schema knows, and the app's core
  // need not start the server's sanitizer for it.
  const d = await client.call('message.get', { id: draft.storedMessageId!, raw: true });
  const m = d.message;
  const from = identityOf(accounts, m.accountId, m.from[0]?.address);
  const files = await Promise.all(
    d.attachments.map((a) => client.call('attachment.get', { id: a.id })),
  );
  return {
    ...emptyForm(m.accountId),
    from: from?.email ?? null,
    signature: from?.signature ?? null,
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
 * A new reply or forward: the account the original came to, the identity it was sent to
 * with its signature (under the writer's line, above a reply's quote), the subject the core
 * would give; a reply's quote in the editor, where the writer may edit it.
 */
export function answerForm(
  original: MessageDetail,
  reference: { id: number; mode: ComposeMode },
  account?: Account,
): Partial<ComposeForm> {
  const subject = original.message.subject;
  const identity = account ? replyIdentity(account, original.message) : null;
  const base = {
    accountId: original.message.accountId,
    ...(identity ? { from: identity.email, signature: identity.signature } : {}),
  };
  const signature = identity?.signature;
  if (!isReply(reference.mode)) {
    return { ...base, subject: forwardSubject(subject), html: addSignature('', signature) };
  }
  return {
    ...base,
    subject: replySubject(subject),
    html: addSignature(quoteHtml(original), signature, { quoted: true }),
    reference: { ...reference, quoted: true },
  };
}

/** The addresses a reply's account sends from, to leave them out of the reply's recipients. */
export function ownOf(accounts: readonly Account[], accountId: number | null): Set<string> {
  const account = accounts.find((a) => a.id === accountId);
  return account ? ownAddresses(account) : new Set();
}
