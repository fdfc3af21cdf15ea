// Replays an 'append': messages moved out of a local folder into a folder of the account,
// APPENDed there from the copy kept here, with their flags and date, each exactly once:
// - before each APPEND the step 'appending' is committed with the target's next UID (since);
// - a replay after a crash or a lost connection in that step first looks in the target, at
//   or above `since`, for a message of exactly those bytes, and takes it instead of sending
//   the message again;
// - each message the server took is recorded at once (its UID in result.uidMap) and its row
//   placed there under that UID; the local copy's bytes are dropped. Without UIDPLUS the row
//   goes, and the next sync of the target brings the message.
// A refusal fails the operation; what was not appended goes back to the local folder.
import type { ImapFlow } from 'imapflow';
import { MaildockError, type ErrorData } from '../../../common/errors.js';
import { decodeFlags } from '../store/flags.js';
import type { MoveArgs, OperationItem, Store, StoredOperation } from '../store/index.js';

/** The target's next UID as the server says now; a folder it cannot give one of is gone. */
async function uidNext(client: ImapFlow, path: string): Promise<number> {
  let status;
  try {
    status = await client.status(path, { uidNext: true });
  } catch (err) {
    if (!client.usable) throw err;
    throw new MaildockError(
      'MAILBOX_GONE',
      `The folder ${path} cannot be opened: ${(err as Error).message}`,
      { path },
    );
  }
  return (status && status.uidNext) || 1;
}

/** The UID a message of exactly these bytes has in the target at or above `since`, or null. */
async function findAppended(
  client: ImapFlow,
  path: string,
  since: number,
  raw: Buffer,
): Promise<number | null> {
  let lock;
  try {
    lock = await client.getMailboxLock(path, { readOnly: true });
  } catch (err) {
    // Gone: nothing was appended there that could be found; uidNext says so next.
    if (!client.usable) throw err;
    return null;
  }
  try {
    if (!((client.mailbox || null)?.exists ?? 0)) return null;
    for await (const m of client.fetch(`${since}:*`, { uid: true, source: true }, { uid: true }))
      if (m.uid >= since && m.source?.equals(raw)) return m.uid;
    return null;
  } finally {
    lock.release();
  }
}

async function appendOne(
  client: ImapFlow,
  path: string,
  raw: Buffer,
  it: OperationItem,
  date: Date | undefined,
): Promise<number> {
  try {
    const res = await client.append(path, raw, decodeFlags(it.flags, it.keywords), date);
    return res && typeof res.uid === 'number' ? res.uid : 0;
  } catch (err) {
    const e = err as { responseStatus?: string; responseText?: string; message?: string };
    // Refused (NO, BAD, too large) on a connection still usable: the operation fails.
    if (client.usable && (e.responseStatus === 'NO' || e.responseStatus === 'BAD'))
      throw new MaildockError(
        'PROTOCOL_ERROR',
        `The server refused a message for ${path}: ${e.responseText ?? e.message ?? e.responseStatus}`,
        { path },
      );
    throw err;
  }
}

export async function replayAppend(
  client: ImapFlow,
  store: Store,
  op: StoredOperation,
): Promise<void> {
  const args = op.args as MoveArgs;
  const uidMap = [...(op.result?.uidMap ?? [])];
  const appended = new Set(uidMap.map(([from]) => from));
  let since = op.step === 'appending' ? (op.result?.since ?? null) : null;
  for (const it of op.items) {
    if (appended.has(it.uid)) continue;
    const raw = await store.bodies.raw(it.id);
    // Deleted here since: nothing to append (an expunge of it then finds no UID).
    if (!raw) continue;
    let uid = since !== null ? await findAppended(client, args.toPath, since, raw) : null;
    if (uid === null) {
      since = await uidNext(client, args.toPath);
      await store.operations.setStep(op.id, 'appending', { uidMap, since });
      const summary = await store.messages.summary(it.id);
      uid = await appendOne(
        client,
        args.toPath,
        raw,
        it,
        summary ? new Date(summary.date) : undefined,
      );
    }
    since = null;
    uidMap.push([it.uid, uid]);
    appended.add(it.uid);
    const got = uid;
    await store.transaction(async (tx) => {
      await tx.operations.setStep(op.id, 'appended', { uidMap });
      // A message the user moved on since is left to the operation that moves it on.
      if (!(await tx.messages.isPlaceholder(it.id, args.toMailboxId))) return;
      if (got > 0 && (await tx.messages.place(it.id, args.toMailboxId, got)))
        await tx.bodies.setRaw(it.id, null);
      else if (got <= 0) await tx.messages.deleteIds([it.id]);
    });
  }
  await store.operations.finish(op.id, 'done', { result: { uidMap } });
}

/** The server refused: what it did not take goes back to the local folder it came from. */
export async function failAppend(
  store: Store,
  op: StoredOperation,
  error: ErrorData,
): Promise<void> {
  const args = op.args as MoveArgs;
  await store.transaction(async (tx) => {
    if (!(await tx.operations.finish(op.id, 'failed', { error }))) return;
    if (op.mailboxId === null) return;
    for (const it of op.items)
      if (await tx.messages.isPlaceholder(it.id, args.toMailboxId))
        await tx.messages.place(it.id, op.mailboxId, it.uid);
  });
}
