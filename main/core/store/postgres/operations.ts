// The durable queue of local changes for the server on Postgres, as SQLite keeps it
// (sqlite/operations.ts): written in the transaction that changes the messages locally, read
// back in id order by the replay, closed in the transaction that records the server's answer.
// items, args and result are JSON text, as in SQLite; the few queries that look inside read
// them as jsonb.
import type { Operation } from '../../../../common/types.js';
import type { OperationRepository } from '../repositories.js';
import type {
  ActionKind,
  LocalChange,
  NewOperation,
  StoredAction,
  StoredOperation,
} from '../types.js';
import { text, type Db } from './db.js';
import {
  fromLocalRow,
  fromRow,
  toAction,
  toOperation,
  type ActionTableRow,
  type LocalChangeRow,
  type OperationRow as Row,
} from '../rows/operations.js';
import type { ErrorData } from '../../../../common/errors.js';
import { errorToText } from '../stored-error.js';

export class OperationRepo implements OperationRepository {
  constructor(private readonly db: Db) {}

  async addAction(kind: ActionKind, description: string): Promise<number> {
    const rows = await this.db.rows<{ id: number }>(
      'INSERT INTO actions (kind, description, created_at) VALUES ($1, $2, $3) RETURNING id',
      [kind, text(description), Date.now()],
    );
    return rows[0]!.id;
  }

