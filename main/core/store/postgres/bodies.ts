// Bodies, attachments and the body's part of the search vector. Storing a body is one
// statement: the message row (state, snippet, vector), the body, its attachments and its
// place in the reindex queue change together, or not at all when the message is gone.
import type { BodyRepository } from '../repositories.js';
import type { BodyRecord, Derive, PendingBody, StoredAttachment } from '../types.js';
import { text, textOrNull, type Db } from './db.js';
import { bodyVector, withBody } from './search-vector.js';

const PENDING = `SELECT m.id, m.mailbox_id AS "mailboxId", mb.path, m.uid, m.size,
       m.structure FROM messages m
  JOIN mailboxes mb ON mb.id = m.mailbox_id`;

// Every CTE sees the rows as they were before the statement: the old attachments are
// deleted and the new ones inserted without seeing each other.
const SAVE = `WITH m AS (
    UPDATE messages SET body_state = $2, snippet = $3,
           has_attachments = greatest(has_attachments, $4::integer), search = ${withBody(5)}
     WHERE id = $1 RETURNING id),
  b AS (
    INSERT INTO bodies (message_id, text, html, search_text, parse_error, raw)
    SELECT id, $6::text, $7::text, $8::text, $9::text, $10::bytea FROM m
    ON CONFLICT (user_id, message_id) DO UPDATE SET text = excluded.text, html = excluded.html,
      search_text = excluded.search_text, parse_error = excluded.parse_error, raw = excluded.raw),
  q AS (DELETE FROM body_reindex WHERE message_id IN (SELECT id FROM m)),
  d AS (DELETE FROM attachments WHERE message_id IN (SELECT id FROM m)),
  a AS (
    INSERT INTO attachments (message_id, part_id, filename, content_type, size, content_id, inline)
    SELECT m.id, v.part_id, v.filename, v.content_type, v.size, v.content_id, v.inline
      FROM m, unnest($11::text[], $12::text[], $13::text[], $14::bigint[], $15::text[], $16::integer[])
        WITH ORDINALITY AS v(part_id, filename, content_type, size, content_id, inline, n)
     ORDER BY v.n)
  SELECT count(*) FROM m`;

export class BodyRepo implements BodyRepository {
  constructor(private readonly db: Db) {}

  async save(id: number, body: BodyRecord): Promise<boolean> {
    const bodyText = textOrNull(body.text);
    const html = textOrNull(body.html);
    const searchText = textOrNull(body.searchText);
    const a = body.attachments;
    const saved = await this.db.value<number>(SAVE, [
      id,
      body.parseError && !bodyText && !html ? 2 : 1,
      text(body.snippet),
      a.some((x) => !x.inline) ? 1 : 0,
      bodyVector(searchText ?? bodyText ?? ''),
      bodyText,
      html,
      searchText,
      textOrNull(body.parseError),
      body.raw ?? null,
      a.map((x) => textOrNull(x.partId)),
      a.map((x) => textOrNull(x.filename)),
      a.map((x) => text(x.contentType)),
      a.map((x) => x.size),
      a.map((x) => textOrNull(x.contentId)),
      a.map((x) => (x.inline ? 1 : 0)),
    ]);
    return (saved ?? 0) > 0;
  }

  pending(accountId: number, limit: number): Promise<PendingBody[]> {
    return this.db.rows<PendingBody>(
      `${PENDING} WHERE m.account_id = $1 AND m.body_state = 0 AND m.uid > 0 ORDER BY m.id DESC LIMIT $2`,
      [accountId, limit],
    );
  }

  async pendingCount(accountId: number): Promise<number> {
    return (await this.db.value<number>(
      'SELECT count(*) FROM messages WHERE account_id = $1 AND body_state = 0',
      [accountId],
    ))!;
  }

  pendingOne(id: number): Promise<PendingBody | null> {
    return this.db.one<PendingBody>(
      `${PENDING} WHERE m.id = $1 AND m.body_state = 0 AND m.uid > 0`,
      [id],
    );
  }

  raw(id: number): Promise<Buffer | null> {
    return this.db.value<Buffer>('SELECT raw FROM bodies WHERE message_id = $1', [id]);
  }

  async setRaw(id: number, raw: Buffer | null): Promise<boolean> {
    return (await this.db.run('UPDATE bodies SET raw = $1 WHERE message_id = $2', [raw, id])) > 0;
  }

  attachment(id: number): Promise<StoredAttachment | null> {
    return this.db.one<StoredAttachment>(
      `SELECT a.id, a.message_id AS "messageId", m.account_id AS "accountId", mb.path, m.uid,
              a.part_id AS "partId", a.filename, a.content_type AS "contentType", a.size,
              a.content_hash AS "contentHash"
         FROM attachments a JOIN messages m ON m.id = a.message_id JOIN mailboxes mb ON mb.id = m.mailbox_id
        WHERE a.id = $1`,
      [id],
    );
  }

  async setAttachmentHash(id: number, hash: string): Promise<void> {
    await this.db.run('UPDATE attachments SET content_hash = $1 WHERE id = $2', [hash, id]);
  }

  reindexPending(): Promise<{ accountId: number; count: number }[]> {
    return this.db.rows(
      `SELECT m.account_id AS "accountId", count(*) AS count FROM body_reindex q
         JOIN messages m ON m.id = q.message_id GROUP BY m.account_id ORDER BY m.account_id`,
    );
  }

  reindexNext(accountId: number, limit: number): Promise<number[]> {
    return this.db.column<number>(
      `SELECT q.message_id FROM body_reindex q JOIN messages m ON m.id = q.message_id
        WHERE m.account_id = $1 ORDER BY q.message_id DESC LIMIT $2`,
      [accountId, limit],
    );
  }

  /** False when no longer waiting (a new body was stored meanwhile, or the message is gone). */
  reindex(id: number, derive: Derive): Promise<boolean> {
    return this.db.atomic(async (db) => {
      if ((await db.run('DELETE FROM body_reindex WHERE message_id = $1', [id])) === 0)
        return false;
      const body = await db.one<{ text: string | null; html: string | null }>(
        'SELECT text, html FROM bodies WHERE message_id = $1',
        [id],
      );
      if (!body) return false;
      const { searchText, snippet } = derive(body.text, body.html);
      const clean = textOrNull(searchText);
      await db.run('UPDATE bodies SET search_text = $1 WHERE message_id = $2', [clean, id]);
      await db.run(`UPDATE messages SET snippet = $1, search = ${withBody(3)} WHERE id = $2`, [
        text(snippet),
        id,
        bodyVector(clean ?? body.text ?? ''),
      ]);
      return true;
    });
  }
}
