// Threads from Message-ID, In-Reply-To and References (every id a message names is mapped
// to its thread, so a parent that arrives after its reply still joins), with a subject
// fallback for replies whose client dropped the references.
import type { Db } from './db.js';
import { subjectKey, threadIds, type ThreadInput } from '../rows.js';

const SUBJECT_FALLBACK_WINDOW_MS = 60 * 24 * 3600 * 1000;
export class ThreadStore {
  private readonly byRef;
  private readonly bySubject;
  private readonly create;
  private readonly touch;
  private readonly mapRef;
  private readonly moveMessages;
  private readonly moveRefs;
  private readonly drop;

  constructor(private readonly db: Db) {
    this.byRef = db
      .prepare('SELECT thread_id FROM thread_refs WHERE account_id = ? AND msgid = ?')
      .pluck();
    this.bySubject = db
      .prepare(
        `SELECT id FROM threads WHERE account_id = ? AND subject_key = ? AND last_date BETWEEN ? AND ?
         ORDER BY last_date DESC LIMIT 1`,
      )
      .pluck();
    this.create = db.prepare(
      'INSERT INTO threads (account_id, subject_key, last_date) VALUES (?, ?, ?)',
    );
    this.touch = db.prepare('UPDATE threads SET last_date = max(last_date, ?) WHERE id = ?');
    this.mapRef = db.prepare(
      `INSERT INTO thread_refs (account_id, msgid, thread_id) VALUES (?, ?, ?)
       ON CONFLICT (account_id, msgid) DO UPDATE SET thread_id = excluded.thread_id`,
    );
    this.moveMessages = db.prepare('UPDATE messages SET thread_id = ? WHERE thread_id = ?');
    this.moveRefs = db.prepare('UPDATE thread_refs SET thread_id = ? WHERE thread_id = ?');
    this.drop = db.prepare('DELETE FROM threads WHERE id = ?');
  }

  /** The thread a new message belongs to; merges threads the message proves are one. */
  assign(accountId: number, m: ThreadInput): number {
    const ids = new Set(threadIds(m));

    const found = new Set<number>();
    const mapped = new Map<string, number>();
    for (const id of ids) {
      const t = this.byRef.get(accountId, id) as number | undefined;
      if (t !== undefined) {
        found.add(t);
        mapped.set(id, t);
      }
    }
    const { key, isReply } = subjectKey(m.subject);
    if (found.size === 0 && isReply && key) {
      const t = this.bySubject.get(
        accountId,
        key,
        m.date - SUBJECT_FALLBACK_WINDOW_MS,
        m.date + SUBJECT_FALLBACK_WINDOW_MS,
      ) as number | undefined;
      if (t !== undefined) found.add(t);
    }

    let thread: number;
    if (found.size === 0) {
      thread = Number(this.create.run(accountId, key, m.date).lastInsertRowid);
    } else {
      const [keep, ...others] = [...found].sort((a, b) => a - b) as [number, ...number[]];
      thread = keep;
      for (const other of others) {
        this.moveMessages.run(keep, other);
        this.moveRefs.run(keep, other);
        this.drop.run(other);
      }
      this.touch.run(m.date, thread);
    }
    for (const id of ids) if (mapped.get(id) !== thread) this.mapRef.run(accountId, id, thread);
    return thread;
  }
}
