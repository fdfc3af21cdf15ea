// The message repository: the only code that writes messages (new headers in batches, in
// header-batch.ts); reads of lists and details are in message-lists.ts.
import type { MessageDetail, MessageSummary } from '../../../../common/types.js';
import { encodeFlags } from '../flags.js';
import type { MessageRepository } from '../repositories.js';
import type { ActionRow, HeaderRecord, ListPage, ListQuery } from '../types.js';
import type { Db } from './db.js';
import { insertBatch } from './header-batch.js';
import { MessageLists } from './message-lists.js';

export class MessageRepo implements MessageRepository {
  private readonly lists: MessageLists;

  constructor(private readonly db: Db) {
    this.lists = new MessageLists(db);
  }

  insertHeaders(
    accountId: number,
    mailboxId: number,
    records: readonly HeaderRecord[],
  ): Promise<number[]> {
    if (!records.length) return Promise.resolve([]);
    return this.db.atomic((db) => insertBatch(db, accountId, mailboxId, records));
  }

  async setFlags(
    mailboxId: number,
    uid: number,
    flags: readonly string[],
    modseq: string | null,
  ): Promise<boolean> {
    const { bits, keywords } = encodeFlags(flags);
    const changed = await this.db.run(
      'UPDATE messages SET flags = $1, keywords = $2, modseq = coalesce($3, modseq) WHERE mailbox_id = $4 AND uid = $5',
      [bits, keywords, modseq, mailboxId, uid],
    );
    return changed > 0;
  }

  deleteUids(mailboxId: number, uids: Iterable<number>): Promise<number> {
    return this.db.run('DELETE FROM messages WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])', [
      mailboxId,
      [...uids],
    ]);
  }

  deleteMailboxMessages(mailboxId: number): Promise<number> {
    return this.db.run('DELETE FROM messages WHERE mailbox_id = $1', [mailboxId]);
  }

  deleteIds(ids: Iterable<number>): Promise<number> {
    return this.db.run('DELETE FROM messages WHERE id = ANY($1::bigint[])', [[...ids]]);
  }

  actionRows(ids: readonly number[], threadIds: readonly number[]): Promise<ActionRow[]> {
    // Two lookups, each by its own index.
    return this.db.rows<ActionRow>(
      `SELECT m.id, m.account_id AS "accountId", m.mailbox_id AS "mailboxId", m.uid,
              m.message_id AS msgid, m.flags, m.keywords
         FROM messages m WHERE m.id = ANY($1::bigint[])
       UNION
       SELECT m.id, m.account_id, m.mailbox_id, m.uid, m.message_id, m.flags, m.keywords
         FROM messages m WHERE m.thread_id = ANY($2::bigint[])
        ORDER BY 3, 4`,
      [[...ids], [...threadIds]],
    );
  }

  async setLocalFlags(id: number, bits: number, keywords: string | null): Promise<void> {
    await this.db.run('UPDATE messages SET flags = $1, keywords = $2 WHERE id = $3', [
      bits,
      keywords,
      id,
    ]);
  }

  place(id: number, mailboxId: number, uid: number): Promise<boolean> {
    return this.db.atomic(async (db) => {
      if (uid > 0) {
        const existing = await db.value<number>(
          'SELECT id FROM messages WHERE mailbox_id = $1 AND uid = $2',
          [mailboxId, uid],
        );
        if (existing !== null && existing !== id) {
          await db.run('DELETE FROM messages WHERE id = $1', [id]);
          return false;
        }
      }
      await db.run('UPDATE messages SET mailbox_id = $1, uid = $2 WHERE id = $3', [
        mailboxId,
        uid,
        id,
      ]);
      return true;
    });
  }

  idsByMessageId(accountId: number, messageId: string): Promise<number[]> {
    return this.db.column<number>(
      `SELECT m.id FROM thread_refs r JOIN messages m ON m.thread_id = r.thread_id
        WHERE r.account_id = $1 AND r.msgid = $2 AND m.message_id = r.msgid`,
      [accountId, messageId],
    );
  }

  uidIn(id: number, mailboxId?: number): Promise<number | null> {
    return mailboxId === undefined
      ? this.db.value<number>('SELECT uid FROM messages WHERE id = $1', [id])
      : this.db.value<number>('SELECT uid FROM messages WHERE id = $1 AND mailbox_id = $2', [
          id,
          mailboxId,
        ]);
  }

  async isPlaceholder(id: number, mailboxId: number): Promise<boolean> {
    const found = await this.db.value(
      'SELECT 1 FROM messages WHERE id = $1 AND mailbox_id = $2 AND uid < 0',
      [id, mailboxId],
    );
    return found !== null;
  }

  localUids(mailboxId: number): Promise<number[]> {
    // Negative UIDs are messages moved here locally whose server UID is not known yet.
    return this.db.column<number>(
      'SELECT uid FROM messages WHERE mailbox_id = $1 AND uid > 0 ORDER BY uid',
      [mailboxId],
    );
  }

  list(mailboxId: number, limit: number, before?: number): Promise<MessageSummary[]> {
    return this.lists.list(mailboxId, limit, before);
  }

  page(q: ListQuery): Promise<ListPage> {
    return this.lists.page(q);
  }

  summary(id: number): Promise<MessageSummary | null> {
    return this.lists.summary(id);
  }

  summaries(ids: readonly number[]): Promise<MessageSummary[]> {
    return this.lists.summaries(ids);
  }

  detail(id: number): Promise<Omit<MessageDetail, 'remoteContentAllowed'> | null> {
    return this.lists.detail(id);
  }

  counts(): Promise<{ messages: number; bodies: number }> {
    return this.lists.counts();
  }
}
