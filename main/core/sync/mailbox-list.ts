// Follows the server's folder list: new folders are added, renamed ones keep their
// messages (recognised by an unchanged UIDVALIDITY), deleted ones go with their messages.
// Folders created, renamed or deleted here and not yet replayed are left as they are here:
// the server's side of them is not added back, and their new paths are not taken away.
// Local folders are none of the server's: never renamed, removed or listed over (the store
// leaves them out of `states` and refuses an upsert at their path).
import type { ImapFlow, ListResponse } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import { isWithin } from '../../../common/folder-paths.js';
import type { MailboxRole } from '../../../common/types.js';
import { keepPendingAppends } from '../local/keep-appends.js';
import { getLogger } from '../platform/log.js';
import type { FolderArgs, StoredOperation, Store } from '../store/index.js';

const log = getLogger('sync');

export interface ServerStatus {
  messages: number | null;
  uidNext: number | null;
  uidValidity: string | null;
  highestModseq: string | null;
}

export interface ListedMailbox {
  id: number;
  path: string;
  role: MailboxRole | null;
  status: ServerStatus;
}

const ROLES: Record<string, MailboxRole> = {
  '\\inbox': 'inbox',
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\trash': 'trash',
  '\\archive': 'archive',
  '\\junk': 'junk',
  '\\all': 'all',
  '\\flagged': 'flagged',
};

export function roleOf(specialUse: string | undefined, path: string): MailboxRole | null {
  if (path.toUpperCase() === 'INBOX') return 'inbox';
  return specialUse ? (ROLES[specialUse.toLowerCase()] ?? null) : null;
}

function statusOf(l: ListResponse): ServerStatus {
  const s = l.status;
  return {
    messages: s?.messages ?? null,
    uidNext: s?.uidNext ?? null,
    uidValidity: s?.uidValidity !== undefined ? s.uidValidity.toString() : null,
    highestModseq: s?.highestModseq !== undefined ? s.highestModseq.toString() : null,
  };
}

/** What the folder operations waiting for the server take from it, and what they bring. */
function pendingPaths(ops: readonly StoredOperation[]): {
  leaving(path: string): boolean;
  coming(path: string): boolean;
} {
  const leaving: [string, string | null][] = [];
  const coming: [string, string | null][] = [];
  for (const op of ops) {
    const { delimiter, toPath } = op.args as FolderArgs;
    if (op.kind === 'mailbox-create') coming.push([op.path, delimiter]);
    if (op.kind === 'mailbox-rename' || op.kind === 'mailbox-delete')
      leaving.push([op.path, delimiter]);
    if (op.kind === 'mailbox-rename' && toPath !== undefined) coming.push([toPath, delimiter]);
  }
  const within = (roots: [string, string | null][]) => (path: string) =>
    roots.some(([root, delimiter]) => isWithin(path, root, delimiter));
  return { leaving: within(leaving), coming: within(coming) };
}

export async function syncMailboxList(
  client: ImapFlow,
  store: Store,
  accountId: number,
): Promise<ListedMailbox[]> {
  // Another connection may replay a folder operation while this one lists (a change made
  // here is sent at once): the LIST can then predate the server's side of an operation that
  // is no longer pending when the list is applied. So what was pending before the LIST counts
  // too, and a folder made here after the LIST began is not the LIST's to judge.
  const pendingBefore = pendingPaths(await store.operations.pendingFolders(accountId));
  const storedBefore = new Set((await store.mailboxes.states(accountId)).map((m) => m.id));
  // A server reports the selected mailbox's status as this session last saw it: leave it
  // first (it was opened read-only, so CLOSE expunges nothing) to get fresh numbers.
  if (client.mailbox) await client.mailboxClose();
  const allListed = (
    await client.list({
      statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: true },
    })
  ).filter((l) => !l.flags.has('\\Noselect') && !l.flags.has('\\NonExistent'));

  return store.transaction(async (tx) => {
    const pendingNow = pendingPaths(await tx.operations.pendingFolders(accountId));
    const leaving = (path: string) => pendingBefore.leaving(path) || pendingNow.leaving(path);
    const coming = (path: string) => pendingBefore.coming(path) || pendingNow.coming(path);
    const listed = allListed.filter((l) => !leaving(l.path));
    const stored = await tx.mailboxes.states(accountId);
    const storedPaths = new Set(stored.map((m) => m.path));
    const arrived = listed.filter((l) => !storedPaths.has(l.path));
    // Judged against everything the server listed: a folder kept here whose operation was
    // given up is not missing because the operation once meant to take it away.
    const onServer = new Set(allListed.map((l) => l.path));
    const missing = stored.filter(
      (m) => !onServer.has(m.path) && !coming(m.path) && storedBefore.has(m.id),
    );

    for (const gone of missing) {
      const renamed = gone.uidValidity
        ? arrived.find(
            (l) => statusOf(l).uidValidity === gone.uidValidity && !storedPaths.has(l.path),
          )
        : undefined;
      // Never onto a local folder's path: then the old row goes, as for a folder deleted.
      if (renamed && !(await tx.mailboxes.infoByPath(accountId, renamed.path))?.local) {
        await tx.mailboxes.rename(gone.id, {
          path: renamed.path,
          name: renamed.name,
          delimiter: renamed.delimiter ?? null,
          role: roleOf(renamed.specialUse, renamed.path),
        });
        storedPaths.add(renamed.path);
      } else {
        await keepPendingAppends(tx, accountId, [gone.id]);
        await tx.messages.deleteMailboxMessages(gone.id);
        await tx.mailboxes.remove(gone.id);
      }
    }

    const result: ListedMailbox[] = [];
    for (const l of listed) {
      const role = roleOf(l.specialUse, l.path);
      let id: number;
      try {
        id = await tx.mailboxes.upsert(accountId, {
          path: l.path,
          name: l.name,
          delimiter: l.delimiter ?? null,
          role,
        });
      } catch (err) {
        // A server folder at a local folder's path: the local folder stays, that one is not synced.
        if (!(err instanceof MaildockError) || err.code !== 'ALREADY_EXISTS') throw err;
        log.warn({ accountId, path: l.path }, 'server folder at a local folder’s path skipped');
        continue;
      }
      result.push({ id, path: l.path, role, status: statusOf(l) });
    }
    return result;
  });
}
