// Builds the bytes of an outgoing message with nodemailer's MailComposer: a text part, an
// HTML alternative, attachments, inline images by cid; replies and forwards from a stored
// message with their threading headers, subject prefixes and the quoted original.
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { MaildockError } from '../../../common/errors.js';
import type { Address, ComposeMode } from '../../../common/types.js';
import { forwardSubject, replySubject } from '../../../common/subjects.js';

export interface Identity {
  name: string | null;
  email: string;
}

/** A stored message as a reply or forward needs it. */
export interface Original {
  messageId: string | null;
  references: string[];
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  /** ISO date */
  date: string;
  text: string | null;
  html: string | null;
  /** The whole message, for a forward as attachment. */
  raw?: Buffer;
  /** Its attachments' contents, for an inline forward. */
  attachments?: ResolvedAttachment[];
}

export interface ResolvedAttachment {
  filename?: string | undefined;
  contentType?: string | undefined;
  content: Buffer;
  contentId?: string | undefined;
}

export interface ComposeRequest {
  identity: Identity;
  /** Every address of the sending account (its identities): a reply to all leaves them out. */
  own?: Iterable<string> | undefined;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  attachments: readonly ResolvedAttachment[];
  mode?: ComposeMode | undefined;
  original?: Original | undefined;
  /** The text holds the reply's quote already (the writer may have edited it). */
  quoted?: boolean | undefined;
  /** Kept when given (a draft keeps its Message-ID from version to version). */
  messageId?: string | undefined;
  date?: Date | undefined;
}

