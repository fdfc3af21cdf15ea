// What a user does to mail: done in the local store at once, and recorded in the same
// transaction as operations that the sync engine replays to the server (sync/replay.ts).
// Undo takes back the last action: an operation not yet replayed is simply cancelled, one
// already on the server is answered by its inverse, where the server allows it.
import type { ActionResult, MailboxRole, Selection } from '../../../common/types.js';
import { MaildockError } from '../../../common/errors.js';
import { ANSWERED, FLAGGED, SEEN } from '../store/flags.js';
import type {
  ActionRow,
  FlagArgs,
  MoveArgs,
  NewOperation,
  OperationItem,
  Repositories,
  Store,
  StoredOperation,
} from '../store/index.js';

export interface MarkChange {
  read?: boolean;
  flagged?: boolean;
  /** Set by Maildock itself once a reply has left. */
  answered?: boolean;
}

export interface MoveTarget {
  mailboxId?: number;
  path?: string;
  role?: MailboxRole;
}

const FLAG_BITS: Record<string, number> = {
  '\\Seen': SEEN,
  '\\Flagged': FLAGGED,
  '\\Answered': ANSWERED,
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function item(r: ActionRow): OperationItem {
  return { id: r.id, uid: r.uid, msgid: r.msgid, flags: r.flags, keywords: r.keywords };
}

/** Rows grouped by their mailbox, each group in UID order. */
function byMailbox(rows: readonly ActionRow[]): Map<number, ActionRow[]> {
  const out = new Map<number, ActionRow[]>();
  for (const r of rows) {
    const list = out.get(r.mailboxId) ?? [];
    list.push(r);
    out.set(r.mailboxId, list);
  }
  return out;
}

export interface UndoResult {
  undone: boolean;
  actionId: number | null;
  description: string;
}

export class LocalActions {
  constructor(private readonly store: Store) {}

  /** The selected messages; asking for an id that does not exist is an error. */
  private async rows(tx: Repositories, sel: Selection): Promise<ActionRow[]> {
    const ids = sel.ids ?? [];
    const threadIds = sel.threadIds ?? [];
    if (!ids.length && !threadIds.length)
      throw new MaildockError('INVALID_INPUT', 'Select at least one message or thread.');
    const rows = await tx.messages.actionRows(ids, threadIds);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined)
      throw new MaildockError('NOT_FOUND', `There is no message ${missing}.`, {
        messageId: missing,
      });
    return rows;
  }

  private async operation(
    tx: Repositories,
    mailboxId: number,
    kind: NewOperation['kind'],
    rows: readonly ActionRow[],
    args: NewOperation['args'],
  ): Promise<NewOperation> {
    const box = await tx.mailboxes.info(mailboxId);
    if (!box)
      throw new MaildockError('NOT_FOUND', `There is no mailbox ${mailboxId}.`, { mailboxId });
    return {
      accountId: box.accountId,
      kind,
      mailboxId,
      path: box.path,
      uidValidity: box.uidValidity,
      items: rows.map(item),
      args,
    };
  }

  /** `undoable: false` for changes the user did not make by hand: undo passes over them. */
  mark(
    sel: Selection,
    change: MarkChange,
    opts: { undoable?: boolean } = {},
  ): Promise<ActionResult> {
    const add: string[] = [];
    const remove: string[] = [];
    if (change.read !== undefined) (change.read ? add : remove).push('\\Seen');
    if (change.flagged !== undefined) (change.flagged ? add : remove).push('\\Flagged');
    if (change.answered !== undefined) (change.answered ? add : remove).push('\\Answered');
    if (!add.length && !remove.length)
      throw new MaildockError(
        'INVALID_INPUT',
        'Say what to mark: read, unread, flagged or unflagged.',
      );
    const addBits = add.reduce((b, f) => b | FLAG_BITS[f]!, 0);
    const removeBits = remove.reduce((b, f) => b | FLAG_BITS[f]!, 0);
    const words = [
      change.read === true ? 'read' : change.read === false ? 'unread' : null,
      change.flagged === true ? 'flagged' : change.flagged === false ? 'unflagged' : null,
      change.answered === true ? 'answered' : change.answered === false ? 'not answered' : null,
    ].filter(Boolean);

    return this.store.transaction(async (tx) => {
      const rows = (await this.rows(tx, sel)).filter(
        (r) => ((r.flags | addBits) & ~removeBits) !== r.flags,
      );
      const description = `Marked ${plural(rows.length, 'message')} as ${words.join(' and ')}`;
      if (!rows.length) return { actionId: null, affected: 0, description };
      const actionId = await tx.operations.addAction('flags', description);
      for (const [mailboxId, list] of byMailbox(rows)) {
        await tx.operations.add(
          actionId,
          await this.operation(tx, mailboxId, 'flags', list, { add, remove } satisfies FlagArgs),
        );
        for (const r of list)
          await tx.messages.setLocalFlags(r.id, (r.flags | addBits) & ~removeBits, r.keywords);
      }
      if (opts.undoable === false) await tx.operations.markUndone(actionId);
      return { actionId, affected: rows.length, description };
    });
  }

  /**
   * A reply has left: its original (by Message-ID, in the account it came to) is marked
   * \\Answered and replayed like any change. Not the user's own action: undo skips it.
   */
  async markAnswered(accountId: number, messageId: string): Promise<ActionResult> {
    const ids = await this.store.messages.idsByMessageId(accountId, messageId);
    if (!ids.length) return { actionId: null, affected: 0, description: 'No original here' };
    return this.mark({ ids }, { answered: true }, { undoable: false });
  }

  private async target(
    tx: Repositories,
    accountId: number,
    t: MoveTarget,
  ): Promise<{ id: number; path: string; role: MailboxRole | null }> {
    let box;
    if (t.mailboxId !== undefined) {
      box = await tx.mailboxes.info(t.mailboxId);
      if (box && box.accountId !== accountId)
        throw new MaildockError(
          'INVALID_INPUT',
          'Messages move only between folders of their own account.',
          { mailboxId: t.mailboxId },
        );
    } else if (t.path !== undefined) {
      box = await tx.mailboxes.infoByPath(accountId, t.path);
    } else if (t.role !== undefined) {
      box = await tx.mailboxes.byRole(accountId, t.role);
      if (!box)
        throw new MaildockError('NOT_FOUND', `This account has no ${t.role} folder.`, {
          accountId,
          role: t.role,
        });
    } else {
      throw new MaildockError('INVALID_INPUT', 'Say where to move: a mailbox, a path or a role.');
    }
    if (!box)
      throw new MaildockError('NOT_FOUND', `There is no folder ${t.path ?? t.mailboxId}.`, {
        ...(t.path !== undefined ? { path: t.path } : { mailboxId: t.mailboxId ?? null }),
      });
    return { id: box.id, path: box.path, role: box.role };
  }

  /** Records the move of rows (one account) into a target; returns how many moved. */
  private async recordMove(
    tx: Repositories,
    actionId: number,
    rows: readonly ActionRow[],
    to: { id: number; path: string },
  ): Promise<number> {
    let moved = 0;
    for (const [mailboxId, list] of byMailbox(rows)) {
      if (mailboxId === to.id) continue;
      await tx.operations.add(
        actionId,
        await this.operation(tx, mailboxId, 'move', list, {
          toMailboxId: to.id,
          toPath: to.path,
        } satisfies MoveArgs),
      );
      // The server's UID in the target is known only once the move is replayed.
      for (const r of list) await tx.messages.place(r.id, to.id, -r.id);
      moved += list.length;
    }
    return moved;
  }

  move(sel: Selection, t: MoveTarget): Promise<ActionResult> {
    return this.store.transaction(async (tx) => {
      const rows = await this.rows(tx, sel);
      const accounts = new Set(rows.map((r) => r.accountId));
      let actionId: number | null = null;
      let moved = 0;
      let path = '';
      for (const accountId of accounts) {
        const to = await this.target(tx, accountId, t);
        path = to.path;
        const list = rows.filter((r) => r.accountId === accountId && r.mailboxId !== to.id);
        if (!list.length) continue;
        actionId ??= await tx.operations.addAction('move', '');
        moved += await this.recordMove(tx, actionId, list, to);
      }
      const description = `Moved ${plural(moved, 'message')} to ${path}`;
      if (actionId !== null) await tx.operations.describe(actionId, description);
      return { actionId, affected: moved, description };
    });
  }

  /** To the Trash; what is in the Trash already (or has no Trash to go to) goes for good. */
  delete(sel: Selection): Promise<ActionResult> {
    return this.store.transaction(async (tx) => {
      const rows = await this.rows(tx, sel);
      let actionId: number | null = null;
      let trashed = 0;
      let erased = 0;
      for (const accountId of new Set(rows.map((r) => r.accountId))) {
        const trash = await tx.mailboxes.byRole(accountId, 'trash');
        const mine = rows.filter((r) => r.accountId === accountId);
        const toTrash = trash ? mine.filter((r) => r.mailboxId !== trash.id) : [];
        const forGood = trash ? mine.filter((r) => r.mailboxId === trash.id) : mine;
        actionId ??= await tx.operations.addAction('delete', '');
        if (trash && toTrash.length) trashed += await this.recordMove(tx, actionId, toTrash, trash);
        for (const [mailboxId, list] of byMailbox(forGood)) {
          await tx.operations.add(
            actionId,
            await this.operation(tx, mailboxId, 'expunge', list, {}),
          );
          erased += await tx.messages.deleteIds(list.map((r) => r.id));
        }
      }
      const parts = [
        trashed ? `moved ${plural(trashed, 'message')} to the Trash` : '',
        erased ? `deleted ${plural(erased, 'message')} for good` : '',
      ].filter(Boolean);
      const description = parts.length
        ? parts.join(', ').replace(/^./, (c) => c.toUpperCase())
        : 'Nothing to delete';
      if (actionId !== null) await tx.operations.describe(actionId, description);
      return { actionId, affected: trashed + erased, description };
    });
  }

  /**
   * Takes back one action: the one named (a window undoes only what it did itself), or
   * without a name the last one not undone yet (the command line's `maildock undo`).
   */
  undo(actionId?: number): Promise<UndoResult> {
    return this.store.transaction(async (tx) => {
      const last =
        actionId === undefined
          ? await tx.operations.lastAction()
          : await tx.operations.action(actionId);
      if (!last) {
        const description =
          actionId === undefined ? 'Nothing to undo' : 'That change is too old to undo';
        return { undone: false, actionId: actionId ?? null, description };
      }
      if (last.undone)
        return { undone: false, actionId: last.id, description: 'That change is undone already' };
      if (last.kind === 'mailbox')
        return {
          undone: false,
          actionId: last.id,
          description: `Folder changes are not undone (${last.description}): rename, move or delete the folder again`,
        };
      if ((await tx.operations.laterOnSameMessages(last.id)) !== null)
        return {
          undone: false,
          actionId: last.id,
          description: `A later change to the same messages stands in the way of undoing: ${last.description}`,
        };
      const ops = await tx.operations.ofAction(last.id);
      if (ops.some((o) => o.kind === 'expunge'))
        return {
          undone: false,
          actionId: last.id,
          description: 'Messages deleted for good cannot be brought back',
        };
      const done = ops.filter((o) => o.state === 'done');
      const lost = done.find((o) => o.kind === 'move' && !o.result?.uidMap?.length);
      if (lost)
        return {
          undone: false,
          actionId: last.id,
          description: `The server did not say where it put the messages moved to ${(lost.args as MoveArgs).toPath}`,
        };
      let inverseAction: number | null = null;
      const inverse = async () => {
        if (inverseAction === null) {
          inverseAction = await tx.operations.addAction(last.kind, `Undo: ${last.description}`);
          await tx.operations.markUndone(inverseAction);
        }
        return inverseAction;
      };
      for (const op of ops) {
        // One transaction: the states read above cannot change under it.
        if (op.state === 'pending') {
          await tx.operations.finish(op.id, 'cancelled');
          await this.revertLocally(tx, op);
        } else if (op.state === 'done') {
          await this.invert(tx, op, inverse);
        }
      }
      await tx.operations.markUndone(last.id);
      return { undone: true, actionId: last.id, description: `Undone: ${last.description}` };
    });
  }

  /** An operation that never reached the server: put the messages back as they were. */
  private async revertLocally(tx: Repositories, op: StoredOperation): Promise<void> {
    if (op.kind === 'flags') {
      for (const it of op.items) await tx.messages.setLocalFlags(it.id, it.flags, it.keywords);
    } else if (op.kind === 'move' && op.mailboxId !== null) {
      for (const it of op.items) await tx.messages.place(it.id, op.mailboxId, it.uid);
    }
  }

  /** An operation the server has applied: record the operation that reverses it. */
  private async invert(
    tx: Repositories,
    op: StoredOperation,
    actionId: () => Promise<number>,
  ): Promise<void> {
    if (op.kind === 'flags') {
      const args = op.args as FlagArgs;
      const groups = new Map<string, { args: FlagArgs; items: OperationItem[] }>();
      for (const it of op.items) {
        const had = (f: string) => (it.flags & FLAG_BITS[f]!) !== 0;
        const back: FlagArgs = {
          add: args.remove.filter(had),
          remove: args.add.filter((f) => !had(f)),
        };
        if (!back.add.length && !back.remove.length) continue;
        const key = JSON.stringify(back);
        const g = groups.get(key) ?? { args: back, items: [] };
        g.items.push(it);
        groups.set(key, g);
        await tx.messages.setLocalFlags(it.id, it.flags, it.keywords);
      }
      if (op.mailboxId === null) return;
      for (const g of groups.values()) {
        const rows = g.items.map((it) => ({
          ...it,
          accountId: op.accountId,
          mailboxId: op.mailboxId!,
        }));
        await tx.operations.add(
          await actionId(),
          await this.operation(tx, op.mailboxId, 'flags', rows, g.args),
        );
      }
    } else if (op.kind === 'move' && op.mailboxId !== null) {
      const args = op.args as MoveArgs;
      const newUid = new Map(op.result?.uidMap ?? []);
      const source = await tx.mailboxes.info(op.mailboxId);
      if (!source) return;
      const rows: ActionRow[] = op.items
        .filter((it) => newUid.has(it.uid))
        .map((it) => ({
          ...it,
          uid: newUid.get(it.uid)!,
          accountId: op.accountId,
          mailboxId: args.toMailboxId,
        }));
      if (rows.length)
        await this.recordMove(tx, await actionId(), rows, { id: source.id, path: source.path });
    }
  }
}
