// The outbox on Postgres, with the behaviour of SQLite's (sqlite/outbox.ts): each row a small
// state machine whose every step is committed before the next one can happen on the wire.
// Several processes may share the database, so every change of state is one statement whose
// WHERE says which state it leaves: a row is claimed by one UPDATE … RETURNING, and a second
// claim, waiting on the row lock, finds the row no longer due. A row and its bytes are written
// together by one statement (a data-modifying WITH), atomic without a transaction.
import type { ErrorData } from '../../../../common/errors.js';
import { STOPPED_AFTER_DATA, errorToText } from '../stored-error.js';
import type { OutboxEntry, OutboxState } from '../../../../common/types.js';
import type { OutboxRepository } from '../repositories.js';
import type { NewOutboxRow, OutboxJob } from '../types.js';
import { text, textOrNull, type Db } from './db.js';
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

const refs = (r: { references: string[] }) =>
  r.references.length ? text(r.references.join(' ')) : null;

export class OutboxRepo implements OutboxRepository {
  constructor(private readonly db: Db) {}

  async add(r: NewOutboxRow, now = Date.now()): Promise<OutboxEntry> {
    const rows = await this.db.rows<{ id: number }>(
      `WITH row AS (
         INSERT INTO outbox (account_id, message_id, env_from, env_to, subject, size, in_reply_to,
           refs, send_at, sent_copy, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id)
       INSERT INTO outbox_raw (outbox_id, raw) SELECT id, $12 FROM row RETURNING outbox_id AS id`,
      [
        r.accountId,
        text(r.messageId),
        text(r.from),
        JSON.stringify(r.recipients),
        text(r.subject),
        r.raw.length,
        textOrNull(r.inReplyTo),
        refs(r),
        r.sendAt,
        r.sentCopy,
        now,
        r.raw,
      ],
    );
    return this.mustGet(rows[0]!.id);
  }

