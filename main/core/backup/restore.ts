// Restoring a backup into a data folder, all or nothing. One pass over the archive verifies
// it and unpacks it into a staging folder beside the data (a bad one changes nothing but
// that folder, which goes): every entry is hashed as it is written, from the very bytes
// written, and each staged file is synced to disk as soon as it is whole, while the rest of
// the archive is still being read and checked; then it is swapped in name by name under a
// journal:
//
//   restore.json {state: "swapping", items}  → old names moved to .restore-old/, new ones in
//   restore.json {state: "swapped"}          → the commit point: the new data is the data
//
// A crash or SIGKILL anywhere leaves the old data or the new: the next start (every
// MaildockService.open, and every restore) rolls a "swapping" journal back and finishes a
// "swapped" one. Renames within one folder are atomic; files and folders are synced before
// the commit. A restore holds the data folder's restore lock from its start to its end, and
// recovery takes it too: no other process touches the staging or the swap meanwhile.
// A Postgres store is not a file of the data folder: its dump is read into the database in
// one transaction just before the commit (restore-store.ts).
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import type { BackupProgressEvent } from '../../../common/types.js';
import { extractedName, verifyBackup } from './verify.js';
import { STACK_PENDING } from '../stack/data.js';
import { lockFile } from '../store/index.js';
import type { Manifest } from './manifest.js';
import { SQLITE_NAMES, stageStore, storeFree, type StagedStore } from './restore-store.js';

export const RESTORE_JOURNAL = 'restore.json';
/** A file whose exclusive lock a restore holds: the system drops it if the process dies. */
const RESTORE_LOCK = 'restore.lock';
const STAGING = '.restore-new';
const OLD = '.restore-old';
/** What a restore replaces in the data folder besides SQLite's store (restore-store.ts). */
const NAMES = ['attachments', 'stack', STACK_PENDING];

/** Where a restore stages the store it swaps in (for its `beforeSwap`). */
export const stagedStore = (dataDir: string) => join(dataDir, STAGING, 'maildock.db');

/** The points a restore passes, in order (progress for people, and for the crash tests). */
export type RestoreStep =
  | 'verified'
  | 'staged'
  | 'journal'
  | `moved-out:${string}`
  | `moved-in:${string}`
  | 'swapped'
  | 'done';

interface JournalItem {
  name: string;
  old: boolean;
  new: boolean;
}
interface Journal {
  state: 'swapping' | 'swapped';
  items: JournalItem[];
}

export interface RestoreOptions {
  dataDir: string;
  file: string;
  /** The Postgres store's URL, when the store is not SQLite's in the data folder. */
  database?: string | undefined;
  /** Opens the backup's passwords; a wrong one refuses the restore before anything changes. */
  passphrase?: string;
  onProgress?(p: BackupProgressEvent): void;
  onStep?(step: RestoreStep): void;
  /** Lists the stack's Postgres dump while verifying (see verifyBackup). */
  checkDump?: (file: string) => Promise<string | null>;
  /**
   * Once the backup is verified and staged: this process closes its own store (a restore
   * inside the running app). Then nothing else may have it open, or the restore is refused.
   */
  release?: () => Promise<void>;
  /** After that check, just before the swap (stops the stack). */
  beforeSwap?: () => Promise<void>;
}

/** A file or folder synced to disk (Windows can neither open a folder nor sync it read-only). */
async function syncFile(file: string, folder = false): Promise<void> {
  if (folder && process.platform === 'win32') return;
  const h = await open(file, folder ? 'r' : 'r+');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function writeJournal(dataDir: string, journal: Journal): Promise<void> {
  const file = join(dataDir, RESTORE_JOURNAL);
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(journal), { mode: 0o600 });
  await syncFile(tmp);
  await rename(tmp, file);
  await syncFile(dataDir, true);
}

