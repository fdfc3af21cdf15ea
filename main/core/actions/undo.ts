// Undo takes back one action: an operation not yet replayed is simply cancelled, one already
// on the server is answered by its inverse, where the server allows it. A change made in
// local folders only is put back here.
import { hasFlag } from '../store/flags.js';
import type {
  ActionRow,
  FlagArgs,
  LocalChange,
  MoveArgs,
  OperationItem,
  Repositories,
  StoredOperation,
} from '../store/index.js';
import { newOperation, recordMove } from './records.js';

export interface UndoResult {
  undone: boolean;
  actionId: number | null;
  description: string;
}

/**
 * Takes back one action: the one named (a window undoes only what it did itself), or
 * without a name the last one not undone yet (the command line's `maildock undo`).
 */
export async function undoAction(tx: Repositories, actionId?: number): Promise<UndoResult> {
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
  const local = await tx.operations.localOfAction(last.id);
  const refused = refusal(ops, local);
  if (refused) return { undone: false, actionId: last.id, description: refused };
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
  // Last first: keywords set after a move are taken back where the messages are still.
  for (const op of [...ops].reverse()) {
    // One transaction: the states read above cannot change under it.
    if (op.state === 'pending') {
      await tx.operations.finish(op.id, 'cancelled');
      await revertLocally(tx, op);
    } else if (op.state === 'done') {
      await invert(tx, op, inverse);
    }
  }
  for (const change of [...local].reverse()) await revertLocal(tx, change);
  await tx.operations.markUndone(last.id);
  return { undone: true, actionId: last.id, description: `Undone: ${last.description}` };
}

/** Why an action cannot be taken back, or null when it can. */
function refusal(ops: readonly StoredOperation[], local: readonly LocalChange[]): string | null {
  const gone = 'Messages deleted for good cannot be brought back';
  if (local.some((c) => c.kind === 'delete')) return gone;
  for (const o of ops) {
    // Copied into a local folder: the server's copy is deleted afterwards, by this operation.
    const keptHere = local.some((c) => c.kind === 'move' && c.mailboxId === o.mailboxId);
    if (o.kind === 'expunge' && !keptHere) return gone;
    if (o.kind === 'expunge' && o.state === 'done')
      return 'The messages were deleted from the server once kept in the local folder: move them back instead';
    if (o.kind === 'append' && o.state === 'done')
      return 'The messages are on the server now: move them back to the local folder instead';
  }
  return null;
}

/** A change made in local folders only: put the messages back as they were. */
async function revertLocal(tx: Repositories, change: LocalChange): Promise<void> {
  if (change.kind === 'flags') {
    for (const it of change.items) await tx.messages.setLocalFlags(it.id, it.flags, it.keywords);
  } else if (change.kind === 'move' && change.mailboxId !== null) {
    for (const it of change.items) await tx.messages.place(it.id, change.mailboxId, it.uid);
  }
}

/** An operation that never reached the server: put the messages back as they were. */
async function revertLocally(tx: Repositories, op: StoredOperation): Promise<void> {
  if (op.kind === 'flags') {
    for (const it of op.items) await tx.messages.setLocalFlags(it.id, it.flags, it.keywords);
  } else if ((op.kind === 'move' || op.kind === 'append') && op.mailboxId !== null) {
    for (const it of op.items) await tx.messages.place(it.id, op.mailboxId, it.uid);
  }
}

/** An operation the server has applied: record the operation that reverses it. */
async function invert(
  tx: Repositories,
  op: StoredOperation,
  actionId: () => Promise<number>,
): Promise<void> {
  if (op.kind === 'flags') {
    const args = op.args as FlagArgs;
    const groups = new Map<string, { args: FlagArgs; items: OperationItem[] }>();
    for (const it of op.items) {
      const had = (f: string) => hasFlag(it.flags, it.keywords, f);
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
        await newOperation(tx, op.mailboxId, 'flags', rows, g.args),
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
      await recordMove(tx, await actionId(), rows, { id: source.id, path: source.path });
  }
}
