// Where an export writes: one mbox file, or a folder of .eml files. Both write under a
// temporary name beside the final one and take the final name only at the end (commit), so
// a cancel or a crash never leaves a half-written file under it; abandon removes the rest.
import { randomBytes } from 'node:crypto';
import {
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { UniqueNames, emlName } from './eml-names.js';
import { fromLine, mboxBody } from './mbox-write.js';

export interface ExportTarget {
  /** Writes one message; returns the bytes written. */
  add(raw: Buffer, date: Date | null): Promise<number>;
  commit(): Promise<void>;
  abandon(): Promise<void>;
}

const tempBeside = (to: string) =>
  join(dirname(to), `.${basename(to)}.maildock-part-${randomBytes(4).toString('hex')}`);

async function parentExists(to: string): Promise<void> {
  const parent = await stat(dirname(to)).catch(() => null);
  if (!parent?.isDirectory())
    throw new MaildockError('NOT_FOUND', `There is no folder ${dirname(to)} to write in.`, {
      path: dirname(to),
    });
}

/** Written out in pieces of about this size: one write per message would be many small ones. */
const FLUSH_BYTES = 1 << 20;

export async function mboxTarget(to: string, overwrite: boolean): Promise<ExportTarget> {
  await parentExists(to);
  const there = await stat(to).catch(() => null);
  if (there?.isDirectory())
    throw new MaildockError('ALREADY_EXISTS', `${to} is a folder; an mbox export is one file.`, {
      path: to,
    });
  if (there && !overwrite)
    throw new MaildockError(
      'ALREADY_EXISTS',
      `${to} exists already: replace it, or choose another name.`,
      { path: to, replaceable: true },
    );
  const temp = tempBeside(to);
  const handle: FileHandle = await open(temp, 'wx', 0o600);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length) await handle.writev(pending);
    pending = [];
    pendingBytes = 0;
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async add(raw, date) {
      const parts = [Buffer.from(fromLine(raw, date ?? new Date(0)), 'latin1'), ...mboxBody(raw)];
      const bytes = parts.reduce((n, p) => n + p.length, 0);
      pending.push(...parts);
      pendingBytes += bytes;
      if (pendingBytes >= FLUSH_BYTES) await flush();
      return bytes;
    },
    async commit() {
      await flush();
      await handle.sync();
      await close();
      await rename(temp, to);
    },
    async abandon() {
      await close().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

export async function emlTarget(to: string, overwrite: boolean): Promise<ExportTarget> {
  await parentExists(to);
  const there = await stat(to).catch(() => null);
  if (there && !there.isDirectory())
    throw new MaildockError('ALREADY_EXISTS', `${to} is a file; an .eml export writes a folder.`, {
      path: to,
    });
  const existing = there ? (await readdir(to)).filter((n) => !n.startsWith('.')) : [];
  if (existing.length && !overwrite)
    throw new MaildockError(
      'ALREADY_EXISTS',
      `${to} holds files already: write into it (files of the same name are replaced), or choose another folder.`,
      { path: to, replaceable: true },
    );
  const temp = tempBeside(to);
  await mkdir(temp, { mode: 0o700 });
  // With overwrite, a name already there is replaced, as the user asked: only this export's
  // own names are kept apart.
  const names = new UniqueNames();
  const written: string[] = [];
  return {
    async add(raw, date) {
      const name = names.take(emlName(raw, date));
      await writeFile(join(temp, name), raw, { mode: 0o600 });
      written.push(name);
      return raw.length;
    },
    async commit() {
      if (!there) {
        await rename(temp, to);
        return;
      }
      for (const name of written) await rename(join(temp, name), join(to, name));
      await rmdir(temp);
    },
    async abandon() {
      await rm(temp, { recursive: true, force: true });
    },
  };
}
