// The backup archive: a tar of the local store (taken with SQLite's online backup API, or
// pg_dump for Postgres, so it is consistent while sync writes), the attachment cache and the bundled stack's settings
// and generated files, with manifest.json last. It is written under a temporary name beside
// the target and renamed at the end: a failed or cancelled backup leaves nothing behind.
// Verifying is verify.ts; the tar's writing is tar-writer.ts.
// A worker (store-worker.ts) takes the second core: it tars the data folder's files while
// the snapshot is taken, and runs integrity_check while the rest is written or read (a
// Postgres dump is read through by pg_restore meanwhile: dump-check.ts).
// The snapshot lives in RAM when the machine has room for it (snapshotFolder).
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PG_DUMP } from '../stack/data.js';
import { RELAY_PASSWORD_FILE } from '../stack/stack-files.js';
import type { Store } from '../store/index.js';
import { checkStoreDump } from './dump-check.js';
import { EnvelopeWriter } from './encrypted-envelope.js';
import { giveName } from './final-name.js';
import { startStoreWorker } from './store-worker.js';
import {
  BACKUP_FORMAT,
  MANIFEST_NAME,
  parseManifest,
  STORE_ENTRIES,
  type BackupFile,
  type Manifest,
} from './manifest.js';
import {
  BLOCK,
  cancelled,
  changed,
  header,
  meter,
  padding,
  tarFile,
  type BackupProgress,
  type Source,
} from './tar-writer.js';

export { POSTGRES_STORE_ENTRY, STORE_ENTRY } from './manifest.js';
/** The bundled stack's data (main/core/stack/data.ts names the files below it). */
export const STACK_PREFIX = 'stack/';
export const PG_ENTRY = `${STACK_PREFIX}${PG_DUMP}`;

export interface CreateOptions {
  dataDir: string;
  /** The live store's connection: its online backup is the snapshot. */
  store: Store;
  /** The archive to write; its folder must exist. */
  to: string;
  /** Replace a file already at `to`; without it, one that appeared meanwhile stays. */
  overwrite?: boolean;
  app: string;
  /** Entries made in memory (the sealed passwords), written after the files. */
  extra?: { path: string; data: Buffer }[];
  /** Writes the bundled stack's data into a folder; the file names written. */
  stackData?: (dir: string) => Promise<string[]>;
  onProgress?(p: BackupProgress): void;
  signal?: AbortSignal;
  /**
   * Also check the snapshot while the archive is written (SQLite's integrity_check in a
   * worker, pg_restore reading a Postgres dump through); the result comes back as
   * `storeCheck`, for verifyBackup.
   */
  check?: boolean;
  /** The whole archive encrypted under this passphrase (envelope.ts). */
  encryptWith?: string;
  /**
   * Verifies the archive once every byte is written, under its temporary name and while it
   * is synced to disk; given the snapshot's integrity_check (with `check`), which may still
   * be running. A throw fails the backup, which leaves nothing: no archive has its name
   * before it has passed.
   */
  verify?: (file: string, storeCheck: Promise<StoreCheck> | undefined) => Promise<void>;
}

/** The check of a store's snapshot: the SHA-256 of the bytes checked, and what is wrong. */
export interface StoreCheck {
  sha256: string;
  /** Null when the store is sound, else the sentence verifyBackup reports. */
  problem: string | null;
}

/** Every regular file under `dir`, as paths relative to `base` with forward slashes. */
async function filesUnder(base: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(base, full)));
    else if (e.isFile() && !e.name.endsWith('.tmp'))
      out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

/** What a backup holds besides the store: the attachment cache and the stack's own files. */
async function dataSources(dataDir: string): Promise<Source[]> {
  const rel = [
    ...(await filesUnder(dataDir, join(dataDir, 'attachments'))),
    // The relay's password is the user's: it goes only sealed, with the passwords.
    ...(await filesUnder(dataDir, join(dataDir, 'stack'))).filter(
      (p) => p !== `stack/${RELAY_PASSWORD_FILE}`,
    ),
  ];
  return Promise.all(
    rel.map(async (p) => {
      const file = join(dataDir, ...p.split('/'));
      return { path: `data/${p}`, file, size: (await stat(file)).size };
    }),
  );
}

/** RAM-backed (tmpfs) on Linux; elsewhere absent, and the snapshot stays on disk. */
const RAM_FOLDER = '/dev/shm';
/** statfs's type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

/** Folders this process is using for a backup now: the leftovers' sweep leaves them alone. */
const inUse = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what Maildock processes killed in the middle of a backup left in `folder`: each
 * entry `owner` gives the pid of a process that has ended. This process's own pid counts as
 * ended for a folder it is not using (a container restarted gets the pid it had). `owner`
 * gives null for a name that is not a leftover, and undefined for one without a pid (written
 * by an earlier version): that goes once it is older than `unownedMs`.
 */