async function readJournal(dataDir: string): Promise<Journal | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, RESTORE_JOURNAL), 'utf8')) as Journal;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A journal cut short was never renamed into place: the tmp name holds it. A damaged
    // one under the real name cannot come from this code; say so rather than guess.
    throw new MaildockError(
      'STORE_FAILED',
      `The restore journal ${join(dataDir, RESTORE_JOURNAL)} cannot be read; move it away to start.`,
    );
  }
}

/**
 * The data folder's restore lock, held until `release`; IN_USE while another process (or
 * another restore here) has it.
 */
function lockRestore(dataDir: string): { release(): void } {
  const lock = lockFile(join(dataDir, RESTORE_LOCK), { waitMs: 0 });
  if (!lock) {
    throw new MaildockError(
      'IN_USE',
      'A backup is being restored into this data folder; try again once it has finished.',
    );
  }
  return lock;
}

/**
 * Finishes or rolls back a restore a crash interrupted; returns what it did. Refused (IN_USE)
 * while a restore is running on the folder: its staging and its swap are its own.
 */
export async function recoverRestore(
  dataDir: string,
): Promise<'none' | 'rolled-back' | 'finished'> {
  if (!existsSync(dataDir)) return 'none';
  const lock = lockRestore(dataDir);
  try {
    return await recover(dataDir);
  } finally {
    lock.release();
  }
}

async function recover(dataDir: string): Promise<'none' | 'rolled-back' | 'finished'> {
  const journal = await readJournal(dataDir);
  let outcome: 'none' | 'rolled-back' | 'finished' = 'none';
  if (journal?.state === 'swapping') {
    // Back to the old data: whatever was moved out goes back; whatever new came in goes.
    for (const item of [...journal.items].reverse()) {
      const here = join(dataDir, item.name);
      const old = join(dataDir, OLD, item.name);
      if (item.old) {
        if (existsSync(old)) {
          await rm(here, { recursive: true, force: true });
          await rename(old, here);
        }
      } else if (item.new && !existsSync(join(dataDir, STAGING, item.name))) {
        await rm(here, { recursive: true, force: true });
      }
    }
    outcome = 'rolled-back';
  } else if (journal?.state === 'swapped') {
    outcome = 'finished';
  }
  await rm(join(dataDir, OLD), { recursive: true, force: true });
  await rm(join(dataDir, STAGING), { recursive: true, force: true });
  await rm(join(dataDir, `${RESTORE_JOURNAL}.tmp`), { force: true });
  if (journal) {
    await rm(join(dataDir, RESTORE_JOURNAL), { force: true });
    await syncFile(dataDir, true);
  }
  return outcome;
}

/** Staged files synced at once: their fsyncs overlap. */
const SYNCS_AT_ONCE = 4;

/** The file synced to disk: its size there. */
async function syncedSize(file: string): Promise<number> {
  const h = await open(file, 'r+');
  try {
    await h.sync();
    return (await h.stat()).size;
  } finally {
    await h.close();
  }
}

/** Runs at most `n` of the tasks given to it at once. */
function limiter(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Restores `file` into `dataDir`. Nothing may have the data folder's store open meanwhile
 * (the caller stops sync and the service first).
 */
export async function restoreBackup(
  opts: RestoreOptions,
): Promise<{ manifest: Manifest; secrets: Record<string, string> | null }> {
  const { dataDir } = opts;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = lockRestore(dataDir);
  try {
    return await restoreLocked(opts);
  } finally {
    lock.release();
  }
}

/** Every folder under `dir`, deepest first, then `dir`. */
async function foldersUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (e.isDirectory()) out.push(...(await foldersUnder(join(dir, e.name))));
  out.push(dir);
  return out;
}

