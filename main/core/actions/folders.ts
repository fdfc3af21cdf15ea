// Folders the user creates, renames, moves and deletes: done in the local store at once and
// recorded, in the same transaction, as an operation the sync engine replays to the server
// (sync/folder-replay.ts), in journal order with the changes to messages. A folder keeps
// its row through a rename or a move, so its messages keep their ids; a deleted folder goes
// with its subfolders and their messages. Local folders change here only (local-folders.ts);
// the server's folders are worked out among the server's folders alone.
import { MaildockError } from '../../../common/errors.js';
import {
  accountDelimiter,
  childPath,
  isWithin,
  movedPath,
  parentPath,
} from '../../../common/folder-paths.js';
import type { Mailbox, MailboxRole } from '../../../common/types.js';
import {
  removeFolders,
  type CreateFolder,
  type DeletedFolder,
  type FolderResult,
  type RenameFolder,
} from './folder-inputs.js';
import { keepPendingAppends } from '../local/keep-appends.js';
import type { FolderArgs, Repositories, Store } from '../store/index.js';
import { createLocalFolder, deleteLocalFolder, renameLocalFolder } from './local-folders.js';

export type { CreateFolder, DeletedFolder, FolderResult, RenameFolder } from './folder-inputs.js';

/** LIST's wildcards: a folder named with them could not be listed alone. */
const WILDCARDS = /[*%]/;

const ROLE_NAMES: Record<MailboxRole, string> = {
  inbox: 'Inbox',
  sent: 'Sent',
  drafts: 'Drafts',
  trash: 'Trash',
  archive: 'Archive',
  junk: 'Junk',
  all: 'All Mail',
  flagged: 'Flagged',
};

function notFound(mailboxId: number): MaildockError {
  return new MaildockError('NOT_FOUND', `There is no folder ${mailboxId}.`, { mailboxId });
}

/** A name the server will take as one level of a path. */
function checkName(name: string, delimiter: string | null, known: boolean, top: boolean): void {
  if (delimiter !== null && name.includes(delimiter))
    throw new MaildockError(
      'INVALID_INPUT',
      `A folder's name may not hold "${delimiter}": this server separates folders with it.`,
      { name, delimiter },
    );
  // Before the first sync the server's delimiter is not known: either might be it.
  if (!known && /[./]/.test(name))
    throw new MaildockError(
      'INVALID_INPUT',
      'Sync the account once before naming a folder with "." or "/".',
      { name },
    );
  if (WILDCARDS.test(name) || name === '.' || name === '..')
    throw new MaildockError('INVALID_INPUT', `"${name}" cannot name a folder.`, { name });
  if (top && name.toUpperCase() === 'INBOX')
    throw new MaildockError('INVALID_INPUT', 'INBOX is the Inbox’s own name.', { name });
}

/**
 * A folder of a role (and any folder holding one) keeps its name and place: the server and
 * the other clients of the account file mail there.
 */
function checkNoRole(subtree: readonly Mailbox[], verb: string): void {
  const held = subtree.find((m) => m.role !== null);
  if (!held) return;
  const what = ROLE_NAMES[held.role!];
  throw new MaildockError(
    'INVALID_INPUT',
    subtree[0]!.id === held.id
      ? `The ${what} folder cannot be ${verb}.`
      : `${subtree[0]!.path} holds the ${what} folder (${held.path}): it cannot be ${verb}.`,
    { mailboxId: subtree[0]!.id, role: held.role!, path: held.path },
  );
}

/**
 * Creates a folder here and records its creation for the server, in the caller's
 * transaction: the user's own create, and the Junk folder a junk action needs.
 */
export async function recordFolderCreate(tx: Repositories, input: CreateFolder): Promise<Mailbox> {
  const all = await serverFolders(tx, input.accountId);
  const known = all.length > 0;
  let delimiter = accountDelimiter(all);
  let under: string | null = null;
  if (input.parentId !== undefined) {
    const parent = await parentOf(tx, input.accountId, input.parentId);
    delimiter = parent.delimiter ?? delimiter;
    if (delimiter === null)
      throw new MaildockError(
        'INVALID_INPUT',
        'This server keeps its folders side by side: none goes under another.',
        { mailboxId: parent.id },
      );
    under = parent.path;
  }
  checkName(input.name, delimiter, known, under === null);
  const path = childPath(under, input.name, delimiter);
  if (all.some((m) => m.path === path))
    throw new MaildockError('ALREADY_EXISTS', `There is a folder ${path} already.`, { path });
  const id = await tx.mailboxes.upsert(input.accountId, {
    path,
    name: input.name,
    delimiter,
    role: null,
  });
  const actionId = await tx.operations.addAction('mailbox', `Created folder ${path}`);
  await tx.operations.add(actionId, {
    accountId: input.accountId,
    kind: 'mailbox-create',
    mailboxId: id,
    path,
    uidValidity: null,
    items: [],
    args: { delimiter } satisfies FolderArgs,
  });
  return (await tx.mailboxes.get(id))!;
}

/** The account's folders on its server (and to be there), without its local folders. */
async function serverFolders(tx: Repositories, accountId: number): Promise<Mailbox[]> {
  return (await tx.mailboxes.list(accountId)).filter((m) => !m.local);
}

