// What can be done to a folder from the sidebar, as pure data: the folders of a role
// (Inbox, Sent, Trash…) are the account's own and are neither renamed, moved nor deleted;
// a folder moves only under a folder of its account that is not itself or within it; a
// deleted folder takes its subfolders and all their messages with it.
import { isWithin, parentPath } from '../../../common/folder-paths.js';
import type { Mailbox } from '../../../common/types.js';

type Folder = Pick<Mailbox, 'id' | 'accountId' | 'path' | 'delimiter' | 'role' | 'total'>;

export type FolderAction = 'newSubfolder' | 'rename' | 'move' | 'delete';

/** The context menu's entries for a folder, in the order it shows them. */
export function folderActions(folder: Folder): FolderAction[] {
  return folder.role === null ? ['newSubfolder', 'rename', 'move', 'delete'] : ['newSubfolder'];
}

/** The folder's subfolders at any depth (not the folder itself). */
export function subfoldersOf<M extends Folder>(mailboxes: readonly M[], folder: Folder): M[] {
  return mailboxes.filter(
    (m) =>
      m.accountId === folder.accountId &&
      m.id !== folder.id &&
      isWithin(m.path, folder.path, folder.delimiter),
  );
}

/** The folder that holds this one, or null at the top of its account. */
export function parentOf<M extends Folder>(mailboxes: readonly M[], folder: Folder): M | null {
  const path = parentPath(folder.path, folder.delimiter);
  if (path === null) return null;
  return mailboxes.find((m) => m.accountId === folder.accountId && m.path === path) ?? null;
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
 * Where the folder can move: the top of its account (null) and every folder of the account
 * but itself, its subfolders and the parent it is in already. A server that keeps its
 * folders flat (no delimiter) has nowhere to move a folder to.
 */
export function moveTargets<M extends Folder>(
  mailboxes: readonly M[],
  folder: Folder,
): (M | null)[] {
  if (folder.delimiter === null) return [];
  const parent = parentOf(mailboxes, folder);
  const atTop = parentPath(folder.path, folder.delimiter) === null;
  const folders = mailboxes
    .filter(
      (m) =>
        m.accountId === folder.accountId &&
        !isWithin(m.path, folder.path, folder.delimiter) &&
        m.id !== parent?.id,
    )
    .sort((a, b) => a.path.localeCompare(b.path));
  return atTop ? folders : [null, ...folders];
}
