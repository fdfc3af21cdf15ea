// The outbox: messages on their way out, each row a small state machine whose every step is
// committed before the next one can happen on the wire. Only this file writes its SQL.
import type { ErrorData } from '../../../../common/errors.js';
import { STOPPED_AFTER_DATA, errorToText } from '../stored-error.js';
import type { OutboxEntry, OutboxState } from '../../../../common/types.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import {
  cancelled,
  due,
  notFound,
  replaced,
  resent,
  OUTBOX_COLUMNS as COLUMNS,
  toEntry,
  toJob,
  type OutboxJobRow,
  type OutboxRow as Row,
} from '../rows/outbox.js';
import type { NewOutboxRow, OutboxJob } from '../types.js';

const DUE = due('@now');

export class OutboxStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Db) {}

  /** Prepared once per SQL text: the send loop runs these for every message. */
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  add(r: NewOutboxRow, now = Date.now()): OutboxEntry {
    const id = this.db.transaction(() => {
      const id = this.sql(
        `INSERT INTO outbox (account_id, message_id, env_from, env_to, subject, size, in_reply_to,
           refs, send_at, sent_copy, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
        .pluck()
        .get(
          r.accountId,
          r.messageId,
          r.from,
          JSON.stringify(r.recipients),
          r.subject,
          r.raw.length,
          r.inReplyTo,
          r.references.length ? r.references.join(' ') : null,
          r.sendAt,
          r.sentCopy,
          now,
        ) as number;
      this.sql('INSERT INTO outbox_raw (outbox_id, raw) VALUES (?, ?)').run(id, r.raw);
      return id;
    })();
    return this.get(id)!;
  }

  get(id: number): OutboxEntry | null {
    const row = this.sql(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  list(opts: { accountId?: number; state?: OutboxState; limit: number }): OutboxEntry[] {
    const rows = this.sql(
      `SELECT ${COLUMNS} FROM outbox
          WHERE (@account IS NULL OR account_id = @account) AND (@state IS NULL OR state = @state)
          ORDER BY id DESC LIMIT @limit`,
    ).all({
      account: opts.accountId ?? null,
      state: opts.state ?? null,
      limit: opts.limit,
    }) as Row[];
    return rows.map(toEntry);
  }

  /**
   * Rows left in 'sending' by a process that is gone: one whose end of DATA may have left is
   * "may have been sent" and is never sent again by itself; the others are due again.
   */
  recover(isGone: (owner: string | null, claimedAt: number | null) => boolean): number {
    const rows = this.sql(
      `SELECT id, owner, claimed_at, data_sent_at FROM outbox WHERE state = 'sending'`,
    ).all() as Pick<Row, 'id' | 'owner' | 'claimed_at' | 'data_sent_at'>[];
    let n = 0;
    for (const r of rows) {
      if (!isGone(r.owner, r.claimed_at)) continue;
      const changed =
        r.data_sent_at !== null
          ? this.sql(
              `UPDATE outbox SET state = 'maybe-sent', owner = NULL, last_error = ?
                  WHERE id = ? AND state = 'sending' AND owner IS ?`,
            ).run(errorToText(STOPPED_AFTER_DATA), r.id, r.owner).changes
          : this.sql(
              // Its owner may record the end of DATA meanwhile: then it is not due again.
              `UPDATE outbox SET state = 'queued', owner = NULL, next_attempt = NULL
                  WHERE id = ? AND state = 'sending' AND owner IS ? AND data_sent_at IS NULL`,
            ).run(r.id, r.owner).changes;
      n += changed;
    }
    return n;
  }

  /** Ids of the messages due now, oldest first. */
  due(accountId: number, limit: number, now = Date.now()): number[] {
    return this.sql(
      `SELECT id FROM outbox WHERE account_id = @account AND ${DUE} ORDER BY id LIMIT @limit`,
    )
      .pluck()
      .all({ account: accountId, now, limit }) as number[];
  }

  /** Accounts with something due now. */
  dueAccounts(now = Date.now()): number[] {
    return this.sql(`SELECT DISTINCT account_id FROM outbox WHERE ${DUE}`)
      .pluck()
      .all({ now }) as number[];
  }

  /** The earliest moment something becomes due (ms), or null when nothing waits. */
  nextWake(): number | null {
    const v = this.sql(
      `SELECT min(max(send_at, coalesce(next_attempt, 0))) FROM outbox
          WHERE state IN ('queued', 'retrying')`,
    )
      .pluck()
      .get() as number | null;
    return v ?? null;
  }

  /** Takes a due row for this process; false when another took it or it is no longer due. */
  claim(id: number, owner: string, now = Date.now()): OutboxJob | null {
    const changed = this.sql(
      `UPDATE outbox SET state = 'sending', owner = @owner, claimed_at = @now,
           attempts = attempts + 1, data_sent_at = NULL
          WHERE id = @id AND ${DUE}`,
    ).run({ id, owner, now }).changes;
    return changed ? this.job(id) : null;
  }

  private job(id: number): OutboxJob | null {
    const r = this.sql(
      `SELECT id, account_id, message_id, env_from, env_to, r.raw, attempts, sent_copy, sent_at,
           send_at, created_at FROM outbox JOIN outbox_raw r ON r.outbox_id = id WHERE id = ?`,
    ).get(id) as OutboxJobRow | undefined;
    return r ? toJob(r) : null;
  }

  /** The bytes to send (and to file in Sent) when they change before sending, e.g. the Date. */
  setRaw(id: number, raw: Buffer): void {
    this.db.transaction(() => {
      this.sql('UPDATE outbox_raw SET raw = ? WHERE outbox_id = ?').run(raw, id);
      this.sql('UPDATE outbox SET size = ? WHERE id = ?').run(raw.length, id);
    })();
  }

  /** Written before the final "." of DATA can leave (better-sqlite3 commits synchronously). */
  markDataSent(id: number, owner: string, now = Date.now()): boolean {
    return (
      this.sql(
        `UPDATE outbox SET data_sent_at = ? WHERE id = ? AND state = 'sending' AND owner = ?`,
      ).run(now, id, owner).changes > 0
    );
  }

  markSent(id: number, refused: ErrorData | null, now = Date.now()): void {
    this.sql(
      `UPDATE outbox SET state = 'sent', sent_at = ?, owner = NULL, next_attempt = NULL,
           last_error = ? WHERE id = ?`,
    ).run(now, errorToText(refused), id);
  }

  markRetry(id: number, error: ErrorData, nextAttempt: number): void {
    this.sql(
      `UPDATE outbox SET state = 'retrying', owner = NULL, next_attempt = ?, last_error = ?,
           data_sent_at = NULL WHERE id = ?`,
    ).run(nextAttempt, errorToText(error), id);
  }

  markFailed(id: number, error: ErrorData): void {
    this.sql(
      `UPDATE outbox SET state = 'failed', owner = NULL, next_attempt = NULL, last_error = ?
          WHERE id = ?`,
    ).run(errorToText(error), id);
  }

  markMaybeSent(id: number, error: ErrorData): void {
    this.sql(
      `UPDATE outbox SET state = 'maybe-sent', owner = NULL, next_attempt = NULL, last_error = ?
          WHERE id = ?`,
    ).run(errorToText(error), id);
  }

  /** Waiting messages (or one of them) become due now; returns how many. */
  makeDue(id: number | null, now = Date.now()): number {
    return this.sql(
      `UPDATE outbox SET next_attempt = NULL, send_at = min(send_at, @now)
          WHERE state IN ('queued', 'retrying') AND (@id IS NULL OR id = @id)`,
    ).run({ id, now }).changes;
  }

  cancel(id: number): OutboxEntry {
    const changed = this.sql(
      `UPDATE outbox SET state = 'cancelled', next_attempt = NULL
          WHERE id = ? AND state IN ('queued', 'retrying', 'failed', 'maybe-sent')`,
    ).run(id).changes;
    const entry = this.mustGet(id);
    return cancelled(entry, changed);
  }

  /** A failed, cancelled or "may have been sent" message goes out again, as the user decided. */
  resend(id: number, now = Date.now()): OutboxEntry {
    const changed = this.sql(
      `UPDATE outbox SET state = 'queued', send_at = ?, next_attempt = NULL, attempts = 0,
           data_sent_at = NULL, last_error = NULL
          WHERE id = ? AND state IN ('failed', 'maybe-sent', 'cancelled')`,
    ).run(now, id).changes;
    const entry = this.mustGet(id);
    return resent(entry, changed);
  }

  /**
   * New content for a message that has not left: queued again with its Message-ID. Refused
   * for one that is sending, sent or may have been sent.
   */
  replace(id: number, r: Omit<NewOutboxRow, 'accountId' | 'messageId' | 'sentCopy'>): OutboxEntry {
    const changed = this.db.transaction(() => {
      const n = this.sql(
        `UPDATE outbox SET env_from = ?, env_to = ?, subject = ?, size = ?, in_reply_to = ?, refs = ?,
             send_at = ?, state = 'queued', next_attempt = NULL, attempts = 0, data_sent_at = NULL,
             last_error = NULL
          WHERE id = ? AND state IN ('queued', 'retrying', 'failed', 'cancelled')`,
      ).run(
        r.from,
        JSON.stringify(r.recipients),
        r.subject,
        r.raw.length,
        r.inReplyTo,
        r.references.length ? r.references.join(' ') : null,
        r.sendAt,
        id,
      ).changes;
      if (n) this.sql('UPDATE outbox_raw SET raw = ? WHERE outbox_id = ?').run(r.raw, id);
      return n;
    })();
    const entry = this.mustGet(id);
    return replaced(entry, changed);
  }

  /** The Message-ID a reply answers, or null. */
  inReplyTo(id: number): string | null {
    return (
      (this.sql('SELECT in_reply_to FROM outbox WHERE id = ?').pluck().get(id) as
        string | null | undefined) ?? null
    );
  }

  private mustGet(id: number): OutboxEntry {
    const entry = this.get(id);
    if (!entry) throw notFound(id);
    return entry;
  }

  /** Sent messages whose copy in Sent is still to be made (or was under way at a crash). */
  pendingSentCopies(accountId: number, limit: number): (OutboxJob & { appending: boolean })[] {
    const ids = this.sql(
      `SELECT id FROM outbox WHERE account_id = ? AND state = 'sent' AND sent_copy IN (0, 3)
          ORDER BY id LIMIT ?`,
    )
      .pluck()
      .all(accountId, limit) as number[];
    return ids.flatMap((id) => {
      const job = this.job(id);
      return job ? [{ ...job, appending: job.sentCopy === 3 }] : [];
    });
  }

  /** Written before the APPEND is sent; false when the copy is no longer pending. */
  startSentCopy(id: number): boolean {
    return (
      this.sql('UPDATE outbox SET sent_copy = 3 WHERE id = ? AND sent_copy IN (0, 3)').run(id)
        .changes > 0
    );
  }

  sentCopyDone(id: number): void {
    this.sql('UPDATE outbox SET sent_copy = 1 WHERE id = ?').run(id);
  }

  serverSavesSent(accountId: number): boolean {
    return (
      (this.sql('SELECT server_saves_sent FROM accounts WHERE id = ?').pluck().get(accountId) as
        number | undefined) === 1
    );
  }

  setServerSavesSent(accountId: number, value: boolean): void {
    this.sql('UPDATE accounts SET server_saves_sent = ? WHERE id = ?').run(
      value ? 1 : 0,
      accountId,
    );
  }
}
