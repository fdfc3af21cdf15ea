// What a change to a folder takes and gives, for the server's folders (folders.ts) and the
// local ones (local-folders.ts) alike, and the store's part of a delete, the same for both.
import type { Mailbox } from '../../../common/types.js';
import type { Repositories } from '../store/index.js';

export interface CreateFolder {
  accountId: number;
  name: string;
  parentId?: number | undefined;
  /** A local folder, kept in the store only. */
  local?: boolean | undefined;
}

export interface RenameFolder {
  id: number;
  name?: string | undefined;
  /** null: to the top; left out: where it is. */
  parentId?: number | null | undefined;
}

export interface FolderResult {
  mailbox: Mailbox;
  /** False when nothing needed to change (the same name under the same parent). */
  changed: boolean;
}

export interface DeletedFolder {
  accountId: number;
  path: string;
  /** The folder and its subfolders, deepest first. */
  paths: string[];
  messages: number;
}

/** Removes a folder's subtree (deepest first) with its messages from the store. */
export async function removeFolders(
  tx: Repositories,
  box: Mailbox,
  deepestFirst: readonly Mailbox[],
): Promise<DeletedFolder> {
  const messages = deepestFirst.reduce((n, m) => n + m.total, 0);
  for (const m of deepestFirst) {
    await tx.messages.deleteMailboxMessages(m.id);
    await tx.mailboxes.remove(m.id);
  }
  return {
    accountId: box.accountId,
    path: box.path,
    paths: deepestFirst.map((m) => m.path),
    messages,
  };
}
