// What the core adds to a reply or forward (main/core/send/compose.ts), computed here the
// same way so the compose pane shows it before it is sent: the recipients a reply goes to
// whatever the writer adds, the subject prefix, the attribution and the quoted original.
// The core fills these in itself; the pane only shows them and sends the writer's part.
// A reply's quote is the exception: it is put in the editor, for the writer to edit.
import type { Address, ComposeMode, MessageDetail } from '../../../common/types.js';
import { escapeHtml, htmlToText, quoteLines, textToHtml } from './html-text.js';

export const isReply = (mode: ComposeMode) => mode === 'reply' || mode === 'reply-all';

const key = (a: Address) => a.address.toLowerCase();

function unique(list: Address[], exclude: Set<string>): Address[] {
  const seen = new Set(exclude);
  return list.filter((a) => {
    if (seen.has(key(a))) return false;
    seen.add(key(a));
    return true;
  });
}

/**
 * The recipients the core puts on a reply before the writer's own (none for a forward);
 * `own` is every address of the account (lower case), none of which a reply goes to.
 */
export function replyRecipients(
  original: Pick<MessageDetail['message'], 'from' | 'to' | 'cc'>,
  own: ReadonlySet<string>,
  mode: ComposeMode,
): { to: Address[]; cc: Address[] } {
  if (!isReply(mode)) return { to: [], cc: [] };
  const fromOthers = original.from.filter((a) => !own.has(key(a)));
  // A reply to one's own message goes to its recipients again.
  const replyTo = fromOthers.length ? fromOthers : original.to;
  if (mode === 'reply') return { to: unique(replyTo, new Set()), cc: [] };
  const to = unique([...replyTo, ...original.to], new Set(own));
  const cc = unique(original.cc, new Set([...own, ...to.map(key)]));
  return { to, cc };
}

const formatAddress = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

export function attribution(m: Pick<MessageDetail['message'], 'from' | 'date'>): string {
  const who = m.from[0] ? formatAddress(m.from[0]) : 'someone';
  return `On ${new Date(m.date).toUTCString()}, ${who} wrote:`;
}

function forwardHead(m: MessageDetail['message']): string[] {
  const list = (l: Address[]) => l.map(formatAddress).join(', ');
  return [
    '---------- Forwarded message ---------',
    `From: ${list(m.from)}`,
    `Date: ${new Date(m.date).toUTCString()}`,
    `Subject: ${m.subject}`,
    `To: ${list(m.to)}`,
    ...(m.cc.length ? [`Cc: ${list(m.cc)}`] : []),
  ];
}

const originalText = (d: MessageDetail) =>
  (d.text ?? (d.html ? htmlToText(d.html) : '')).replace(/\s+$/, '');

/**
 * The text the core appends under the writer's own: the quote of a reply, the original
 * of an inline forward; null for a forward as attachment (the original travels whole).
 */
export function appendedText(d: MessageDetail, mode: ComposeMode): string | null {
  if (isReply(mode)) return `${attribution(d.message)}\n${quoteLines(originalText(d))}`;
  if (mode === 'forward') return `${forwardHead(d.message).join('\n')}\n\n${originalText(d)}`;
  return null;
}

/** A reply's quote as the editor's HTML: a line to write on, the attribution, the quote. */
export function quoteHtml(d: MessageDetail): string {
  const quoted = textToHtml(originalText(d)) || '<p></p>';
  return `<p></p><p>${escapeHtml(attribution(d.message))}</p><blockquote>${quoted}</blockquote>`;
}

/** The file a forward as attachment carries, named as the core names it. */
export function forwardedFileName(subject: string): string {
  return `${(subject || 'message').replace(/[\\/:*?"<>|\r\n]+/g, '_').slice(0, 100)}.eml`;
}