/** The parent a create or a move names, checked: of the same account, there, on the server. */
async function parentOf(tx: Repositories, accountId: number, parentId: number): Promise<Mailbox> {
  const parent = await tx.mailboxes.get(parentId);
  if (!parent) throw notFound(parentId);
  if (parent.accountId !== accountId || parent.local)
    throw new MaildockError(
      'INVALID_INPUT',
      'A folder goes only under a folder of its own account on its server; a local folder only under a local one.',
      {
        mailboxId: parentId,
      },
    );
  return parent;
}

export class FolderActions {
  constructor(private readonly store: Store) {}

  /** The folder and its subfolders (of the account's list), the folder first. */
  private subtree(all: readonly Mailbox[], box: Mailbox): Mailbox[] {
    const delimiter = box.delimiter ?? accountDelimiter(all);
    return all
      .filter((m) => isWithin(m.path, box.path, delimiter))
      .sort((a, b) => a.path.length - b.path.length);
  }

  create(input: CreateFolder): Promise<FolderResult> {
    return this.store.transaction(async (tx) =>
      input.local
        ? createLocalFolder(tx, input)
        : { mailbox: await recordFolderCreate(tx, input), changed: true },
    );
  }

  rename(input: RenameFolder): Promise<FolderResult> {
    return this.store.transaction(async (tx) => {
      const box = await tx.mailboxes.get(input.id);
      if (!box) throw notFound(input.id);
      if (box.local) return renameLocalFolder(tx, box, input);
      const all = await serverFolders(tx, box.accountId);
      const delimiter = box.delimiter ?? accountDelimiter(all);
      const subtree = this.subtree(all, box);
      checkNoRole(subtree, 'renamed or moved');
      let under = parentPath(box.path, delimiter);
      if (input.parentId === null) under = null;
      else if (input.parentId !== undefined) {
        const parent = await parentOf(tx, box.accountId, input.parentId);
        if (isWithin(parent.path, box.path, delimiter))
          throw new MaildockError(
            'INVALID_INPUT',
            `${box.path} cannot go into itself or one of its own subfolders.`,
            { mailboxId: box.id, parentId: parent.id },
          );
        if (delimiter === null)
          throw new MaildockError(
            'INVALID_INPUT',
            'This server keeps its folders side by side: none goes under another.',
            { mailboxId: parent.id },
          );
        under = parent.path;
      }
      const name = input.name ?? box.name;
      checkName(name, delimiter, true, under === null);
      const path = childPath(under, name, delimiter);
      if (path === box.path) return { mailbox: box, changed: false };
      const taken = all.find(
        (m) => isWithin(m.path, path, delimiter) && !isWithin(m.path, box.path, delimiter),
      );
      if (taken)
        throw new MaildockError('ALREADY_EXISTS', `There is a folder ${taken.path} already.`, {
          path: taken.path,
        });
      if ((await tx.mailboxes.infoByPath(box.accountId, path))?.local)
        throw new MaildockError('ALREADY_EXISTS', `A local folder is at ${path} already.`, {
          path,
        });
      // Each row keeps its id: the messages stay where they are, under the new path.
      for (const m of subtree) {
        await tx.mailboxes.rename(m.id, {
          path: movedPath(m.path, box.path, path),
          name: m.id === box.id ? name : m.name,
          delimiter: m.delimiter,
          role: m.role,
        });
      }
      const moved = parentPath(box.path, delimiter) !== under;
      const description = `${moved ? 'Moved' : 'Renamed'} folder ${box.path} to ${path}`;
      const actionId = await tx.operations.addAction('mailbox', description);
      await tx.operations.add(actionId, {
        accountId: box.accountId,
        kind: 'mailbox-rename',
        mailboxId: box.id,
        path: box.path,
        uidValidity: box.uidValidity,
        items: [],
        args: { delimiter, toPath: path } satisfies FolderArgs,
      });
      return { mailbox: (await tx.mailboxes.get(box.id))!, changed: true };
    });
  }

  delete(id: number): Promise<DeletedFolder> {
    return this.store.transaction(async (tx) => {
      const box = await tx.mailboxes.get(id);
      if (!box) throw notFound(id);
      if (box.local) return deleteLocalFolder(tx, box);
      const all = await serverFolders(tx, box.accountId);
      const delimiter = box.delimiter ?? accountDelimiter(all);
      const subtree = this.subtree(all, box);
      checkNoRole(subtree, 'deleted');
      const deepestFirst = subtree.reverse();
      const messages = deepestFirst.reduce((n, m) => n + m.total, 0);
      const more = deepestFirst.length - 1;
      const description =
        `Deleted folder ${box.path}` +
        (more ? ` with ${more} subfolder${more === 1 ? '' : 's'}` : '') +
        ` and ${messages} message${messages === 1 ? '' : 's'}`;
      const actionId = await tx.operations.addAction('mailbox', description);
      // Recorded while the row is there; its id goes (SET NULL) with it, the path stays.
      await tx.operations.add(actionId, {
        accountId: box.accountId,
        kind: 'mailbox-delete',
        mailboxId: box.id,
        path: box.path,
        uidValidity: box.uidValidity,
        items: [],
        args: { delimiter } satisfies FolderArgs,
      });
      await keepPendingAppends(
        tx,
        box.accountId,
        deepestFirst.map((m) => m.id),
      );
      return removeFolders(tx, box, deepestFirst);
    });
  }
}