  async get(id: number): Promise<OutboxEntry | null> {
    const rows = await this.db.rows<Row>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async list(opts: {
    accountId?: number;
    state?: OutboxState;
    limit: number;
  }): Promise<OutboxEntry[]> {
    const rows = await this.db.rows<Row>(
      `SELECT ${COLUMNS} FROM outbox
        WHERE ($1::bigint IS NULL OR account_id = $1) AND ($2::text IS NULL OR state = $2)
        ORDER BY id DESC LIMIT $3`,
      [opts.accountId ?? null, opts.state ?? null, opts.limit],
    );
    return rows.map(toEntry);
  }

  async recover(
    isGone: (owner: string | null, claimedAt: number | null) => boolean,
  ): Promise<number> {
    const rows = await this.db.rows<Row>(
      `SELECT id, owner, claimed_at, data_sent_at FROM outbox WHERE state = 'sending'`,
    );
    let n = 0;
    for (const r of rows) {
      if (!isGone(r.owner, r.claimed_at)) continue;
      // The owner in the WHERE: a row claimed again meanwhile is someone else's now.
      const changed =
        r.data_sent_at !== null
          ? await this.db.run(
              `UPDATE outbox SET state = 'maybe-sent', owner = NULL, last_error = $1
                WHERE id = $2 AND state = 'sending' AND owner IS NOT DISTINCT FROM $3`,
              [errorToText(STOPPED_AFTER_DATA), r.id, r.owner],
            )
          : // Its owner may record the end of DATA meanwhile: then it is not due again.
            await this.db.run(
              `UPDATE outbox SET state = 'queued', owner = NULL, next_attempt = NULL
                WHERE id = $1 AND state = 'sending' AND owner IS NOT DISTINCT FROM $2
                  AND data_sent_at IS NULL`,
              [r.id, r.owner],
            );
      n += changed;
    }
    return n;
  }

  async due(accountId: number, limit: number, now = Date.now()): Promise<number[]> {
    const rows = await this.db.rows<{ id: number }>(
      `SELECT id FROM outbox WHERE account_id = $1 AND ${due('$2')} ORDER BY id LIMIT $3`,
      [accountId, now, limit],
    );
    return rows.map((r) => r.id);
  }

  async dueAccounts(now = Date.now()): Promise<number[]> {
    const rows = await this.db.rows<{ id: number }>(
      `SELECT DISTINCT account_id AS id FROM outbox WHERE ${due('$1')} ORDER BY id`,
      [now],
    );
    return rows.map((r) => r.id);
  }

  async nextWake(): Promise<number | null> {
    const rows = await this.db.rows<{ at: number | null }>(
      `SELECT min(greatest(send_at, coalesce(next_attempt, 0))) AS at FROM outbox
        WHERE state IN ('queued', 'retrying')`,
    );
    return rows[0]?.at ?? null;
  }

  async claim(id: number, owner: string, now = Date.now()): Promise<OutboxJob | null> {
    const rows = await this.db.rows<OutboxJobRow>(
      `WITH claimed AS (
         UPDATE outbox SET state = 'sending', owner = $2, claimed_at = $3,
             attempts = attempts + 1, data_sent_at = NULL
          WHERE id = $1 AND ${due('$3')} RETURNING *)
       SELECT claimed.*, r.raw FROM claimed JOIN outbox_raw r ON r.outbox_id = claimed.id`,
      [id, owner, now],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async setRaw(id: number, raw: Buffer): Promise<void> {
    await this.db.run(
      `WITH bytes AS (UPDATE outbox_raw SET raw = $2 WHERE outbox_id = $1)
       UPDATE outbox SET size = $3 WHERE id = $1`,
      [id, raw, raw.length],
    );
  }

  async markDataSent(id: number, owner: string, now = Date.now()): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE outbox SET data_sent_at = $1 WHERE id = $2 AND state = 'sending' AND owner = $3`,
      [now, id, owner],
    );
    return changed > 0;
  }

  async markSent(id: number, refused: ErrorData | null, now = Date.now()): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET state = 'sent', sent_at = $1, owner = NULL, next_attempt = NULL,
           last_error = $2 WHERE id = $3`,
      [now, errorToText(refused), id],
    );
  }

  async markRetry(id: number, error: ErrorData, nextAttempt: number): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET state = 'retrying', owner = NULL, next_attempt = $1, last_error = $2,
           data_sent_at = NULL WHERE id = $3`,
      [nextAttempt, errorToText(error), id],
    );
  }

  async markFailed(id: number, error: ErrorData): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET state = 'failed', owner = NULL, next_attempt = NULL, last_error = $1
        WHERE id = $2`,
      [errorToText(error), id],
    );
  }

  async markMaybeSent(id: number, error: ErrorData): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET state = 'maybe-sent', owner = NULL, next_attempt = NULL, last_error = $1
        WHERE id = $2`,
      [errorToText(error), id],
    );
  }

  async makeDue(id: number | null, now = Date.now()): Promise<number> {
    const changed = await this.db.run(
      `UPDATE outbox SET next_attempt = NULL, send_at = least(send_at, $2)
        WHERE state IN ('queued', 'retrying') AND ($1::bigint IS NULL OR id = $1)`,
      [id, now],
    );
    return changed;
  }

  async cancel(id: number): Promise<OutboxEntry> {
    const changed = await this.db.run(
      `UPDATE outbox SET state = 'cancelled', next_attempt = NULL
        WHERE id = $1 AND state IN ('queued', 'retrying', 'failed', 'maybe-sent')`,
      [id],
    );
    const entry = await this.mustGet(id);
    return cancelled(entry, changed);
  }

  async resend(id: number, now = Date.now()): Promise<OutboxEntry> {
    const changed = await this.db.run(
      `UPDATE outbox SET state = 'queued', send_at = $1, next_attempt = NULL, attempts = 0,
           data_sent_at = NULL, last_error = NULL
        WHERE id = $2 AND state IN ('failed', 'maybe-sent', 'cancelled')`,
      [now, id],
    );
    const entry = await this.mustGet(id);
    return resent(entry, changed);
  }

  /** Refused for a message that is sending, sent or may have been sent. */
  async replace(
    id: number,
    r: Omit<NewOutboxRow, 'accountId' | 'messageId' | 'sentCopy'>,
  ): Promise<OutboxEntry> {
    const changed = await this.db.run(
      `WITH row AS (
         UPDATE outbox SET env_from = $2, env_to = $3, subject = $4, size = $5, in_reply_to = $6,
             refs = $7, send_at = $8, state = 'queued', next_attempt = NULL, attempts = 0,
             data_sent_at = NULL, last_error = NULL
          WHERE id = $1 AND state IN ('queued', 'retrying', 'failed', 'cancelled') RETURNING id)
       UPDATE outbox_raw SET raw = $9 FROM row WHERE outbox_id = row.id`,
      [
        id,
        text(r.from),
        JSON.stringify(r.recipients),
        text(r.subject),
        r.raw.length,
        textOrNull(r.inReplyTo),
        refs(r),
        r.sendAt,
        r.raw,
      ],
    );
    const entry = await this.mustGet(id);
    return replaced(entry, changed);
  }

  async inReplyTo(id: number): Promise<string | null> {
    const rows = await this.db.rows<{ in_reply_to: string | null }>(
      'SELECT in_reply_to FROM outbox WHERE id = $1',
      [id],
    );
    return rows[0]?.in_reply_to ?? null;
  }

  private async mustGet(id: number): Promise<OutboxEntry> {
    const entry = await this.get(id);
    if (!entry) throw notFound(id);
    return entry;
  }

  async pendingSentCopies(
    accountId: number,
    limit: number,
  ): Promise<(OutboxJob & { appending: boolean })[]> {
    const rows = await this.db.rows<OutboxJobRow>(
      `SELECT o.*, r.raw FROM outbox o JOIN outbox_raw r ON r.outbox_id = o.id
        WHERE o.account_id = $1 AND o.state = 'sent' AND o.sent_copy IN (0, 3)
        ORDER BY o.id LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => ({ ...toJob(r), appending: r.sent_copy === 3 }));
  }

  async startSentCopy(id: number): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE outbox SET sent_copy = 3 WHERE id = $1 AND sent_copy IN (0, 3)',
      [id],
    );
    return changed > 0;
  }

  async sentCopyDone(id: number): Promise<void> {
    await this.db.run('UPDATE outbox SET sent_copy = 1 WHERE id = $1', [id]);
  }

  async serverSavesSent(accountId: number): Promise<boolean> {
    const rows = await this.db.rows<{ value: number }>(
      'SELECT server_saves_sent AS value FROM accounts WHERE id = $1',
      [accountId],
    );
    return rows[0]?.value === 1;
  }

  async setServerSavesSent(accountId: number, value: boolean): Promise<void> {
    await this.db.run('UPDATE accounts SET server_saves_sent = $1 WHERE id = $2', [
      value ? 1 : 0,
      accountId,
    ]);
  }
}
