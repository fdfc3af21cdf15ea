// Local folders created, renamed, moved and deleted: in the store alone, nothing recorded for
// a server (there is none to tell) and nothing for undo (as with the server's folders). They
// nest only among themselves, under the Local Folders root (common/local-folders.ts).
import { MaildockError } from '../../../common/errors.js';
import { isWithin, movedPath, parentPath } from '../../../common/folder-paths.js';
import {
  LOCAL_DELIMITER,
  LOCAL_ROOT,
  localName,
  localPath,
} from '../../../common/local-folders.js';
import type { Mailbox } from '../../../common/types.js';
import type { Repositories } from '../store/index.js';
import {
  removeFolders,
  type CreateFolder,
  type DeletedFolder,
  type FolderResult,
  type RenameFolder,
} from './folder-inputs.js';

function checkLocalName(name: string): void {
  if (name.includes(LOCAL_DELIMITER))
    throw new MaildockError(
      'INVALID_INPUT',
      `A local folder's name may not hold "${LOCAL_DELIMITER}": it separates local folders.`,
      { name, delimiter: LOCAL_DELIMITER },
    );
  if (name === '.' || name === '..')
    throw new MaildockError('INVALID_INPUT', `"${name}" cannot name a folder.`, { name });
}

/** The local folder a local folder goes under (null: the root), checked. */
async function localParent(
  tx: Repositories,
  accountId: number,
  parentId: number,
): Promise<Mailbox> {
  const parent = await tx.mailboxes.get(parentId);
  if (!parent)
    throw new MaildockError('NOT_FOUND', `There is no folder ${parentId}.`, {
      mailboxId: parentId,
    });
  if (parent.accountId !== accountId || !parent.local)
    throw new MaildockError(
      'INVALID_INPUT',
      'A local folder goes only under another local folder of its account, or at the top of Local Folders.',
      { mailboxId: parentId },
    );
  return parent;
}

function taken(all: readonly Mailbox[], path: string): void {
  const there = all.find((m) => m.path === path);
  if (there)
    throw new MaildockError('ALREADY_EXISTS', `There is a folder ${path} already.`, { path });
}

export async function createLocalFolder(
  tx: Repositories,
  input: CreateFolder,
): Promise<FolderResult> {
  checkLocalName(input.name);
  const under =
    input.parentId === undefined
      ? null
      : (await localParent(tx, input.accountId, input.parentId)).path;
  const path = localPath(under, input.name);
  taken(await tx.mailboxes.list(input.accountId), path);
  const id = await tx.mailboxes.addLocal(input.accountId, { path, name: input.name });
  return { mailbox: (await tx.mailboxes.get(id))!, changed: true };
}

/** The local folder and its local subfolders, the folder first. */
function subtree(all: readonly Mailbox[], box: Mailbox): Mailbox[] {
  return all
    .filter((m) => m.local && isWithin(m.path, box.path, LOCAL_DELIMITER))
    .sort((a, b) => a.path.length - b.path.length);
}

export async function renameLocalFolder(
  tx: Repositories,
  box: Mailbox,
  input: RenameFolder,
): Promise<FolderResult> {
  const all = await tx.mailboxes.list(box.accountId);
  const above = parentPath(box.path, LOCAL_DELIMITER);
  let under = above === LOCAL_ROOT ? null : above;
  if (input.parentId === null) under = null;
  else if (input.parentId !== undefined) {
    const parent = await localParent(tx, box.accountId, input.parentId);
    if (isWithin(parent.path, box.path, LOCAL_DELIMITER))
      throw new MaildockError(
        'INVALID_INPUT',
        `${localName(box.path)} cannot go into itself or one of its own subfolders.`,
        { mailboxId: box.id, parentId: parent.id },
      );
    under = parent.path;
  }
  const name = input.name ?? box.name;
  checkLocalName(name);
  const path = localPath(under, name);
  if (path === box.path) return { mailbox: box, changed: false };
  for (const m of all)
    if (isWithin(m.path, path, LOCAL_DELIMITER) && !isWithin(m.path, box.path, LOCAL_DELIMITER))
      taken([m], m.path);
  for (const m of subtree(all, box))
    await tx.mailboxes.rename(m.id, {
      path: movedPath(m.path, box.path, path),
      name: m.id === box.id ? name : m.name,
      delimiter: LOCAL_DELIMITER,
      role: null,
    });
  return { mailbox: (await tx.mailboxes.get(box.id))!, changed: true };
}

export async function deleteLocalFolder(tx: Repositories, box: Mailbox): Promise<DeletedFolder> {
  return removeFolders(tx, box, subtree(await tx.mailboxes.list(box.accountId), box).reverse());
}