export async function removeLeftovers(
  folder: string,
  owner: (name: string) => number | null | undefined,
  unownedMs = Infinity,
): Promise<void> {
  for (const name of await readdir(folder)) {
    const pid = owner(name);
    if (pid === null) continue;
    const full = join(folder, name);
    if (pid === undefined) {
      const old = await stat(full).then(
        (s) => Date.now() - s.mtimeMs > unownedMs,
        () => false,
      );
      if (!old) continue;
    } else if (pid === process.pid ? inUse.has(full) : alive(pid)) continue;
    // Another user's is not ours to remove (a sticky folder): it stays.
    await rm(full, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The pid in a snapshot folder's name; null for anything else. */
const snapshotOwner = (name: string) => {
  const pid = /^maildock-snapshot-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
  return pid === undefined ? null : Number(pid);
};

/**
 * The pid in the name of the folder createBackup writes beside its target; undefined for one
 * of an earlier version (no pid); null for anything else.
 */
export function partialOwner(name: string): number | null | undefined {
  const pid = /^\..+\.partial-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
  if (pid !== undefined) return Number(pid);
  return /^\..+\.partial-[A-Za-z0-9]{6}$/.test(name) ? undefined : null;
}

/** The pid in the name of an encrypted backup's scratch folder; null for anything else. */
const scratchOwner = (name: string) => {
  const pid = /^\.backup-scratch-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
  return pid === undefined ? null : Number(pid);
};

/** An encrypted backup's folder for what it writes in clear, in the data folder. */
async function clearScratch(dataDir: string): Promise<string> {
  await removeLeftovers(dataDir, scratchOwner);
  return ownFolder(join(dataDir, '.backup-scratch-'));
}

/** A folder for one backup, named with this process's pid, that the sweep leaves until it ends. */
export async function ownFolder(prefix: string): Promise<string> {
  const made = await mkdtemp(`${prefix}${process.pid}-`);
  inUse.add(made);
  return made;
}

/** An ownFolder removed, with all in it. */
export async function dropFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  inUse.delete(folder);
}

/**
 * The folder for the store's snapshot, made for it. The snapshot never outlives the backup,
 * yet SQLite syncs it to disk when the online backup ends (better-sqlite3 opens the
 * destination itself, with synchronous = FULL): on a slow disk the biggest cost of a backup.
 * So it goes to RAM when there is a RAM folder with room for twice the store (it grows while
 * sync writes) and memory free for four times it; otherwise into `work` (beside the archive,
 * or an encrypted archive's scratch folder in the data folder).
 */
export async function snapshotFolder(work: string, storeBytes: number): Promise<string> {
  let room: number;
  try {
    const fs = await statfs(RAM_FOLDER);
    if (fs.type !== TMPFS_MAGIC) return work;
    room = fs.bavail * fs.bsize;
  } catch {
    return work; // no RAM folder here
  }
  if (storeBytes * 2 > room || storeBytes * 4 > os.freemem()) return work;
  await removeLeftovers(RAM_FOLDER, snapshotOwner);
  return ownFolder(join(RAM_FOLDER, 'maildock-snapshot-'));
}

export async function createBackup(opts: CreateOptions): Promise<{
  file: string;
  manifest: Manifest;
  bytes: number;
  /** With `check`: the snapshot's integrity_check. */
  storeCheck?: StoreCheck;
}> {
  // Named with the pid: another process's sweep (removeLeftovers) leaves it while this lives.
  const work = await ownFolder(join(dirname(opts.to), `.${basename(opts.to)}.partial-`));
  const worker = startStoreWorker();
  // What is written in clear on the way (the data folder's tar, the stack's dumps, a snapshot
  // not in RAM): beside the archive, unless the archive is encrypted; then on the data
  // folder's own disk, not beside an archive on a stick where deleted bytes can be read.
  let scratch = work;
  let snapshotDir = work;
  let checked: Promise<string | null> | null = null;
  const writers: { close(): Promise<void> }[] = [];
  try {
    if (opts.encryptWith !== undefined) scratch = await clearScratch(opts.dataDir);
    if (opts.signal?.aborted) throw cancelled();
    // The key of an encrypted archive (scrypt, half a second) is made meanwhile.
    const sealing =
      opts.encryptWith === undefined ? undefined : EnvelopeWriter.open(opts.encryptWith);
    sealing?.catch(() => undefined);
    const createdAt = new Date();
    const data = await dataSources(opts.dataDir);

    // 1. The store, page by page while the app goes on writing; meanwhile the worker writes
    // the data folder's files into a tar of their own, appended after the store below. The
    // step's progress is both: the store's pages and the files' bytes.
    const dbSize = await opts.store.size();
    const dataBytes = data.reduce((n, s) => n + s.size, 0);
    const snapMeter = meter('snapshot', dbSize + dataBytes, opts.onProgress);
    let snapped = 0;
    let tarred = 0;
    const tailFile = join(scratch, 'data.tar');
    const tailed = worker.tar(
      tailFile,
      data.map((s) => ({ ...s, header: header(s.path, s.size, createdAt) })),
      { signal: opts.signal, onBytes: (n) => snapMeter(snapped + (tarred = n)) },
    );
    snapshotDir = await snapshotFolder(scratch, dbSize);
    const engine = opts.store.engine;
    const snapshot = join(snapshotDir, engine === 'postgres' ? 'maildock.pgdump' : 'maildock.db');
    await opts.store.snapshot(snapshot, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (done, total) => {
        snapped = Math.round((dbSize * done) / total);
        snapMeter(snapped + tarred);
      },
    });
    snapped = dbSize;
    if (opts.signal?.aborted) throw cancelled();
    // On the second core while the archive is written.
    if (opts.check)
      checked = engine === 'postgres' ? checkStoreDump(snapshot) : worker.check(snapshot);
    const files: BackupFile[] = [];
    const tar = await tailed;
    // The signal stopped the worker within a chunk.
    if (opts.signal?.aborted) throw cancelled();
    if (tar && 'changed' in tar) throw changed(tar.changed);
    if (tar) {
      tar.hashes.forEach((sha256, i) => {
        const { path, size } = data[i]!;
        files.push({ path, size, sha256 });
      });
    } else {
      // Without the worker, this thread writes them.
      tarred = 0;
      const own = await tarFile(tailFile, opts.signal, (n) => snapMeter(snapped + (tarred += n)));
      writers.push(own);
      for (const s of data) files.push(await own.entry(s, createdAt));
      await own.end(false);
    }
    snapMeter(dbSize + dataBytes, true);

    // 2. The bundled stack's database, cache, mail, queue and TLS, when there is a stack.
    const stackDir = join(scratch, 'stack');
    const stackFiles: Source[] = [];
    if (opts.stackData) {
      opts.onProgress?.({ phase: 'stack', bytes: 0, totalBytes: 0, rate: 0, etaSeconds: null });
      for (const name of await opts.stackData(stackDir)) {
        const file = join(stackDir, ...name.split('/'));
        stackFiles.push({ path: `${STACK_PREFIX}${name}`, file, size: (await stat(file)).size });
      }
      if (opts.signal?.aborted) throw cancelled();
    }

    // 3. One tar: the store, the data folder's files, the stack's, the extra entries, and
    // manifest.json last.
    const store: Source = {
      path: STORE_ENTRIES[engine],
      file: snapshot,
      size: (await stat(snapshot)).size,
    };
    // The data folder's part as its tar is, headers and padding too: it is copied as it is.
    const tailSize = (await stat(tailFile)).size;
    const totalBytes = [store, ...stackFiles].reduce((n, s) => n + s.size, tailSize);
    const tick = meter('archive', totalBytes, opts.onProgress);
    let written = 0;
    const count = (n: number) => tick((written += n));
    const archive = join(work, 'archive.tar');
    const out = await tarFile(archive, opts.signal, count, await sealing);
    writers.push(out);
    files.unshift(await out.entry(store, createdAt));
    // The data folder's entries as they are, headers and padding too: hashed already.
    await out.copy(tailFile, tailSize, null);
    // Freeing its pages takes a while: meanwhile the rest is written.
    const tailGone = rm(tailFile, { force: true });
    tailGone.catch(() => undefined);
    for (const s of stackFiles) files.push(await out.entry(s, createdAt));
    for (const e of opts.extra ?? []) {
      await out.put(header(e.path, e.data.length, createdAt));
      await out.put(e.data);
      await out.put(padding(e.data.length));
      files.push({
        path: e.path,
        size: e.data.length,
        sha256: createHash('sha256').update(e.data).digest('hex'),
      });
    }
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      app: opts.app,
      createdAt: createdAt.toISOString(),
      engine,
      files,
    };
    const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await out.put(header(MANIFEST_NAME, text.length, createdAt));
    await out.put(text);
    await out.put(padding(text.length));
    await out.put(Buffer.alloc(BLOCK * 2));
    await out.end(false);
    tick(written, true);
    const storeCheck = checked?.then((problem) => ({ sha256: files[0]!.sha256, problem }));
    // The fsync, the verification and the store's check at once: what verification reads
    // back is what the system holds of the file, the same bytes while the sync goes on as
    // after it.
    const settled = await Promise.allSettled([
      out.sync(),
      opts.verify?.(archive, storeCheck),
      storeCheck,
      tailGone,
    ]);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    // Cancelled while it was synced or checked: it does not get its name.
    if (opts.signal?.aborted) throw cancelled();
    await giveName(archive, opts.to, opts.overwrite === true);
    opts.onProgress?.({ phase: 'done', bytes: written, totalBytes, rate: 0, etaSeconds: 0 });
    return {
      file: opts.to,
      manifest: parseManifest(JSON.stringify(manifest)),
      bytes: (await stat(opts.to)).size,
      ...(storeCheck ? { storeCheck: await storeCheck } : {}),
    };
  } finally {
    for (const w of writers) await w.close();
    // Before the folder goes: the worker may have files in it open (a cancelled backup).
    await worker.close();
    for (const folder of new Set([work, scratch, snapshotDir])) await dropFolder(folder);
  }
}
