// A message moved out of a local folder waits in its target, under a placeholder UID, for its
// APPEND (sync/append-replay.ts); that row and its bytes are its only copy. When the target
// goes before the APPEND (deleted here, or gone from the server's folder list), the message
// goes back to its local folder instead of going with the target; the append then fails and
// says why.
import type { MoveArgs, Repositories } from '../store/index.js';

/** Puts the messages waiting to be appended to these folders back where they came from. */
export async function keepPendingAppends(
  tx: Repositories,
  accountId: number,
  mailboxIds: readonly number[],
): Promise<number> {
  const going = new Set(mailboxIds);
  let kept = 0;
  for (const op of await tx.operations.pending(accountId, 100_000)) {
    if (op.kind !== 'append' || op.mailboxId === null) continue;
    const to = (op.args as MoveArgs).toMailboxId;
    if (!going.has(to)) continue;
    for (const it of op.items) {
      if (!(await tx.messages.isPlaceholder(it.id, to))) continue;
      await tx.messages.place(it.id, op.mailboxId, it.uid);
      kept++;
    }
  }
  return kept;
}