export interface Composed {
  raw: Buffer;
  messageId: string;
  /** The envelope sender. */
  from: string;
  /** Every envelope recipient: To, Cc and Bcc, each address once. */
  recipients: string[];
  to: string[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/** References kept from the original: the first and the newest, as RFC 5322 suggests. */
const MAX_REFERENCES = 20;
// Simple and strict: one @, no spaces, no angle brackets; the server judges the rest.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export function newMessageId(email: string): string {
  const domain = email.split('@')[1]?.replace(/[^A-Za-z0-9.-]/g, '') || 'maildock.invalid';
  return `<${randomUUID()}@${domain}>`;
}

/** "Name <a@b>" strings in, checked addresses out; a group's members count one by one. */
export function parseRecipients(list: readonly string[], field: string): Address[] {
  const out: Address[] = [];
  for (const item of list) {
    const parsed = addressparser(item, { flatten: true });
    if (!parsed.length) {
      throw new MaildockError('INVALID_INPUT', `${field}: "${item}" is not an address.`, { field });
    }
    for (const a of parsed) {
      if (!ADDRESS.test(a.address)) {
        throw new MaildockError('INVALID_INPUT', `${field}: "${item}" is not an address.`, {
          field,
        });
      }
      out.push({ name: a.name, address: a.address });
    }
  }
  return out;
}

const lower = (a: Address) => a.address.toLowerCase();

function uniqueExcept(list: Address[], exclude: Set<string>): Address[] {
  const seen = new Set(exclude);
  return list.filter((a) => {
    const key = lower(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const formatAddress = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
const formatList = (l: Address[]) => l.map(formatAddress).join(', ');

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The text of an HTML-only original, crudely: enough to quote it in a text part. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const originalText = (o: Original) => o.text ?? (o.html ? htmlToText(o.html) : '');

function attribution(o: Original): string {
  const who = o.from[0] ? formatAddress(o.from[0]) : 'someone';
  return `On ${new Date(o.date).toUTCString()}, ${who} wrote:`;
}

export function quoteText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : l ? `> ${l}` : '>'))
    .join('\n');
}

function forwardHeaderLines(o: Original): string[] {
  return [
    '---------- Forwarded message ---------',
    `From: ${formatList(o.from)}`,
    `Date: ${new Date(o.date).toUTCString()}`,
    `Subject: ${o.subject}`,
    `To: ${formatList(o.to)}`,
    ...(o.cc.length ? [`Cc: ${formatList(o.cc)}`] : []),
  ];
}

interface Bodies {
  text: string | undefined;
  html: string | undefined;
}

function withOriginal(req: ComposeRequest, o: Original, mode: ComposeMode): Bodies {
  const ownText = req.text ?? (req.html ? htmlToText(req.html) : '');
  const origHtml = o.html ?? `<pre>${escapeHtml(originalText(o))}</pre>`;
  if (mode === 'reply' || mode === 'reply-all') {
    const text = `${ownText.replace(/\n+$/, '')}\n\n${attribution(o)}\n${quoteText(originalText(o))}\n`;
    const html = req.html
      ? `${req.html}\n<div>${escapeHtml(attribution(o))}</div>\n<blockquote type="cite">${origHtml}</blockquote>`
      : undefined;
    return { text, html };
  }
  // forward inline
  const head = forwardHeaderLines(o);
  const text = `${ownText.replace(/\n+$/, '')}\n\n${head.join('\n')}\n\n${originalText(o)}\n`;
  const html = req.html
    ? `${req.html}\n<div>${head.map(escapeHtml).join('<br>')}</div><br>\n${origHtml}`
    : undefined;
  return { text, html };
}

export async function compose(req: ComposeRequest): Promise<Composed> {
  const self = req.identity.email.toLowerCase();
  const own = new Set([self, ...[...(req.own ?? [])].map((a) => a.toLowerCase())]);
  let to = parseRecipients(req.to, 'to');
  let cc = parseRecipients(req.cc, 'cc');
  const bcc = parseRecipients(req.bcc, 'bcc');
  const o = req.original;
  const mode = o ? req.mode : undefined;
  let subject = req.subject ?? '';
  let inReplyTo: string | null = null;
  let references: string[] = [];
  let bodies: Bodies = { text: req.text, html: req.html };
  const attachments: ResolvedAttachment[] = [...req.attachments];

  if (o && mode) {
    const chain = [...o.references, ...(o.messageId ? [o.messageId] : [])];
    if (chain.length > MAX_REFERENCES) chain.splice(1, chain.length - MAX_REFERENCES);
    if (mode === 'reply' || mode === 'reply-all') {
      inReplyTo = o.messageId;
      references = chain;
      if (req.subject === undefined) subject = replySubject(o.subject);
      const fromOthers = o.from.filter((a) => !own.has(lower(a)));
      // A reply to one's own message goes to its recipients again.
      const replyTo = fromOthers.length ? fromOthers : o.to;
      if (mode === 'reply') {
        to = uniqueExcept([...replyTo, ...to], new Set());
      } else {
        to = uniqueExcept([...replyTo, ...o.to, ...to], own);
        cc = uniqueExcept([...o.cc, ...cc], new Set([...own, ...to.map(lower)]));
      }
    } else {
      references = o.messageId ? [o.messageId] : [];
      if (req.subject === undefined) subject = forwardSubject(o.subject);
    }
    if (mode === 'forward-attachment') {
      if (!o.raw) throw new MaildockError('NOT_FOUND', 'The original message could not be read.');
      attachments.push({
        content: o.raw,
        contentType: 'message/rfc822',
        filename: `${(o.subject || 'message').replace(/[\\/:*?"<>|\r\n]+/g, '_').slice(0, 100)}.eml`,
      });
    } else if (!(req.quoted && (mode === 'reply' || mode === 'reply-all'))) {
      bodies = withOriginal(req, o, mode);
      if (mode === 'forward') attachments.push(...(o.attachments ?? []));
    }
  }

  const recipients = uniqueExcept([...to, ...cc, ...bcc], new Set()).map((a) => a.address);
  const messageId = req.messageId ?? newMessageId(req.identity.email);
  const composer = new MailComposer({
    from: { name: req.identity.name ?? '', address: req.identity.email },
    to: to.map((a) => ({ name: a.name, address: a.address })),
    ...(cc.length ? { cc: cc.map((a) => ({ name: a.name, address: a.address })) } : {}),
    // MailComposer leaves Bcc out of the message it builds: it exists only in the envelope.
    ...(bcc.length ? { bcc: bcc.map((a) => ({ name: a.name, address: a.address })) } : {}),
    subject,
    messageId,
    date: req.date ?? new Date(),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length ? { references } : {}),
    // Always a body part: a message of one attachment alone would become that attachment
    // (and MailComposer skips an empty text).
    ...(bodies.text ? { text: bodies.text } : bodies.html === undefined ? { text: '\n' } : {}),
    ...(bodies.html !== undefined ? { html: bodies.html } : {}),
    attachments: attachments.map((a) => ({
      content: a.content,
      ...(a.filename ? { filename: a.filename } : {}),
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.contentId ? { cid: a.contentId } : {}),
      // nodemailer shows a message/rfc822 part inline by default; a forward is an attachment.
      ...(a.contentType === 'message/rfc822' ? { contentDisposition: 'attachment' } : {}),
    })),
    // A file path or URL inside the content must never be followed.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return {
    raw,
    messageId,
    from: req.identity.email,
    recipients,
    to: to.map((a) => a.address),
    subject,
    inReplyTo,
    references,
  };
}

/**
 * The message with its Date header set to `date`: a message sent later carries the time it
 * left, not the time it was written. Only the top-level header block is touched.
 */
export function withDate(raw: Buffer, date: Date): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return raw;
  const head = raw.subarray(0, end).toString('latin1');
  const line = `Date: ${date.toUTCString().replace('GMT', '+0000')}`;
  const next = /^Date:[^\r]*(\r\n[ \t][^\r]*)*/im.test(head)
    ? head.replace(/^Date:[^\r]*(\r\n[ \t][^\r]*)*/im, line)
    : `${head}\r\n${line}`;
  return Buffer.concat([Buffer.from(next, 'latin1'), raw.subarray(end)]);
}
