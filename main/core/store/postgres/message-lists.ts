// Reading messages: pages of one folder or several as one, by cursor or by offset, one row
// per message or one per conversation, and single summaries and details. Ids sort like
// dates, so "newest first" is the primary key's own order.
import type { ListRow, MessageDetail, MessageSummary } from '../../../../common/types.js';
import { SEEN } from '../flags.js';
import type { ListPage, ListQuery, SummaryRow } from '../types.js';
import { SUMMARY_COLUMNS, toSummary } from '../rows.js';
import { prepared, type Db } from './db.js';
import {
  pageThreads,
  toDetail,
  withThreadSizes,
  type AttachmentRow,
  type DetailRow,
  type ThreadSizeRow,
} from '../rows/messages.js';

const FROM = 'FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id';

/** One folder is `= $1`, several `= ANY($1)`: the planner walks (mailbox_id, id) for the first. */
const scopeOf = (many: boolean) =>
  many
    ? { scope: 'm.mailbox_id = ANY($1::bigint[])', inner: 't.mailbox_id = ANY($1::bigint[])' }
    : { scope: 'm.mailbox_id = $1', inner: 't.mailbox_id = $1' };

/** In conversation view a row stands for its conversation when it is the newest of it here. */
const newest = (inner: string) =>
  `(m.thread_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages t
      WHERE t.thread_id = m.thread_id AND t.id > m.id AND ${inner}))`;

export function totalSql(many: boolean, threads: boolean): string {
  const { scope, inner } = scopeOf(many);
  return `SELECT count(*) FROM messages m WHERE ${scope} ${threads ? `AND ${newest(inner)}` : ''}`;
}

/**
 * A page: $1 the folder(s), $2 before this id, $3 the limit, $4 the offset. Counted, each row
 * also carries the count of the whole list: an uncorrelated subquery, which Postgres runs once
 * (as an InitPlan), when the first row is formed, and not at all for an empty page.
 */
export function pageSql(many: boolean, threads: boolean, counted = false): string {
  const { scope, inner } = scopeOf(many);
  return `SELECT ${SUMMARY_COLUMNS}${counted ? `, (${totalSql(many, threads)}) AS total` : ''} ${FROM}
           WHERE ${scope} AND m.id < $2 ${threads ? `AND ${newest(inner)}` : ''}
           ORDER BY m.id DESC LIMIT $3 OFFSET $4`;
}

/**
 * Messages by id (the hits of a search), each looked up by its key. Joined to its folder as it
 * is, the statement was planned from the folder side: under the row policies the planner
 * expects a person's folder to hold a row or two, and read all of them (5,000 rows of a
 * person at 100k, 6 ms) to find 50 ids. OFFSET 0 keeps the lookup a step of its own.
 */
export const SUMMARIES_SQL = `SELECT ${SUMMARY_COLUMNS}
  FROM (SELECT * FROM messages WHERE id = ANY($1::bigint[]) OFFSET 0) m
  JOIN mailboxes mb ON mb.id = m.mailbox_id`;
const SUMMARIES = prepared(SUMMARIES_SQL);

const scopeParam = (q: Pick<ListQuery, 'mailboxIds'>) =>
  q.mailboxIds.length === 1 ? q.mailboxIds[0]! : [...q.mailboxIds];

export class MessageLists {
  constructor(private readonly db: Db) {}

  async list(mailboxId: number, limit: number, before?: number): Promise<MessageSummary[]> {
    const rows = await this.db.rows<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} ${FROM} WHERE m.mailbox_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`,
      [mailboxId, before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toSummary);
  }

  async page(q: ListQuery): Promise<ListPage> {
    const many = q.mailboxIds.length > 1;
    const counted = q.count === true;
    const sql = prepared(pageSql(many, q.threads, counted));
    const rows = await this.db.rows<SummaryRow & { total?: number }>(sql, [
      scopeParam(q),
      q.before ?? Number.MAX_SAFE_INTEGER,
      q.limit,
      q.offset ?? 0,
    ]);
    const messages = rows.map(toSummary);
    let total: number | null = null;
    if (counted) {
      total =
        rows[0]?.total ??
        (await this.db.value<number>(prepared(totalSql(many, q.threads)), [scopeParam(q)]))!;
    }
    return { rows: q.threads ? await this.withThreadSizes(q, messages) : messages, total };
  }

  private async withThreadSizes(q: ListQuery, messages: MessageSummary[]): Promise<ListRow[]> {
    const ids = pageThreads(messages);
    if (!ids.length) return withThreadSizes(messages, []);
    const { inner } = scopeOf(q.mailboxIds.length > 1);
    const rows = await this.db.rows<ThreadSizeRow>(
      `SELECT t.thread_id AS "threadId", count(*) AS size,
              count(*) FILTER (WHERE (t.flags & ${SEEN}) = 0) AS unread
         FROM messages t WHERE t.thread_id = ANY($2::bigint[]) AND ${inner}
        GROUP BY t.thread_id`,
      [scopeParam(q), ids],
    );
    return withThreadSizes(messages, rows);
  }

  /** Every stored message of a message's conversation, in any folder, oldest first. */
  async thread(id: number): Promise<MessageSummary[]> {
    const rows = await this.db.rows<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} ${FROM}
        WHERE m.thread_id = (SELECT thread_id FROM messages WHERE id = $1) ORDER BY m.id`,
      [id],
    );
    return rows.map(toSummary);
  }

  async summary(id: number): Promise<MessageSummary | null> {
    const row = await this.db.one<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} ${FROM} WHERE m.id = $1`, [
      id,
    ]);
    return row ? toSummary(row) : null;
  }

  async summaries(ids: readonly number[]): Promise<MessageSummary[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows<SummaryRow>(SUMMARIES, [[...ids]]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toSummary(row)] : [];
    });
  }

  async detail(id: number): Promise<Omit<MessageDetail, 'remoteContentAllowed'> | null> {
    const message = await this.summary(id);
    if (!message) return null;
    const d = await this.db.one<DetailRow>(
      `SELECT m.in_reply_to, m.refs, m.unsubscribe, b.text, b.html, b.parse_error FROM messages m
         LEFT JOIN bodies b ON b.message_id = m.id WHERE m.id = $1`,
      [id],
    );
    if (!d) return null;
    const attachments = await this.db.rows<AttachmentRow>(
      `SELECT id, part_id, filename, content_type, size, content_id, inline FROM attachments
        WHERE message_id = $1 ORDER BY id`,
      [id],
    );
    return toDetail(message, d, attachments);
  }

  async counts(): Promise<{ messages: number; bodies: number }> {
    const row = await this.db.one<{ messages: number; bodies: number }>(
      `SELECT count(*) AS messages, count(*) FILTER (WHERE body_state <> 0) AS bodies FROM messages`,
    );
    return row!;
  }
}
