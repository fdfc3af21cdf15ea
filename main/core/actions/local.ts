// Actions on messages of local folders: made in the store only and kept for undo as local
// changes (no operation is queued, nothing reaches a server), and the two moves across:
// - into a local folder from one of the server's: the copy fetched beforehand (local/copy.ts)
//   is stored whole under a local UID, then the server's copy is deleted by an ordinary
//   queued expunge, recorded only now that the copy is here;
// - out of a local folder into one of the server's: a queued 'append' (sync/append-replay.ts)
//   puts the message there once; the local copy goes when the server has it.
import { MaildockError } from '../../../common/errors.js';
import type { ParsedBody } from '../mime/limits.js';
import type { ActionRow, MoveArgs, Repositories } from '../store/index.js';
import { byMailbox, item, newOperation } from './records.js';

/** Copies fetched from the server ahead of a move into a local folder, by message id. */
export type Copies = Map<number, { raw: Buffer; body: ParsedBody }>;

/** Which of these mailboxes are local folders. */
export async function localFolders(
  tx: Repositories,
  mailboxIds: Iterable<number>,
): Promise<Set<number>> {
  const local = new Set<number>();
  for (const id of new Set(mailboxIds)) if ((await tx.mailboxes.info(id))?.local) local.add(id);
  return local;
}

/** Moves rows (one account) where the source or the target is a local folder; returns how many. */
export async function recordLocalMove(
  tx: Repositories,
  actionId: number,
  rows: readonly ActionRow[],
  to: { id: number; path: string; local: boolean },
  copies: Copies,
): Promise<number> {
  const args: MoveArgs = { toMailboxId: to.id, toPath: to.path };
  let moved = 0;
  for (const [mailboxId, list] of byMailbox(rows)) {
    if (mailboxId === to.id) continue;
    const from = (await localFolders(tx, [mailboxId])).has(mailboxId);
    if (!from && !to.local) continue;
    if (to.local) {
      // A copy for every message, or no change at all: the delete on the server comes after.
      const missing = list.find((r) => !from && !copies.has(r.id));
      if (missing)
        throw new MaildockError(
          'NOT_FOUND',
          `Message ${missing.id} was not copied from the server: move it again.`,
          { messageId: missing.id },
        );
      const first = await tx.mailboxes.takeLocalUids(to.id, list.length);
      for (const [i, r] of list.entries()) {
        await tx.messages.place(r.id, to.id, first + i);
        const copy = copies.get(r.id);
        if (!from && copy) await tx.bodies.save(r.id, { ...copy.body, raw: copy.raw });
      }
      await tx.operations.addLocal(actionId, {
        kind: 'move',
        mailboxId,
        items: list.map(item),
        args,
      });
      if (!from)
        await tx.operations.add(actionId, await newOperation(tx, mailboxId, 'expunge', list, {}));
    } else {
      await tx.operations.add(actionId, await newOperation(tx, mailboxId, 'append', list, args));
      // As a move's: the server's UID in the target is known once the append is replayed.
      for (const r of list) await tx.messages.place(r.id, to.id, -r.id);
    }
    moved += list.length;
  }
  return moved;
}

/** Deletes messages of local folders for good (there is no Trash of their own); returns how many. */
export async function deleteLocal(
  tx: Repositories,
  actionId: number,
  rows: readonly ActionRow[],
): Promise<number> {
  let erased = 0;
  for (const [mailboxId, list] of byMailbox(rows)) {
    await tx.operations.addLocal(actionId, {
      kind: 'delete',
      mailboxId,
      items: list.map(item),
      args: {},
    });
    erased += await tx.messages.deleteIds(list.map((r) => r.id));
  }
  return erased;
}
