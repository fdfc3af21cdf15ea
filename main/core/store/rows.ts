// What every engine does alike to a message's row: its id from its date (ids sort like
// dates, so "newest first" is the primary key's order), its summary as the contract shows
// it, the people it names as one searchable text, and the ids and subject that tie it to its thread.
import type { Address, MessageSummary } from '../../../common/types.js';
import { decodeFlags } from './flags.js';
import type { SummaryRow } from './types.js';

const BODY_STATE = ['pending', 'ready', 'failed'] as const;
// Far-future dates from broken clients are clamped so the id stays a safe integer.
const MAX_DATE = Date.UTC(2200, 0, 1);
export const IDS_PER_MS = 1024;

export const SUMMARY_COLUMNS = `m.id, m.account_id, m.mailbox_id, mb.path, m.uid, m.message_id, m.thread_id,
  m.subject, m.from_json, m.to_json, m.cc_json, m.date, m.flags, m.keywords, m.size, m.snippet,
  m.has_attachments, m.body_state`;

export function toSummary(r: SummaryRow): MessageSummary {
  return {
    id: r.id,
    accountId: r.account_id,
    mailboxId: r.mailbox_id,
    mailbox: r.path,
    uid: r.uid,
    messageId: r.message_id,
    threadId: r.thread_id,
    subject: r.subject,
    from: JSON.parse(r.from_json) as Address[],
    to: JSON.parse(r.to_json) as Address[],
    cc: JSON.parse(r.cc_json) as Address[],
    date: new Date(r.date).toISOString(),
    flags: decodeFlags(r.flags, r.keywords),
    size: r.size,
    snippet: r.snippet,
    hasAttachments: r.has_attachments === 1,
    bodyState: BODY_STATE[r.body_state] ?? 'pending',
  };
}

export function messageIdBase(date: number): number {
  const ms = Number.isFinite(date) ? Math.min(Math.max(Math.trunc(date), 0), MAX_DATE) : 0;
  return ms * IDS_PER_MS;
}

export function addressText(list: readonly Address[]): string {
  return list.map((a) => `${a.name} ${a.address}`).join(' ');
}

/**
 * The Bcc recipients as search sees them: the header's own when it names them, else, for
 * mail sent from here, the addresses its outbox row sent to that To and Cc do not name
 * (`sentTo`): a message's own bytes never hold its Bcc (MailComposer leaves it out).
 */
export function bccText(
  r: { to: readonly Address[]; cc: readonly Address[]; bcc?: readonly Address[] | undefined },
  sentTo: readonly string[] | null,
): string {
  if (r.bcc?.length) return addressText(r.bcc);
  if (!sentTo?.length) return '';
  const named = new Set([...r.to, ...r.cc].map((a) => a.address.toLowerCase()));
  return sentTo.filter((a) => !named.has(a.toLowerCase())).join(' ');
}

const PREFIX = /^\s*((re|fwd?|aw|sv|vs|antw|tr)\s*(\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*/i;

export function subjectKey(subject: string): { key: string; isReply: boolean } {
  let s = subject;
  let isReply = false;
  for (let i = 0; i < 20; i++) {
    const m = PREFIX.exec(s);
    if (!m) break;
    if (m[2]) isReply = true;
    s = s.slice(m[0].length);
  }
  return { key: s.replace(/\s+/g, ' ').trim().toLowerCase(), isReply };
}

export interface ThreadInput {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  subject: string;
  date: number;
}

/** The Message-IDs that tie a message to its thread: its own, its references, its parent's. */
export function threadIds(m: ThreadInput): string[] {
  return [
    ...(m.messageId ? [m.messageId] : []),
    ...m.references,
    ...(m.inReplyTo ? [m.inReplyTo] : []),
  ];
}
