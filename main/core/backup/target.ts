// Where a backup may be written, checked before any work: not over a folder, not into a
// folder that does not exist, not into the live data, and over an existing file only when
// it is a Maildock backup; and what a file is, from its first bytes.
import { open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Header } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import { STORE_ENTRIES } from './manifest.js';
import { ENVELOPE_MAGIC, isEnveloped } from './encrypted-envelope.js';

/**
 * Refuses, before any work, a file a backup must not be written to: a folder, a file in a
 * folder that does not exist, a file in the data folder outside its backups folder (the
 * live store and what goes with it), an existing file that is not a Maildock backup, or an
 * earlier backup unless `overwrite`. Messages name the file as the caller gave it (`shown`):
 * a server's client named a file in the backups folder, not a path on the server.
 */
export async function checkTarget(
  to: string,
  where: { dataDir: string; backupsDir: string; overwrite: boolean; shown: string },
): Promise<void> {
  const shown = where.shown;
  const existing = await stat(to).catch(() => null);
  if (existing?.isDirectory()) {
    throw new MaildockError(
      'INVALID_INPUT',
      `${shown} is a folder: name the archive file to write in it.`,
      { file: shown },
    );
  }
  const folder = dirname(to);
  // Through symbolic links: the data folder reached by another path is the data folder.
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  const target = join(await real(folder), basename(to));
  const inside = async (base: string) => {
    const rel = relative(await real(base), target);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  if ((await inside(where.dataDir)) && !(await inside(where.backupsDir))) {
    throw new MaildockError(
      'INVALID_INPUT',
      `${shown} is inside Maildock’s data folder, where a backup could overwrite the live data: write it into ${where.backupsDir} or outside ${where.dataDir}.`,
      { file: shown },
    );
  }
  const isFolder = (p: string) =>
    stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
  // The backups folder is made when it is not there yet.
  if (folder !== where.backupsDir && !(await isFolder(folder))) {
    throw new MaildockError(
      'INVALID_INPUT',
      `There is no folder ${dirname(shown)} to write ${basename(to)} into: make it first, or name another.`,
      { file: shown },
    );
  }
  if (existing && (!existing.isFile() || !(await isBackupFile(to)))) {
    throw new MaildockError(
      'ALREADY_EXISTS',
      `${shown} exists and is not a Maildock backup, so it is not replaced: name another file, or move it away first.`,
      { file: shown },
    );
  }
  if (existing && !where.overwrite) {
    throw new MaildockError(
      'ALREADY_EXISTS',
      `${shown} is an earlier backup: ask to overwrite it (maildock backup create --overwrite), or name another file.`,
      { file: shown },
    );
  }
}

/** A file's first `n` bytes (fewer when it is shorter). */
async function startOf(file: string, n: number): Promise<Buffer> {
  const h = await open(file, 'r');
  try {
    const start = Buffer.alloc(n);
    const { bytesRead } = await h.read(start, 0, n, 0);
    return start.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/** Whether an archive is encrypted, from its first bytes. */
export const startsEnveloped = async (file: string) =>
  isEnveloped(await startOf(file, ENVELOPE_MAGIC.length));

/**
 * Whether a file is a Maildock backup, from its first bytes: an encrypted one, or a tar whose
 * first entry is the store.
 */
async function isBackupFile(file: string): Promise<boolean> {
  const start = await startOf(file, 512);
  if (isEnveloped(start)) return true;
  if (start.length < 512) return false;
  const h = new Header(start);
  return h.cksumValid && Object.values<string>(STORE_ENTRIES).includes(h.path ?? '');
}
