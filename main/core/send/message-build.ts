// A message as the user asked for it, made into bytes: the account it goes from, the
// original it answers or forwards (from the store, its attachments from the cache or the
// server), the attachments named, and when it is due.
import type { MailSecret } from '../secrets/mail-secret.js';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { ownAddresses, sendingIdentity } from '../../../common/identities.js';
import type { Account, ComposeInput } from '../../../common/types.js';
import type { Store, StoredAttachment } from '../store/index.js';
import type { Composed, Original, ResolvedAttachment } from './compose.js';

// nodemailer and imapflow load on first use: reading the outbox starts at once.
const composeModule = () => import('./compose.js');
const imapModule = () => import('./imap.js');

const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export interface BuildDeps {
  store: Store;
  account(id: number): Promise<Account>;
  password(account: Account): Promise<MailSecret>;
  attachmentContent(a: StoredAttachment): Promise<Buffer>;
  /** False where the caller is not the machine's user (HTTP): no file paths. */
  fileAttachments?: boolean | undefined;
  timeoutMs?: number | undefined;
}

async function resolveAttachments(
  d: BuildDeps,
  list: ComposeInput['attachments'],
): Promise<ResolvedAttachment[]> {
  const out: ResolvedAttachment[] = [];
  let total = 0;
  for (const a of list) {
    let content: Buffer;
    if (a.path !== undefined) {
      if (d.fileAttachments === false) {
        throw new MaildockError(
          'INVALID_INPUT',
          'Attachments must be sent as content here, not as file paths.',
          { path: 'attachments' },
        );
      }
      try {
        const s = await stat(a.path);
        if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        if (s.size > MAX_ATTACHMENT_BYTES) {
          throw new MaildockError('TOO_LARGE', `${basename(a.path)} is larger than 64 MB.`, {
            file: a.path,
          });
        }
        content = await readFile(a.path);
      } catch (err) {
        if (err instanceof MaildockError) throw err;
        throw new MaildockError('NOT_FOUND', `The file ${a.path} could not be read.`, {
          file: a.path,
          cause: (err as { code?: string }).code ?? null,
        });
      }
    } else {
      content = Buffer.from(a.content ?? '', 'base64');
    }
    total += content.length;
    if (total > MAX_MESSAGE_BYTES) {
      throw new MaildockError('TOO_LARGE', 'The attachments add up to more than 100 MB.');
    }
    out.push({
      content,
      filename: a.filename ?? (a.path !== undefined ? basename(a.path) : undefined),
      contentType: a.contentType,
      contentId: a.contentId,
    });
  }
  return out;
}

/** The account a message goes from and the original it answers, gathered from the store. */
export async function buildMessage(
  d: BuildDeps,
  input: ComposeInput,
  messageId?: string,
): Promise<{ account: Account; composed: Composed }> {
  let account: Account;
  let original: Original | undefined;
  const ref = input.reference;
  if (ref) {
    const detail = await d.store.messages.detail(ref.id);
    if (!detail) {
      throw new MaildockError('NOT_FOUND', `There is no message ${ref.id}.`, {
        messageId: ref.id,
      });
    }
    const m = detail.message;
    // A reply goes out from the account the original came to.
    account = await d.account(m.accountId);
    if (input.accountId !== undefined && input.accountId !== m.accountId) {
      throw new MaildockError(
        'INVALID_INPUT',
        `Message ${ref.id} belongs to account ${m.accountId}, not ${input.accountId}.`,
        { accountId: input.accountId },
      );
    }
    original = {
      messageId: m.messageId,
      references: detail.references,
      subject: m.subject,
      from: m.from,
      to: m.to,
      cc: m.cc,
      date: m.date,
      text: detail.text,
      html: detail.html,
    };
    if (ref.mode === 'forward-attachment') {
      const { fetchSource } = await imapModule();
      original.raw = await fetchSource(
        {
          store: d.store,
          account,
          password: await d.password(account),
          ...(d.timeoutMs ? { timeoutMs: d.timeoutMs } : {}),
        },
        m.mailbox,
        m.uid,
      );
    } else if (ref.mode === 'forward') {
      original.attachments = [];
      for (const a of detail.attachments) {
        const stored = await d.store.bodies.attachment(a.id);
        if (!stored) continue;
        original.attachments.push({
          content: await d.attachmentContent(stored),
          filename: a.filename ?? undefined,
          contentType: a.contentType,
          contentId: a.contentId ?? undefined,
        });
      }
    }
  } else {
    if (input.accountId === undefined) {
      throw new MaildockError('INVALID_INPUT', 'accountId: say which account sends it.', {
        path: 'accountId',
      });
    }
    account = await d.account(input.accountId);
  }
  const { compose } = await composeModule();
  // The identity asked for, else the one the original was sent to, else the account's own.
  const identity = sendingIdentity(account, input.from, original);
  const composed = await compose({
    identity: { name: identity.name, email: identity.email },
    own: ownAddresses(account),
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    subject: input.subject,
    text: input.text,
    html: input.html,
    attachments: await resolveAttachments(d, input.attachments),
    mode: ref?.mode,
    original,
    quoted: ref?.quoted,
    messageId,
  });
  return { account, composed };
}

/** When a queued message leaves: at sendAt, else after the undo delay. Needs a recipient. */
export function dueAt(
  composed: Composed,
  sendAt: string | undefined,
  delaySeconds: number,
  now: number,
): number {
  if (!composed.recipients.length) {
    throw new MaildockError('INVALID_INPUT', 'to: give at least one recipient.', {
      path: 'to',
    });
  }
  return sendAt !== undefined ? Date.parse(sendAt) : now + delaySeconds * 1000;
}
