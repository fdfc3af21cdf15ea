// The parts every action is made of: the selected messages, and the operations recorded
// for the server with the local change each one makes (a move, a change of flags).
import type { MailboxRole, Selection } from '../../../common/types.js';
import { MaildockError } from '../../../common/errors.js';
import { changeFlags } from '../store/flags.js';
import type {
  ActionRow,
  FlagArgs,
  MoveArgs,
  NewOperation,
  OperationItem,
  Repositories,
} from '../store/index.js';

export interface MoveTarget {
  mailboxId?: number;
  path?: string;
  role?: MailboxRole;
}

export const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function item(r: ActionRow): OperationItem {
  return { id: r.id, uid: r.uid, msgid: r.msgid, flags: r.flags, keywords: r.keywords };
}

/** Whether a change of flags changes anything of this message's. */
export function changesFlags(r: ActionRow, args: FlagArgs): boolean {
  const after = changeFlags(r.flags, r.keywords, args);
  const before = changeFlags(r.flags, r.keywords, { add: [], remove: [] });
  return after.bits !== before.bits || after.keywords !== before.keywords;
}

/** Rows grouped by their mailbox, each group in UID order. */
export function byMailbox(rows: readonly ActionRow[]): Map<number, ActionRow[]> {
  const out = new Map<number, ActionRow[]>();
  for (const r of rows) {
    const list = out.get(r.mailboxId) ?? [];
    list.push(r);
    out.set(r.mailboxId, list);
  }
  return out;
}

/** The selected messages; asking for an id that does not exist is an error. */
export async function selectedRows(tx: Repositories, sel: Selection): Promise<ActionRow[]> {
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

/** An operation on rows of one mailbox, as the journal records it. */
export async function newOperation(
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

/**
 * Records a change of flags and keywords of rows that it changes, and makes it here; in a
 * local folder, for undo alone.
 */
export async function recordFlags(
  tx: Repositories,
  actionId: number,
  rows: readonly ActionRow[],
  args: FlagArgs,
): Promise<void> {
  for (const [mailboxId, list] of byMailbox(rows)) {
    if ((await tx.mailboxes.info(mailboxId))?.local)
      await tx.operations.addLocal(actionId, {
        kind: 'flags',
        mailboxId,
        items: list.map(item),
        args,
      });
    else await tx.operations.add(actionId, await newOperation(tx, mailboxId, 'flags', list, args));
    for (const r of list) {
      const after = changeFlags(r.flags, r.keywords, args);
      await tx.messages.setLocalFlags(r.id, after.bits, after.keywords);
    }
  }
}

/** The folder a move names (by id, path or role), in the messages' own account. */
export async function moveTarget(
  tx: Repositories,
  accountId: number,
  t: MoveTarget,
): Promise<{ id: number; path: string; role: MailboxRole | null; local: boolean }> {
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
  return { id: box.id, path: box.path, role: box.role, local: box.local };
}

/** Records the move of rows (one account) into a target; returns how many moved. */
export async function recordMove(
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
      await newOperation(tx, mailboxId, 'move', list, {
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
