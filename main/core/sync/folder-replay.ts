// Replays a folder operation (actions/folders.ts) to the server. Each is safe to repeat: the
// journal closes an operation only after the server has done it, so after a crash between
// the two the same command goes out again, and the server's folder list says whether it is
// done already:
// - create: CREATE (a folder that exists counts as made), then SUBSCRIBE;
// - rename: RENAME (the source gone and the target there counts as renamed), then SUBSCRIBE
//   the new paths and UNSUBSCRIBE the old;
// - delete: DELETE of the folder and every subfolder the server has, deepest first (the
//   server refuses a folder that still has children); one already gone counts as deleted.
// The server refusing one of them is a MaildockError (the operation fails, the next list
// sync steers the local folders back to the server's); a lost connection is thrown as it came.
// A server whose folders all live under a personal namespace prefix ("INBOX.") gets it before
// a path made here without it, as imapflow sends it; the folder's path here then follows.
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import { isWithin, movedPath } from '../../../common/folder-paths.js';
import type { FolderArgs, StoredOperation } from '../store/index.js';

interface CommandError {
  responseText?: string;
  serverResponseCode?: string;
}

/**
 * The folders the server has now: with `selectable`, only those that can hold mail (not a
 * name LIST gives only as the parent of others, \Noselect).
 */
async function serverPaths(client: ImapFlow, selectable = false): Promise<Set<string>> {
  const listed = await client.list({ listOnly: true });
  return new Set(
    listed
      .filter((l) => !l.flags.has('\\NonExistent') && !(selectable && l.flags.has('\\Noselect')))
      .map((l) => l.path),
  );
}

/** What the server said when it refused, as data: its response code picks ours. */
function refusal(err: unknown, what: string, path: string): MaildockError {
  const e = (err ?? {}) as CommandError;
  const message = `The server refused ${what}${e.responseText ? `: ${e.responseText}` : ''}.`;
  const fields = { path, ...(e.serverResponseCode ? { response: e.serverResponseCode } : {}) };
  if (e.serverResponseCode === 'ALREADYEXISTS')
    return new MaildockError('ALREADY_EXISTS', message, fields);
  if (e.serverResponseCode === 'NONEXISTENT')
    return new MaildockError('MAILBOX_GONE', message, fields);
  return new MaildockError('PROTOCOL_ERROR', message, fields);
}

/** The server's NO to a command, as the error it threw; a lost connection is thrown on. */
async function refusedBy(client: ImapFlow, run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return null;
  } catch (err) {
    if (!client.usable) throw err;
    return err;
  }
}

/**
 * imapflow answers a failed SUBSCRIBE or UNSUBSCRIBE with false, the connection's loss
 * included: that loss is thrown, so the operation is replayed again rather than closed.
 */
function stillConnected(client: ImapFlow): void {
  if (!client.usable)
    throw Object.assign(new Error('The connection was lost during a subscription.'), {
      code: 'NoConnection',
    });
}

/** A path as the server has it: under the personal namespace's prefix, as imapflow sends it. */
function onServer(client: ImapFlow, path: string): string {
  const prefix = client.namespace?.prefix;
  return prefix && path.toUpperCase() !== 'INBOX' && !path.startsWith(prefix)
    ? `${prefix}${path}`
    : path;
}

async function create(client: ImapFlow, op: StoredOperation): Promise<string> {
  const path = onServer(client, op.path);
  // imapflow answers a folder that exists (ALREADYEXISTS) with created: false.
  const failed = await refusedBy(client, () => client.mailboxCreate(path));
  if (failed && !(await serverPaths(client)).has(path))
    throw refusal(failed, `to create ${path}`, op.path);
  await client.mailboxSubscribe(path);
  stillConnected(client);
  return path;
}

async function rename(client: ImapFlow, op: StoredOperation, args: FolderArgs): Promise<string> {
  const from = onServer(client, op.path);
  const to = onServer(client, args.toPath!);
  const before = await serverPaths(client);
  // The source gone and the target there: renamed before a crash, nothing to send again.
  if (before.has(from) || !before.has(to)) {
    const failed = await refusedBy(client, () => client.mailboxRename(from, to));
    if (failed) {
      const now = await serverPaths(client);
      if (now.has(from) || !now.has(to))
        throw refusal(failed, `to rename ${from} to ${to}`, op.path);
    }
  }
  // The subscriptions follow the folder and its subfolders, whichever run renamed them.
  const moved = [...(await serverPaths(client))].filter((p) => isWithin(p, to, args.delimiter));
  for (const path of moved) {
    await client.mailboxSubscribe(path);
    await client.mailboxUnsubscribe(movedPath(path, to, from));
  }
  stillConnected(client);
  return to;
}

async function remove(client: ImapFlow, op: StoredOperation, args: FolderArgs): Promise<void> {
  const root = onServer(client, op.path);
  const there = [...(await serverPaths(client))]
    .filter((p) => isWithin(p, root, args.delimiter))
    .sort((a, b) => b.length - a.length);
  for (const path of there) {
    const failed = await refusedBy(client, () => client.mailboxDelete(path));
    // A name left only as a parent (\Noselect) holds no mail: it is not worth a failure.
    if (failed && (await serverPaths(client, true)).has(path))
      throw refusal(failed, `to delete ${path}`, path);
    await client.mailboxUnsubscribe(path);
  }
  stillConnected(client);
}

/**
 * Carries one folder operation to the server; returns once the server has it, with the
 * path the folder made or renamed has there (null for a delete).
 */
export async function replayFolder(client: ImapFlow, op: StoredOperation): Promise<string | null> {
  const args = op.args as FolderArgs;
  if (op.kind === 'mailbox-create') return create(client, op);
  if (op.kind === 'mailbox-rename') return rename(client, op, args);
  if (op.kind === 'mailbox-delete') {
    await remove(client, op, args);
    return null;
  }
  throw new MaildockError('INTERNAL', `${op.kind} is not a folder operation.`);
}

/** Where the operation put its folder, as it was recorded here (null for a delete). */
export function recordedPath(op: StoredOperation): string | null {
  if (op.kind === 'mailbox-create') return op.path;
  if (op.kind === 'mailbox-rename') return (op.args as FolderArgs).toPath ?? null;
  return null;
}
