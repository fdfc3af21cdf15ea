// What can be done to a folder from the sidebar, as pure data: the folders of a role
// (Inbox, Sent, Trash…) are the account's own and are neither renamed, moved nor deleted,
// though mail is imported into and exported from any of them; a folder moves only under a
// folder of its account that is not itself or within it; a deleted folder takes its
// subfolders and all their messages with it. Local folders (common/local-folders.ts) form
// a tree of their own beside the server's: a server may have a folder called "Local
// Folders" too, so a folder's kin are found by path *and* by `local`, and neither tree
// ever moves into the other.
import { isWithin, parentPath } from '../../../common/folder-paths.js';
import { LOCAL_ROOT } from '../../../common/local-folders.js';
import type { Mailbox } from '../../../common/types.js';

type Folder = Pick<Mailbox, 'id' | 'accountId' | 'path' | 'delimiter' | 'role' | 'total' | 'local'>;

export type FolderAction = 'newSubfolder' | 'rename' | 'move' | 'delete' | 'import' | 'export';

/** The context menu's entries for a folder, in the order it shows them (Delete last). */
export function folderActions(folder: Folder): FolderAction[] {
  return folder.role === null
    ? ['newSubfolder', 'rename', 'move', 'import', 'export', 'delete']
    : ['newSubfolder', 'import', 'export'];
}

/** Whether two folders are of one tree: the same account, both local or both on the server. */
const sameTree = (a: Folder, b: Folder) => a.accountId === b.accountId && a.local === b.local;

/** The folder's subfolders at any depth (not the folder itself). */
export function subfoldersOf<M extends Folder>(mailboxes: readonly M[], folder: Folder): M[] {
  return mailboxes.filter(
    (m) =>
      sameTree(m, folder) && m.id !== folder.id && isWithin(m.path, folder.path, folder.delimiter),
  );
}

/** The path of the folder that holds this one; null at the top (of its account, or of Local Folders). */
function parentPathOf(folder: Folder): string | null {
  const path = parentPath(folder.path, folder.delimiter);
  return folder.local && path === LOCAL_ROOT ? null : path;
}

/** The folder that holds this one, or null at the top of its account (or of Local Folders). */
export function parentOf<M extends Folder>(mailboxes: readonly M[], folder: Folder): M | null {
  const path = parentPathOf(folder);
  if (path === null) return null;
  return mailboxes.find((m) => sameTree(m, folder) && m.path === path) ?? null;
}

/** What a delete takes with it: the messages of the folder and of its subfolders. */
export function deletedWith(
  mailboxes: readonly Folder[],
  folder: Folder,
): { messages: number; subfolders: number } {
  const below = subfoldersOf(mailboxes, folder);
  return {
    messages: below.reduce((n, m) => n + m.total, folder.total),
    subfolders: below.length,
  };
}

/**
 * Where the folder can move: the top (null: of its account, or of Local Folders for a local
 * folder) and every folder of its tree but itself, its subfolders and the parent it is in
 * already. A server that keeps its folders flat (no delimiter) has nowhere to move a folder to.
 */
export function moveTargets<M extends Folder>(
  mailboxes: readonly M[],
  folder: Folder,
): (M | null)[] {
  if (folder.delimiter === null) return [];
  const parent = parentOf(mailboxes, folder);
  const atTop = parentPathOf(folder) === null;
  const folders = mailboxes
    .filter(
      (m) =>
        sameTree(m, folder) &&
        !isWithin(m.path, folder.path, folder.delimiter) &&
        m.id !== parent?.id,
    )
    .sort((a, b) => a.path.localeCompare(b.path));
  return atTop ? folders : [null, ...folders];
}
