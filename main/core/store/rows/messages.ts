// What both engines make of their rows when they read messages: the sizes of the
// conversations a page in conversation view stands for, and a message's detail.
import type {
  ListRow,
  ListUnsubscribe,
  MessageDetail,
  MessageSummary,
} from '../../../../common/types.js';

export interface ThreadSizeRow {
  threadId: number;
  size: number;
  unread: number;
}

export interface DetailRow {
  in_reply_to: string | null;
  refs: string | null;
  /** JSON ListUnsubscribe, or null. */
  unsubscribe: string | null;
  text: string | null;
  html: string | null;
  parse_error: string | null;
}

export interface AttachmentRow {
  id: number;
  part_id: string | null;
  filename: string | null;
  content_type: string;
  size: number;
  content_id: string | null;
  inline: number;
}

const unread = (m: MessageSummary) => (m.flags.includes('\\Seen') ? 0 : 1);

/** The conversations a page's rows stand for, each once. */
export function pageThreads(messages: readonly MessageSummary[]): number[] {
  return [...new Set(messages.flatMap((m) => (m.threadId === null ? [] : [m.threadId])))];
}

/** Each row with its conversation's size and unread count here; alone, it is its own. */
export function withThreadSizes(
  messages: readonly MessageSummary[],
  sizes: readonly ThreadSizeRow[],
): ListRow[] {
  const byThread = new Map(sizes.map((r) => [r.threadId, r]));
  return messages.map((m) => {
    const s = m.threadId === null ? undefined : byThread.get(m.threadId);
    return { ...m, threadSize: s?.size ?? 1, threadUnread: s?.unread ?? unread(m) };
  });
}

export function toDetail(
  message: MessageSummary,
  d: DetailRow,
  attachments: readonly AttachmentRow[],
): Omit<MessageDetail, 'remoteContentAllowed'> {
  return {
    message,
    inReplyTo: d.in_reply_to,
    references: d.refs ? (JSON.parse(d.refs) as string[]) : [],
    text: d.text,
    html: d.html,
    attachments: attachments.map((a) => ({
      id: a.id,
      partId: a.part_id,
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      contentId: a.content_id,
      inline: a.inline === 1,
    })),
    parseError: d.parse_error,
    unsubscribe: d.unsubscribe ? (JSON.parse(d.unsubscribe) as ListUnsubscribe) : null,
  };
}
