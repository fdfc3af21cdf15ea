// Pages of a message list: one folder or several as one (the unified Inbox), by cursor or by
// offset (a page anywhere, for a scrollbar dragged far), one row per message or one per
// conversation. Ids sort like dates, so "newest first" is the primary key's own order.
import type { ListRow, MessageSummary } from '../../../../common/types.js';
import type { Db } from './db.js';
import type { ListPage, ListQuery, SummaryRow } from '../types.js';
import { SEEN } from '../flags.js';
import { SUMMARY_COLUMNS, toSummary } from '../rows.js';
import { pageThreads, withThreadSizes, type ThreadSizeRow } from '../rows/messages.js';

type Statement = ReturnType<Db['prepare']>;

/**
 * One folder walks its (mailbox_id, id) index; several walk the primary key newest first
 * and keep their folders' rows (the unary + keeps SQLite from sorting the union instead).
 */
function scopeOf(many: boolean): { scope: string; inner: string } {
  return many
    ? {
        scope: '+m.mailbox_id IN (SELECT value FROM json_each(@mailboxes))',
        inner: 't.mailbox_id IN (SELECT value FROM json_each(@mailboxes))',
      }
    : { scope: 'm.mailbox_id = @mailbox', inner: 't.mailbox_id = @mailbox' };
}

/** In conversation view a row stands for its conversation when it is the newest of it here. */
const newest = (inner: string) =>
  `(m.thread_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages t
      WHERE t.thread_id = m.thread_id AND t.id > m.id AND ${inner}))`;

export function pageSql(many: boolean, threads: boolean): string {
  const { scope, inner } = scopeOf(many);
  return `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id
           WHERE ${scope} AND m.id < @before ${threads ? `AND ${newest(inner)}` : ''}
           ORDER BY m.id DESC LIMIT @limit OFFSET @offset`;
}

export function totalSql(many: boolean, threads: boolean): string {
  const { scope, inner } = scopeOf(many);
  // A count walks an index, not the table: without the +, SQLite may pick one per folder.
  return `SELECT count(*) FROM messages m WHERE ${scope.replace('+m.', 'm.')}
           ${threads ? `AND ${newest(inner)}` : ''}`;
}

function sizesSql(many: boolean): string {
  const { inner } = scopeOf(many);
  return `SELECT t.thread_id AS threadId, count(*) AS size, sum((t.flags & ${SEEN}) = 0) AS unread
            FROM messages t WHERE t.thread_id IN (SELECT value FROM json_each(@threads))
             AND +${inner}
           GROUP BY t.thread_id`;
}

export class MessageLists {
  private readonly cache = new Map<string, Statement>();
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      thread: db.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id
          WHERE m.thread_id = (SELECT thread_id FROM messages WHERE id = ?) ORDER BY m.id`,
      ),
    };
  }

  private statement(key: string, sql: () => string): Statement {
    let st = this.cache.get(key);
    if (!st) {
      st = this.db.prepare(sql());
      this.cache.set(key, st);
    }
    return st;
  }

  private params(q: Pick<ListQuery, 'mailboxIds'>) {
    return q.mailboxIds.length === 1
      ? { mailbox: q.mailboxIds[0] }
      : { mailboxes: JSON.stringify(q.mailboxIds) };
  }

  page(q: ListQuery): ListPage {
    const many = q.mailboxIds.length > 1;
    const st = this.statement(`page:${many}:${q.threads}`, () => pageSql(many, q.threads));
    const rows = st.all({
      ...this.params(q),
      before: q.before ?? Number.MAX_SAFE_INTEGER,
      limit: q.limit,
      offset: q.offset ?? 0,
    }) as SummaryRow[];
    const messages = rows.map(toSummary);
    return {
      rows: q.threads ? this.withThreadSizes(q, messages) : messages,
      total: q.count ? this.total(q) : null,
    };
  }

  /** Rows of the whole list: messages, or conversations in conversation view. */
  private total(q: Pick<ListQuery, 'mailboxIds' | 'threads'>): number {
    const many = q.mailboxIds.length > 1;
    const st = this.statement(`total:${many}:${q.threads}`, () => totalSql(many, q.threads));
    return st.pluck().get(this.params(q)) as number;
  }

  private withThreadSizes(q: ListQuery, messages: MessageSummary[]): ListRow[] {
    const ids = pageThreads(messages);
    if (!ids.length) return withThreadSizes(messages, []);
    const many = q.mailboxIds.length > 1;
    const st = this.statement(`sizes:${many}`, () => sizesSql(many));
    const sizes = st.all({ ...this.params(q), threads: JSON.stringify(ids) }) as ThreadSizeRow[];
    return withThreadSizes(messages, sizes);
  }

  /** Every stored message of a message's conversation, in any folder, oldest first. */
  thread(id: number): MessageSummary[] {
    return (this.statements.thread.all(id) as SummaryRow[]).map(toSummary);
  }
}
