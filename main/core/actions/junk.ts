// Where junk goes: the account's Junk folder. The keywords are the ones mail filters and
// other clients read (RFC 5788's registry: $Junk, $NotJunk).
import type { Repositories } from '../store/index.js';
import { recordFolderCreate } from './folders.js';

export const JUNK = '$Junk';
export const NOT_JUNK = '$NotJunk';
const JUNK_NAME = 'Junk';

/**
 * The account's Junk folder: the one the server gives that role, else one named Junk (a
 * folder Maildock made is listed without the role by servers that do not assign it). With
 * `create`, an account that has neither gets a top-level "Junk", made here and on the
 * server like a folder the user creates (a change of its own, which undo leaves alone).
 */
export async function junkFolder(
  tx: Repositories,
  accountId: number,
  create: boolean,
): Promise<{ id: number; path: string } | null> {
  const byRole = await tx.mailboxes.byRole(accountId, 'junk');
  if (byRole) return byRole;
  const named = (await tx.mailboxes.list(accountId))
    .filter((m) => !m.local && m.name.toLowerCase() === JUNK_NAME.toLowerCase())
    .sort((a, b) => a.path.length - b.path.length)[0];
  if (named) return named;
  return create ? recordFolderCreate(tx, { accountId, name: JUNK_NAME }) : null;
}