  async add(actionId: number, op: NewOperation): Promise<number> {
    const rows = await this.db.rows<{ id: number }>(
      `INSERT INTO operations (action_id, account_id, kind, mailbox_id, path, uid_validity, items,
         args, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        actionId,
        op.accountId,
        op.kind,
        op.mailboxId,
        text(op.path),
        op.uidValidity,
        JSON.stringify(op.items),
        JSON.stringify(op.args),
        Date.now(),
      ],
    );
    return rows[0]!.id;
  }

  async addLocal(actionId: number, change: LocalChange): Promise<void> {
    await this.db.run(
      'INSERT INTO local_changes (action_id, kind, mailbox_id, items, args) VALUES ($1, $2, $3, $4, $5)',
      [
        actionId,
        change.kind,
        change.mailboxId,
        JSON.stringify(change.items),
        JSON.stringify(change.args),
      ],
    );
  }

  async localOfAction(actionId: number): Promise<LocalChange[]> {
    const rows = await this.db.rows<LocalChangeRow>(
      `SELECT kind, mailbox_id AS "mailboxId", items, args FROM local_changes
        WHERE action_id = $1 ORDER BY id`,
      [actionId],
    );
    return rows.map(fromLocalRow);
  }

  async pending(accountId: number, limit = 500): Promise<StoredOperation[]> {
    const rows = await this.db.rows<Row>(
      `SELECT * FROM operations WHERE account_id = $1 AND state = 'pending' ORDER BY id LIMIT $2`,
      [accountId, limit],
    );
    return rows.map(fromRow);
  }

  async pendingFolders(accountId: number): Promise<StoredOperation[]> {
    const rows = await this.db.rows<Row>(
      `SELECT * FROM operations WHERE account_id = $1 AND state = 'pending'
          AND kind IN ('mailbox-create', 'mailbox-rename', 'mailbox-delete') ORDER BY id`,
      [accountId],
    );
    return rows.map(fromRow);
  }

  async get(id: number): Promise<StoredOperation | null> {
    const rows = await this.db.rows<Row>('SELECT * FROM operations WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async ofAction(actionId: number): Promise<StoredOperation[]> {
    const rows = await this.db.rows<Row>(
      'SELECT * FROM operations WHERE action_id = $1 ORDER BY id',
      [actionId],
    );
    return rows.map(fromRow);
  }

  async lastAction(): Promise<StoredAction | null> {
    const rows = await this.db.rows<ActionTableRow>(
      'SELECT id, kind, description, undone FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1',
    );
    return toAction(rows[0]);
  }

  async action(id: number): Promise<StoredAction | null> {
    const rows = await this.db.rows<ActionTableRow>(
      'SELECT id, kind, description, undone FROM actions WHERE id = $1',
      [id],
    );
    return toAction(rows[0]);
  }

  /**
   * A later action, not undone, that changed one of this action's messages: undoing this
   * one under it would put the messages back where that one does not expect them.
   */
  async laterOnSameMessages(actionId: number): Promise<number | null> {
    // Changes in local folders count as much as the operations replayed to the server.
    const rows = await this.db.rows<{ id: number }>(
      `WITH changes AS (
         SELECT action_id, items FROM operations WHERE action_id >= $1
         UNION ALL SELECT action_id, items FROM local_changes WHERE action_id >= $1),
       mine AS (SELECT m ->> 'id' AS id FROM changes c
                  CROSS JOIN LATERAL jsonb_array_elements(c.items::jsonb) m WHERE c.action_id = $1)
       SELECT c.action_id AS id FROM changes c JOIN actions a ON a.id = c.action_id
              CROSS JOIN LATERAL jsonb_array_elements(c.items::jsonb) l
        WHERE c.action_id > $1 AND a.undone = 0 AND l ->> 'id' IN (SELECT id FROM mine)
        ORDER BY c.action_id LIMIT 1`,
      [actionId],
    );
    return rows[0] ? rows[0].id : null;
  }

  /**
   * Forgets finished actions beyond the last `keep` (undo needs only the recent ones); an
   * action with an operation still pending or failed stays, for the user to see.
   */
  async prune(keep = 50): Promise<number> {
    const changed = await this.db.run(
      `DELETE FROM actions
        WHERE id <= (SELECT id FROM actions ORDER BY id DESC LIMIT 1 OFFSET $1)
          AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.action_id = actions.id
                           AND o.state IN ('pending', 'failed'))`,
      [keep],
    );
    return changed;
  }

  async describe(actionId: number, description: string): Promise<void> {
    await this.db.run('UPDATE actions SET description = $1 WHERE id = $2', [description, actionId]);
  }

  async markUndone(actionId: number): Promise<void> {
    await this.db.run('UPDATE actions SET undone = 1 WHERE id = $1', [actionId]);
  }

  async finish(
    id: number,
    state: 'done' | 'failed' | 'cancelled',
    opts: { error?: ErrorData; result?: StoredOperation['result'] } = {},
  ): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE operations SET state = $1, error = $2, result = $3, done_at = $4
        WHERE id = $5 AND state = 'pending'`,
      [
        state,
        errorToText(opts.error),
        opts.result ? JSON.stringify(opts.result) : null,
        Date.now(),
        id,
      ],
    );
    return changed > 0;
  }

  async setStep(id: number, step: string, result: StoredOperation['result']): Promise<void> {
    await this.db.run('UPDATE operations SET step = $1, result = $2 WHERE id = $3', [
      step,
      result ? JSON.stringify(result) : null,
      id,
    ]);
  }

  async countAttempt(id: number): Promise<void> {
    await this.db.run('UPDATE operations SET attempts = attempts + 1 WHERE id = $1', [id]);
  }

  async pendingFlagUids(mailboxId: number): Promise<Set<number>> {
    const rows = await this.db.rows<{ uid: number }>(
      `SELECT (j ->> 'uid')::bigint AS uid FROM operations o CROSS JOIN LATERAL jsonb_array_elements(o.items::jsonb) j
        WHERE o.mailbox_id = $1 AND o.state = 'pending' AND o.kind = 'flags'`,
      [mailboxId],
    );
    return new Set(rows.map((r) => r.uid));
  }

  async movedUid(messageId: number, toMailboxId: number): Promise<number | null> {
    // ->> gives JSON numbers as text, so the ids are compared as their text.
    const rows = await this.db.rows<{ map: [number, number][] | null; uid: number }>(
      `SELECT o.result::jsonb -> 'uidMap' AS map, (j ->> 'uid')::bigint AS uid
         FROM operations o CROSS JOIN LATERAL jsonb_array_elements(o.items::jsonb) j
        WHERE o.kind IN ('move', 'append') AND o.state = 'done' AND j ->> 'id' = $1
          AND o.args::jsonb ->> 'toMailboxId' = $2
        ORDER BY o.id DESC LIMIT 1`,
      [String(messageId), String(toMailboxId)],
    );
    const r = rows[0];
    if (!r?.map) return null;
    const hit = r.map.find(([from]) => from === r.uid);
    // 0: the server took it without saying its UID (no UIDPLUS).
    return hit && hit[1] > 0 ? hit[1] : null;
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const rows = await this.db.rows<{ pending: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
              count(*) FILTER (WHERE state = 'failed') AS failed FROM operations`,
    );
    return { pending: rows[0]?.pending ?? 0, failed: rows[0]?.failed ?? 0 };
  }

  async list(state: 'pending' | 'failed' | undefined, limit: number): Promise<Operation[]> {
    const rows = await this.db.rows<Row>(
      `SELECT * FROM operations
        WHERE ($1::text IS NULL AND state IN ('pending', 'failed')) OR state = $1
        ORDER BY id DESC LIMIT $2`,
      [state ?? null, limit],
    );
    return rows.map(toOperation);
  }
}
