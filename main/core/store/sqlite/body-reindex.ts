// Stored bodies whose searchable text is derived again (migration 0007): their HTML is kept,
// so nothing is fetched. The caller derives the text (main/core/mime/body-text.ts) and groups
// the calls in short transactions.
import type { Db } from './db.js';
import type { Derive } from '../types.js';
import { FtsIndex } from './fts.js';

export class BodyReindexQueue {
  private readonly fts: FtsIndex;
  private readonly statements;

  constructor(db: Db) {
    this.fts = new FtsIndex(db);
    this.statements = {
      perAccount: db.prepare(
        `SELECT m.account_id AS accountId, count(*) AS count FROM body_reindex q
           JOIN messages m ON m.id = q.message_id GROUP BY m.account_id ORDER BY m.account_id`,
      ),
      next: db
        .prepare(
          `SELECT q.message_id FROM body_reindex q JOIN messages m ON m.id = q.message_id
            WHERE m.account_id = ? ORDER BY q.message_id DESC LIMIT ?`,
        )
        .pluck(),
      body: db.prepare('SELECT text, html FROM bodies WHERE message_id = ?'),
      unqueue: db.prepare('DELETE FROM body_reindex WHERE message_id = ?'),
      save: db.prepare('UPDATE bodies SET search_text = ? WHERE message_id = ?'),
      snippet: db.prepare('UPDATE messages SET snippet = ? WHERE id = ?'),
    };
  }

  /** How many messages of each account wait, for progress. */
  pending(): { accountId: number; count: number }[] {
    return this.statements.perAccount.all() as { accountId: number; count: number }[];
  }

  /** The next messages of an account to do, newest first (recent mail is searched most). */
  next(accountId: number, limit: number): number[] {
    return this.statements.next.all(accountId, limit) as number[];
  }

  /**
   * Derives the message's text from its stored body and indexes it. False when it was no
   * longer waiting (a new body was stored meanwhile, or the message is gone).
   */
  reindex(id: number, derive: Derive): boolean {
    if (this.statements.unqueue.run(id).changes === 0) return false;
    const body = this.statements.body.get(id) as
      { text: string | null; html: string | null } | undefined;
    const cols = this.fts.indexed(id);
    if (!body || !cols) return false;
    const { searchText, snippet } = derive(body.text, body.html);
    this.fts.delete(id, cols);
    this.statements.save.run(searchText, id);
    this.statements.snippet.run(snippet, id);
    this.fts.insert(id, { ...cols, body: searchText ?? body.text ?? '' });
    return true;
  }
}
