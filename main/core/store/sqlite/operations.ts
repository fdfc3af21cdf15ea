// The durable queue of local changes for the server. Rows are written in the transaction
// that changes the messages locally, read back in id order by the replay, and closed in
// the transaction that records the server's answer.
import type { ErrorData } from '../../../../common/errors.js';
import type { Operation } from '../../../../common/types.js';
import { errorToText } from '../stored-error.js';
import type { Db } from './db.js';
import {
  fromLocalRow,
  fromRow,
  toAction,
  toOperation,
  type ActionTableRow,
  type LocalChangeRow,
  type OperationRow as Row,
} from '../rows/operations.js';
import type {
  ActionKind,
  LocalChange,
  StoredOperation,
  NewOperation,
  StoredAction,
} from '../types.js';

export class OperationStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      addAction: db.prepare('INSERT INTO actions (kind, description, created_at) VALUES (?, ?, ?)'),
      add: db.prepare(
        `INSERT INTO operations (action_id, account_id, kind, mailbox_id, path, uid_validity, items, args, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare(
        `SELECT * FROM operations WHERE account_id = ? AND state = 'pending' ORDER BY id LIMIT ?`,
      ),
      pendingFolders: db.prepare(
        `SELECT * FROM operations WHERE account_id = ? AND state = 'pending'
            AND kind IN ('mailbox-create', 'mailbox-rename', 'mailbox-delete') ORDER BY id`,
      ),
      get: db.prepare('SELECT * FROM operations WHERE id = ?'),
      ofAction: db.prepare('SELECT * FROM operations WHERE action_id = ? ORDER BY id'),
      lastAction: db.prepare(
        'SELECT id, kind, description, undone FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1',
      ),
      action: db.prepare('SELECT id, kind, description, undone FROM actions WHERE id = ?'),
      // Changes in local folders count as much as the operations replayed to the server.
      laterOnSame: db
        .prepare(
          `WITH changes AS (
             SELECT action_id, items FROM operations WHERE action_id >= @id
             UNION ALL SELECT action_id, items FROM local_changes WHERE action_id >= @id),
           mine AS (SELECT j.value ->> 'id' AS id FROM changes c, json_each(c.items) j
                     WHERE c.action_id = @id)
           SELECT c.action_id FROM changes c JOIN actions a ON a.id = c.action_id,
                  json_each(c.items) l
            WHERE c.action_id > @id AND a.undone = 0 AND l.value ->> 'id' IN (SELECT id FROM mine)
            ORDER BY c.action_id LIMIT 1`,
        )
        .pluck(),
      addLocal: db.prepare(
        'INSERT INTO local_changes (action_id, kind, mailbox_id, items, args) VALUES (?, ?, ?, ?, ?)',
      ),
      localOfAction: db.prepare(
        'SELECT kind, mailbox_id AS mailboxId, items, args FROM local_changes WHERE action_id = ? ORDER BY id',
      ),
      markUndone: db.prepare('UPDATE actions SET undone = 1 WHERE id = ?'),
      finish: db.prepare(
        `UPDATE operations SET state = ?, error = ?, result = ?, done_at = ? WHERE id = ? AND state = 'pending'`,
      ),
      setStep: db.prepare('UPDATE operations SET step = ?, result = ? WHERE id = ?'),
      attempt: db.prepare('UPDATE operations SET attempts = attempts + 1 WHERE id = ?'),
      pendingUids: db
        .prepare(
          `SELECT j.value ->> 'uid' FROM operations o, json_each(o.items) j
          WHERE o.mailbox_id = ? AND o.state = 'pending' AND o.kind = 'flags'`,
        )
        .pluck(),
      moved: db.prepare(
        `SELECT o.result ->> '$.uidMap' AS map, j.value ->> 'uid' AS uid
           FROM operations o, json_each(o.items) j
          WHERE o.kind IN ('move', 'append') AND o.state = 'done' AND j.value ->> 'id' = ?
            AND o.args ->> 'toMailboxId' = ? ORDER BY o.id DESC LIMIT 1`,
      ),
      counts: db.prepare(
        `SELECT sum(state = 'pending') AS pending, sum(state = 'failed') AS failed FROM operations`,
      ),
      list: db.prepare(
        `SELECT * FROM operations WHERE (? IS NULL AND state IN ('pending', 'failed')) OR state = ?
          ORDER BY id DESC LIMIT ?`,
      ),
    };
  }

  addAction(kind: ActionKind, description: string): number {
    return Number(this.statements.addAction.run(kind, description, Date.now()).lastInsertRowid);
  }

  add(actionId: number, op: NewOperation): number {
    return Number(
      this.statements.add.run(
        actionId,
        op.accountId,
        op.kind,
        op.mailboxId,
        op.path,
        op.uidValidity,
        JSON.stringify(op.items),
        JSON.stringify(op.args),
        Date.now(),
      ).lastInsertRowid,
    );
  }

  addLocal(actionId: number, change: LocalChange): void {
    this.statements.addLocal.run(
      actionId,
      change.kind,
      change.mailboxId,
      JSON.stringify(change.items),
      JSON.stringify(change.args),
    );
  }

  localOfAction(actionId: number): LocalChange[] {
    return (this.statements.localOfAction.all(actionId) as LocalChangeRow[]).map(fromLocalRow);
  }

  pending(accountId: number, limit = 500): StoredOperation[] {
    return (this.statements.pending.all(accountId, limit) as Row[]).map(fromRow);
  }

  pendingFolders(accountId: number): StoredOperation[] {
    return (this.statements.pendingFolders.all(accountId) as Row[]).map(fromRow);
  }

  get(id: number): StoredOperation | null {
    const r = this.statements.get.get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  ofAction(actionId: number): StoredOperation[] {
    return (this.statements.ofAction.all(actionId) as Row[]).map(fromRow);
  }

  lastAction(): StoredAction | null {
    return toAction(this.statements.lastAction.get() as ActionTableRow | undefined);
  }

  action(id: number): StoredAction | null {
    return toAction(this.statements.action.get(id) as ActionTableRow | undefined);
  }

  /**
   * A later action, not undone, that changed one of this action's messages: undoing this
   * one under it would put the messages back where that one does not expect them.
   */
  laterOnSameMessages(actionId: number): number | null {
    return (this.statements.laterOnSame.get({ id: actionId }) as number | undefined) ?? null;
  }

  /**
   * Forgets finished actions beyond the last `keep` (undo needs only the recent ones); an
   * action with an operation still pending or failed stays, for the user to see.
   */
  prune(keep = 50): number {
    return this.db
      .prepare(
        `DELETE FROM actions WHERE id <= (SELECT id FROM actions ORDER BY id DESC LIMIT 1 OFFSET ?)
           AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.action_id = actions.id
                            AND o.state IN ('pending', 'failed'))`,
      )
      .run(keep).changes;
  }

  describe(actionId: number, description: string): void {
    this.db.prepare('UPDATE actions SET description = ? WHERE id = ?').run(description, actionId);
  }

  markUndone(actionId: number): void {
    this.statements.markUndone.run(actionId);
  }

  /** Closes a pending operation; false when it was closed already (cancelled by undo). */
  finish(
    id: number,
    state: 'done' | 'failed' | 'cancelled',
    opts: { error?: ErrorData; result?: StoredOperation['result'] } = {},
  ): boolean {
    return (
      this.statements.finish.run(
        state,
        errorToText(opts.error),
        opts.result ? JSON.stringify(opts.result) : null,
        Date.now(),
        id,
      ).changes > 0
    );
  }

  setStep(id: number, step: string, result: StoredOperation['result']): void {
    this.statements.setStep.run(step, result ? JSON.stringify(result) : null, id);
  }

  countAttempt(id: number): void {
    this.statements.attempt.run(id);
  }

  /** UIDs of a mailbox whose flags wait to be replayed: a sync must not overwrite them. */
  pendingFlagUids(mailboxId: number): Set<number> {
    return new Set(this.statements.pendingUids.all(mailboxId) as number[]);
  }

  /** The UID a finished move gave a message in the folder it moved to, or null. */
  movedUid(messageId: number, toMailboxId: number): number | null {
    const r = this.statements.moved.get(messageId, toMailboxId) as
      { map: string | null; uid: number } | undefined;
    if (!r?.map) return null;
    const hit = (JSON.parse(r.map) as [number, number][]).find(([from]) => from === r.uid);
    // 0: the server took it without saying its UID (no UIDPLUS).
    return hit && hit[1] > 0 ? hit[1] : null;
  }

  counts(): { pending: number; failed: number } {
    const r = this.statements.counts.get() as { pending: number | null; failed: number | null };
    return { pending: r.pending ?? 0, failed: r.failed ?? 0 };
  }

  list(state: 'pending' | 'failed' | undefined, limit: number): Operation[] {
    return (this.statements.list.all(state ?? null, state ?? null, limit) as Row[]).map(
      toOperation,
    );
  }
}
