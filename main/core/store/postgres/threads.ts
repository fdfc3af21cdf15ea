// Threads for a batch of new messages, as SQLite assigns them one by one (sqlite/threads.ts:
// Message-ID, In-Reply-To and References, then the subject for replies that lost them), but
// worked out in memory over what the batch can touch, read in two queries and written in a
// few: a round trip per message would cap a header sync far below its target.
import { subjectKey, threadIds, type ThreadInput } from '../rows.js';
import type { Db } from './db.js';

// As in sqlite/threads.ts.
const SUBJECT_FALLBACK_WINDOW_MS = 60 * 24 * 3600 * 1000;
// Threads made by this batch have ids above every stored one until they get real ones.
const PROVISIONAL = 2 ** 52;

interface Known {
  key: string;
  lastDate: number;
}

class Assignment {
  /** Message-ID -> thread, as stored and as changed by the batch (resolve before use). */
  readonly refs = new Map<string, number>();
  readonly changedRefs = new Set<string>();
  /** Threads a subject can lead to (stored ones with a key of the batch, and new ones). */
  readonly bySubject = new Map<string, Map<number, Known>>();
  /** Merged thread -> the thread it went into. */
  readonly merged = new Map<number, number>();
  /** Stored threads whose last date moves. */
  readonly touched = new Map<number, number>();
  readonly created: Known[] = [];

  resolve(thread: number): number {
    let t = thread;
    for (let next = this.merged.get(t); next !== undefined; next = this.merged.get(t)) t = next;
    return t;
  }

  private bySubjectFallback(key: string, date: number): number | undefined {
    let best: [number, Known] | undefined;
    for (const entry of this.bySubject.get(key) ?? []) {
      const [, known] = entry;
      if (Math.abs(known.lastDate - date) > SUBJECT_FALLBACK_WINDOW_MS) continue;
      if (
        !best ||
        known.lastDate > best[1].lastDate ||
        (known.lastDate === best[1].lastDate && entry[0] > best[0])
      )
        best = entry;
    }
    return best?.[0];
  }

  private forget(thread: number): void {
    for (const list of this.bySubject.values()) list.delete(thread);
  }

  private touch(thread: number, date: number): void {
    for (const list of this.bySubject.values()) {
      const known = list.get(thread);
      if (known) known.lastDate = Math.max(known.lastDate, date);
    }
    if (thread < PROVISIONAL)
      this.touched.set(thread, Math.max(this.touched.get(thread) ?? date, date));
    else {
      const made = this.created[thread - PROVISIONAL]!;
      made.lastDate = Math.max(made.lastDate, date);
    }
  }

  assign(m: ThreadInput): number {
    const ids = new Set(threadIds(m));

    const found = new Set<number>();
    const mapped = new Map<string, number>();
    for (const id of ids) {
      const t = this.refs.get(id);
      if (t !== undefined) {
        found.add(this.resolve(t));
        mapped.set(id, this.resolve(t));
      }
    }
    const { key, isReply } = subjectKey(m.subject);
    if (found.size === 0 && isReply && key) {
      const t = this.bySubjectFallback(key, m.date);
      if (t !== undefined) found.add(t);
    }

    let thread: number;
    if (found.size === 0) {
      thread = PROVISIONAL + this.created.length;
      const made = { key, lastDate: m.date };
      this.created.push(made);
      let list = this.bySubject.get(key);
      if (!list) this.bySubject.set(key, (list = new Map()));
      list.set(thread, made);
    } else {
      const [keep, ...others] = [...found].sort((a, b) => a - b) as [number, ...number[]];
      thread = keep;
      for (const other of others) {
        this.merged.set(other, keep);
        this.forget(other);
      }
      this.touch(thread, m.date);
    }
    for (const id of ids) {
      if (mapped.get(id) === thread) continue;
      this.refs.set(id, thread);
      this.changedRefs.add(id);
    }
    return thread;
  }
}

