// Where a verification copies out what it checks (the store, the dumps): beside the archive,
// or the system's temp folder when that cannot be written; named with the pid, so that what
// killed verifications left is swept and a live one's is not.
import os from 'node:os';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import { ownFolder, removeLeftovers } from './archive.js';

const log = getLogger('backup');

/**
 * The pid in the name of a verification's folder; undefined for one without (an earlier
 * version's); null for anything else.
 */
function verifyOwner(name: string): number | null | undefined {
  const pid = /^\.?maildock-verify-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
  if (pid !== undefined) return Number(pid);
  return /^\.maildock-verify-[A-Za-z0-9]{6}$/.test(name) ? undefined : null;
}

/** A pid-less verification folder is an earlier version's leftover once it is a day old. */
const UNOWNED_MS = 24 * 3_600_000;

/**
 * A folder for the copies checked: in `near` (beside the archive), or in the system's temp
 * folder when `near` cannot be written (an archive on read-only media). What verifications
 * killed midway left there (a store copied out can be big) goes first.
 */
export async function scratchFolder(near: string): Promise<string> {
  let folder = near;
  try {
    try {
      await removeLeftovers(near, verifyOwner, UNOWNED_MS);
      return await ownFolder(join(near, '.maildock-verify-'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') throw err;
      folder = os.tmpdir();
      await removeLeftovers(folder, verifyOwner);
      return await ownFolder(join(folder, 'maildock-verify-'));
    }
  } catch (err) {
    log.error({ folder, err }, 'no folder to verify a backup in');
    throw new MaildockError(
      'STORE_FAILED',
      `The backup cannot be verified: there is no folder to copy its store into for the check (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}
