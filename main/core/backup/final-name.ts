// The finished archive takes its name, replacing an earlier backup only when asked to.
import { link, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MaildockError } from '../../../common/errors.js';

/**
 * The finished archive takes its name. Without `overwrite`, a hard link makes it only where
 * the name is free, so a file made there since the target was checked is not replaced; a
 * file system without hard links falls back to a check just before the rename.
 */
export async function giveName(archive: string, to: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(archive, to);
  try {
    await link(archive, to);
    await rm(archive, { force: true });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw nameTaken(to);
  }
  if (
    await stat(to).then(
      () => true,
      () => false,
    )
  )
    throw nameTaken(to);
  await rename(archive, to);
}

const nameTaken = (to: string) =>
  new MaildockError(
    'ALREADY_EXISTS',
    `A file named ${basename(to)} appeared while the backup was made; it was left as it is.`,
    { name: basename(to) },
  );