/** The thread of each message, in order; merges the threads a message proves are one. */
export async function assignThreads(
  db: Db,
  accountId: number,
  inputs: readonly ThreadInput[],
): Promise<number[]> {
  if (!inputs.length) return [];
  const state = new Assignment();
  const msgids = new Set<string>();
  const keys = new Set<string>();
  for (const m of inputs) {
    for (const id of threadIds(m)) msgids.add(id);
    const { key, isReply } = subjectKey(m.subject);
    if (isReply && key) keys.add(key);
  }
  const refs = await db.rows<{ msgid: string; thread_id: number }>(
    // A probe of the primary key per id (as messages.ts looks up UIDs, for the same reason).
    `SELECT v.msgid, r.thread_id FROM unnest($2::text[]) AS v(msgid)
       CROSS JOIN LATERAL (SELECT thread_id FROM thread_refs
                            WHERE account_id = $1 AND msgid = v.msgid LIMIT 1) AS r`,
    [accountId, [...msgids]],
  );
  for (const r of refs) state.refs.set(r.msgid, r.thread_id);
  if (keys.size) {
    const threads = await db.rows<{ id: number; subject_key: string; last_date: number }>(
      `SELECT t.id, t.subject_key, t.last_date FROM unnest($2::text[]) AS k(subject_key)
         JOIN LATERAL (SELECT id, subject_key, last_date FROM threads
                        WHERE account_id = $1 AND subject_key = k.subject_key) AS t ON true`,
      [accountId, [...keys]],
    );
    for (const t of threads) {
      let list = state.bySubject.get(t.subject_key);
      if (!list) state.bySubject.set(t.subject_key, (list = new Map()));
      list.set(t.id, { key: t.subject_key, lastDate: t.last_date });
    }
  }
  const assigned = inputs.map((m) => state.assign(m));
  return save(db, accountId, state, assigned);
}

async function save(
  db: Db,
  accountId: number,
  state: Assignment,
  assigned: number[],
): Promise<number[]> {
  // Threads made here and never merged into another get their ids, in the order made.
  const real = new Map<number, number>();
  const kept = state.created.flatMap((made, n) =>
    state.merged.has(PROVISIONAL + n) ? [] : [{ thread: PROVISIONAL + n, made }],
  );
  if (kept.length) {
    const ids = await db.column<number>(
      `SELECT nextval(pg_get_serial_sequence('threads', 'id')) FROM generate_series(1, $1)`,
      [kept.length],
    );
    kept.forEach(({ thread }, n) => real.set(thread, ids[n]!));
    await db.run(
      `INSERT INTO threads (id, account_id, subject_key, last_date)
       SELECT id, $1, key, last_date FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS v(id, key, last_date)`,
      [accountId, ids, kept.map((k) => k.made.key), kept.map((k) => k.made.lastDate)],
    );
  }
  const final = (thread: number) => {
    const t = state.resolve(thread);
    return real.get(t) ?? t;
  };

  const gone = [...state.merged.keys()].filter((t) => t < PROVISIONAL);
  if (gone.length) {
    const into = gone.map(final);
    const pairs = 'unnest($1::bigint[], $2::bigint[]) AS v(old, keep)';
    await db.run(
      `UPDATE messages m SET thread_id = v.keep FROM ${pairs} WHERE m.thread_id = v.old`,
      [gone, into],
    );
    await db.run(
      `UPDATE thread_refs r SET thread_id = v.keep FROM ${pairs} WHERE r.thread_id = v.old`,
      [gone, into],
    );
    await db.run('DELETE FROM threads WHERE id = ANY($1::bigint[])', [gone]);
  }
  const touched = [...state.touched].filter(([t]) => !state.merged.has(t));
  if (touched.length) {
    await db.run(
      `UPDATE threads t SET last_date = greatest(t.last_date, v.last_date)
         FROM unnest($1::bigint[], $2::bigint[]) AS v(id, last_date) WHERE t.id = v.id`,
      [touched.map(([t]) => t), touched.map(([, d]) => d)],
    );
  }
  if (state.changedRefs.size) {
    const msgids = [...state.changedRefs].sort();
    await db.run(
      `INSERT INTO thread_refs (account_id, msgid, thread_id)
       SELECT $1, msgid, thread_id FROM unnest($2::text[], $3::bigint[]) AS v(msgid, thread_id)
       ON CONFLICT (account_id, msgid) DO UPDATE SET thread_id = excluded.thread_id`,
      [accountId, msgids, msgids.map((id) => final(state.refs.get(id)!))],
    );
  }
  return assigned.map(final);
}