async function restoreLocked(
  opts: RestoreOptions,
): Promise<{ manifest: Manifest; secrets: Record<string, string> | null }> {
  const { dataDir } = opts;
  await recover(dataDir);
  // One pass over the archive verifies it and unpacks it into the staging folder beside the
  // data; every staged file is synced to disk meanwhile, and its size there checked.
  const staging = join(dataDir, STAGING);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  let manifest: Manifest;
  let secrets: Record<string, string> | null;
  let staged: StagedStore;
  // Each staged file's size on disk after its fsync, begun as soon as it is written.
  const synced = new Map<string, Promise<number>>();
  const started: Promise<number>[] = [];
  const limit = limiter(SYNCS_AT_ONCE);
  const syncOf = (file: string) => {
    const p = limit(() => syncedSize(file));
    p.catch(() => undefined); // awaited below, or settled before the staging goes
    started.push(p);
    return p;
  };
  try {
    const report = await verifyBackup(opts.file, {
      extractTo: staging,
      onExtracted: (file) => synced.set(file, syncOf(file)),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
      ...(opts.checkDump ? { checkDump: opts.checkDump } : {}),
    });
    if (!report.ok || !report.manifest) {
      throw new MaildockError(
        'INVALID_INPUT',
        `The backup cannot be restored, and nothing was changed: ${report.problems.join(' ')}`,
        { file: opts.file },
      );
    }
    opts.onStep?.('verified');
    manifest = report.manifest;
    secrets = report.secrets;
    for (const f of manifest.files) {
      const name = extractedName(f.path);
      if (!name) continue;
      const target = join(staging, ...name.split('/'));
      if ((await (synced.get(target) ?? syncOf(target))) !== f.size) {
        throw new MaildockError(
          'STORE_FAILED',
          `The backup cannot be restored, and nothing was changed: ${f.path} was not written intact.`,
        );
      }
    }
    staged = await stageStore(staging, manifest, opts.database);
    // Each file's name is in its folder on disk too, before anything is swapped.
    for (const folder of await foldersUnder(staging)) await syncFile(folder, true);
    opts.onStep?.('staged');
    await opts.release?.();
    await storeFree(dataDir, opts.database);
    await opts.beforeSwap?.();
  } catch (err) {
    // No fsync may still be going when the staging goes.
    await Promise.allSettled(started);
    await rm(staging, { recursive: true, force: true });
    throw err;
  }

  const names = staged.inDataFolder ? [...SQLITE_NAMES, ...NAMES] : NAMES;
  const items: JournalItem[] = names
    .map((name) => ({
      name,
      old: existsSync(join(dataDir, name)),
      new: existsSync(join(staging, name)),
    }))
    .filter((i) => i.old || i.new);
  await writeJournal(dataDir, { state: 'swapping', items });
  opts.onStep?.('journal');

  try {
    await mkdir(join(dataDir, OLD), { mode: 0o700 });
    for (const item of items) {
      if (item.old) {
        await rename(join(dataDir, item.name), join(dataDir, OLD, item.name));
        opts.onStep?.(`moved-out:${item.name}`);
      }
      if (item.new) {
        await rename(join(staging, item.name), join(dataDir, item.name));
        opts.onStep?.(`moved-in:${item.name}`);
      }
    }
    await syncFile(dataDir, true);
    // A Postgres store commits its transaction here: a crash before the journal's next write
    // would roll the files back, not the database, and that window is one write of the journal.
    await staged.swapIn();
    await writeJournal(dataDir, { state: 'swapped', items });
  } catch (err) {
    // Before the commit: the old data goes back now (else at the next start).
    const detail = (err as Error).message;
    try {
      await recover(dataDir);
    } catch {
      throw new MaildockError(
        'STORE_FAILED',
        `The restore failed while the data was being swapped (${detail}); the old data is put back at Maildock's next start.`,
      );
    }
    throw new MaildockError(
      'STORE_FAILED',
      `The restore failed while the data was being swapped (${detail}); the old data was put back.`,
    );
  }
  opts.onStep?.('swapped');
  // The new data is the data: what is left to tidy, the next start tidies if this cannot.
  await recover(dataDir).catch(() => undefined);
  opts.onStep?.('done');
  return { manifest, secrets };
}
