// The full-text index has external content: FTS5 keeps only its index, so removing a row
// needs the exact values that were indexed. Every write to message_fts goes through here.
import type { Db } from './db.js';

export interface FtsColumns {
  subject: string;
  sender: string;
  recipients: string;
  body: string;
}

/** The text of an address list as the index sees it (stored in messages.sender / recipients). */
export class FtsIndex {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly indexedStmt;

  constructor(db: Db) {
    this.indexedStmt = db.prepare(
      'SELECT subject, sender, recipients, body FROM message_fts_content WHERE id = ?',
    );
    this.insertStmt = db.prepare(
      'INSERT INTO message_fts (rowid, subject, sender, recipients, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteStmt = db.prepare(
      `INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body)
       VALUES ('delete', ?, ?, ?, ?, ?)`,
    );
  }

  /** Exactly what the index holds for a message, as the 'delete' command needs it. */
  indexed(id: number): FtsColumns | null {
    return (this.indexedStmt.get(id) as FtsColumns | undefined) ?? null;
  }

  insert(id: number, c: FtsColumns): void {
    this.insertStmt.run(id, c.subject, c.sender, c.recipients, c.body);
  }

  delete(id: number, c: FtsColumns): void {
    this.deleteStmt.run(id, c.subject, c.sender, c.recipients, c.body);
  }
}
