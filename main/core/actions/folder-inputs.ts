// What a change to a folder takes and gives, for the server's folders (folders.ts) and the
// local ones (local-folders.ts) alike.
import type { Mailbox } from '../../../common/types.js';

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
