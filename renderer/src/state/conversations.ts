// In conversation view a row stands for its conversation: an action on it changes the
// conversation's messages in the folders being shown (archiving from the Inbox leaves the
// replies in Sent where they are).
import type { ListRow, MessageSummary } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';

export async function messagesOfRows(
  client: MaildockClient,
  rows: readonly ListRow[],
  /** The folders of the list; null: every folder. */
  mailboxIds: readonly number[] | null,
): Promise<MessageSummary[]> {
  const out = new Map<number, MessageSummary>();
  await Promise.all(
    rows.map(async (row) => {
      out.set(row.id, row);
      if (!row.threadSize || row.threadSize < 2) return;
      const { messages } = await client.call('message.thread', { id: row.id });
      for (const m of messages) {
        if (!mailboxIds || mailboxIds.includes(m.mailboxId)) out.set(m.id, m);
      }
    }),
  );
  return [...out.values()];
}
