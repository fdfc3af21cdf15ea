// The full-text index has external content: FTS5 keeps only its index, so removing a row
// needs the exact values that were indexed. Every write to message_fts goes through here.
import type { Db } from './db.js';

export interface FtsColumns {
  subject: string;
  sender: string;
  recipients: string;
  body: string;
  /** Cc alone (also in recipients, which is To and Cc), Bcc, the List-Id (migration 0015). */
  cc: string;
  bcc: string;
  list: string;
}

/** The index's columns in order, as the statements below and message_fts_content name them. */
export const FTS_COLUMNS = 'subject, sender, recipients, body, cc, bcc, list';

/** The text of an address list as the index sees it (stored in messages.sender / recipients). */
export class FtsIndex {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly indexedStmt;

  constructor(db: Db) {
    this.indexedStmt = db.prepare(`SELECT ${FTS_COLUMNS} FROM message_fts_content WHERE id = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO message_fts (rowid, ${FTS_COLUMNS})
       VALUES (@id, @subject, @sender, @recipients, @body, @cc, @bcc, @list)`,
    );
    this.deleteStmt = db.prepare(
      `INSERT INTO message_fts (message_fts, rowid, ${FTS_COLUMNS})
       VALUES ('delete', @id, @subject, @sender, @recipients, @body, @cc, @bcc, @list)`,
    );
  }

  /** Exactly what the index holds for a message, as the 'delete' command needs it. */
  indexed(id: number): FtsColumns | null {
    return (this.indexedStmt.get(id) as FtsColumns | undefined) ?? null;
  }

  insert(id: number, c: FtsColumns): void {
    this.insertStmt.run({ id, ...c });
  }

  delete(id: number, c: FtsColumns): void {
    this.deleteStmt.run({ id, ...c });
  }
}
