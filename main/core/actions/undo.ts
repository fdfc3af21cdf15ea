// Undo takes back one action: an operation not yet replayed is simply cancelled, one already
// on the server is answered by its inverse, where the server allows it.
import { hasFlag } from '../store/flags.js';
import type {
  ActionRow,
  FlagArgs,
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
  await tx.operations.markUndone(last.id);
  return { undone: true, actionId: last.id, description: `Undone: ${last.description}` };
}

/** An operation that never reached the server: put the messages back as they were. */
async function revertLocally(tx: Repositories, op: StoredOperation): Promise<void> {
  if (op.kind === 'flags') {
    for (const it of op.items) await tx.messages.setLocalFlags(it.id, it.flags, it.keywords);
  } else if (op.kind === 'move' && op.mailboxId !== null) {
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
