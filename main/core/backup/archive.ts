// The backup archive: a tar of the local store (taken with SQLite's online backup API, so it
// is consistent while sync writes), the attachment cache and the bundled stack's settings
// and generated files, with manifest.json last. It is written under a temporary name beside
// the target and renamed at the end: a failed or cancelled backup leaves nothing behind.
// Verifying streams the archive once: every entry's size and SHA-256 against the manifest,
// nothing missing, nothing extra, and the store's snapshot through `integrity_check`.
// A worker (store-worker.ts) takes the second core: it tars the data folder's files while
// the snapshot is taken, and runs integrity_check while the rest is written or read.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Header, Parser, type ReadEntry } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import { PG_DUMP, STACK_PENDING } from '../stack/data.js';
import type { Db } from '../store/db.js';
import { startStoreWorker } from './store-worker.js';
import { SECRETS_ENTRY, unseal } from './sealed.js';
import {
  BACKUP_FORMAT,
  MANIFEST_NAME,
  parseManifest,
  type BackupFile,
  type Manifest,
} from './manifest.js';

export const STORE_ENTRY = 'store/maildock.db';
/** The bundled stack's data (main/core/stack/data.ts names the files below it). */
export const STACK_PREFIX = 'stack/';
export const PG_ENTRY = `${STACK_PREFIX}${PG_DUMP}`;
const BLOCK = 512;
const CHUNK = 4 * 1024 * 1024;

export interface BackupProgress {
  phase: 'snapshot' | 'stack' | 'archive' | 'verify' | 'done';
  bytes: number;
  totalBytes: number;
  /** Bytes per second so far in this phase. */
  rate: number;
  /** Seconds left at that rate; null before there is a rate. */
  etaSeconds: number | null;
}

export interface CreateOptions {
  dataDir: string;
  /** The live store's connection: its online backup is the snapshot. */
  db: Db;
  /** The archive to write; its folder must exist. */
  to: string;
  app: string;
  /** Entries made in memory (the sealed passwords), written after the files. */
  extra?: { path: string; data: Buffer }[];
  /** Writes the bundled stack's data into a folder; the file names written. */
  stackData?: (dir: string) => Promise<string[]>;
  onProgress?(p: BackupProgress): void;
  signal?: AbortSignal;
  /**
   * Also run SQLite's integrity_check of the snapshot, in a worker while the archive is
   * written; the result comes back as `storeCheck`, for verifyBackup.
   */
  check?: boolean;
}

/** SQLite's integrity_check of a store: the SHA-256 of the bytes checked, and what is wrong. */
export interface StoreCheck {
  sha256: string;
  /** Null when the store is sound, else the sentence verifyBackup reports. */
  problem: string | null;
}

interface Source {
  path: string;
  file: string;
  size: number;
}

function cancelled(): MaildockError {
  return new MaildockError('CANCELLED', 'The backup was cancelled; nothing was written.');
}

function meter(
  phase: BackupProgress['phase'],
  totalBytes: number,
  on?: (p: BackupProgress) => void,
) {
  const started = performance.now();
  let last = 0;
  return (bytes: number, force = false) => {
    const now = performance.now();
    if (!on || (!force && now - last < 100)) return;
    last = now;
    const rate = bytes / Math.max((now - started) / 1000, 1e-3);
    on({
      phase,
      bytes,
      totalBytes,
      rate,
      etaSeconds: bytes > 0 ? Math.max(0, (totalBytes - bytes) / rate) : null,
    });
  };
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
    ...(await filesUnder(dataDir, join(dataDir, 'stack'))),
  ];
  return Promise.all(
    rel.map(async (p) => {
      const file = join(dataDir, ...p.split('/'));
      return { path: `data/${p}`, file, size: (await stat(file)).size };
    }),
  );
}

function header(path: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  new Header({ path, size, mode: 0o600, mtime, type: 'File', uid: 0, gid: 0 }).encode(block, 0);
  return block;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

const changed = (path: string) =>
  new MaildockError('STORE_FAILED', `${path} changed while it was backed up; try again.`, {
    path,
  });

/** Writes tar entries to a file, one write in flight while the next chunk is read and hashed. */
async function tarFile(
  file: string,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
) {
  const out = await open(file, 'w', 0o600);
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let turn = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = async (b: Buffer) => {
    for (let off = 0; off < b.length;) off += (await out.write(b, off)).bytesWritten;
  };
  const put = async (b: Buffer) => {
    await writing;
    writing = write(b);
    // Handled when awaited; until then it must not count as an unhandled rejection.
    writing.catch(() => undefined);
  };
  // The buffer not being written: put() waits for the write before the one it starts.
  const nextBuffer = () => buffers[(turn = 1 - turn)]!;
  /** Copies up to `size` bytes of `from` in, into `hash` too; how many there were. */
  const copy = async (from: string, size: number, hash: Hash | null, counted = true) => {
    const input = await open(from, 'r');
    let done = 0;
    try {
      while (done < size) {
        if (signal?.aborted) throw cancelled();
        const buffer = nextBuffer();
        const { bytesRead } = await input.read(buffer, 0, Math.min(CHUNK, size - done), done);
        if (bytesRead === 0) break;
        const part = buffer.subarray(0, bytesRead);
        hash?.update(part);
        await put(part);
        done += bytesRead;
        if (counted) onBytes(bytesRead);
      }
    } finally {
      await input.close();
    }
    return done;
  };
  return {
    put,
    copy,
    /** One file as an entry: what the manifest says of it. */
    async entry(s: Source, mtime: Date): Promise<BackupFile> {
      await put(header(s.path, s.size, mtime));
      const hash = createHash('sha256');
      // A file that grew since it was listed is cut at its listed size (the tar header holds
      // it); one that shrank fails.
      if ((await copy(s.file, s.size, hash)) !== s.size) throw changed(s.path);
      await put(padding(s.size));
      return { path: s.path, size: s.size, sha256: hash.digest('hex') };
    },
    async end(sync: boolean) {
      await writing;
      if (sync) await out.sync();
    },
    async close() {
      // A write that failed has thrown already, unless something else (a cancel) did first.
      await writing.catch(() => undefined);
      await out.close();
    },
  };
}

export async function createBackup(opts: CreateOptions): Promise<{
  file: string;
  manifest: Manifest;
  bytes: number;
  /** With `check`: the snapshot's integrity_check. */
  storeCheck?: StoreCheck;
}> {
  const work = await mkdtemp(join(dirname(opts.to), `.${basename(opts.to)}.partial-`));
  const worker = startStoreWorker();
  let checked: Promise<string | null> | null = null;
  const writers: { close(): Promise<void> }[] = [];
  try {
    if (opts.signal?.aborted) throw cancelled();
    const createdAt = new Date();
    const data = await dataSources(opts.dataDir);

    // 1. The store, page by page while the app goes on writing; meanwhile the worker writes
    // the data folder's files into a tar of their own, appended after the store below.
    const tailFile = join(work, 'data.tar');
    const tailed = worker.tar(
      tailFile,
      data.map((s) => ({ ...s, header: header(s.path, s.size, createdAt) })),
    );
    const snapshot = join(work, 'maildock.db');
    const dbSize = (await stat(opts.db.name)).size;
    const snapMeter = meter('snapshot', dbSize, opts.onProgress);
    await opts.db.backup(snapshot, {
      progress: ({ totalPages, remainingPages }) => {
        // A throw ends the backup (better-sqlite3 closes it); returning 0 pages would not,
        // it would ask for empty steps forever.
        if (opts.signal?.aborted) throw cancelled();
        snapMeter(Math.round(dbSize * (1 - remainingPages / Math.max(totalPages, 1))));
        return 1024;
      },
    });
    if (opts.signal?.aborted) throw cancelled();
    // On the second core while the archive is written.
    if (opts.check) checked = worker.check(snapshot);
    const files: BackupFile[] = [];
    const tar = await tailed;
    if (tar && 'changed' in tar) throw changed(tar.changed);
    if (tar) {
      tar.hashes.forEach((sha256, i) => {
        const { path, size } = data[i]!;
        files.push({ path, size, sha256 });
      });
    } else {
      // Without the worker, this thread writes them.
      const own = await tarFile(tailFile, opts.signal, () => undefined);
      writers.push(own);
      for (const s of data) files.push(await own.entry(s, createdAt));
      await own.end(false);
    }

    // 2. The bundled stack's database, cache, mail, queue and TLS, when there is a stack.
    const stackDir = join(work, 'stack');
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
    const store: Source = { path: STORE_ENTRY, file: snapshot, size: (await stat(snapshot)).size };
    const totalBytes = [store, ...data, ...stackFiles].reduce((n, s) => n + s.size, 0);
    const tick = meter('archive', totalBytes, opts.onProgress);
    let written = 0;
    const count = (n: number) => tick((written += n));
    const archive = join(work, 'archive.tar');
    const out = await tarFile(archive, opts.signal, count);
    writers.push(out);
    files.unshift(await out.entry(store, createdAt));
    // The data folder's entries as they are, headers and padding too: hashed already.
    await out.copy(tailFile, (await stat(tailFile)).size, null, false);
    count(data.reduce((n, s) => n + s.size, 0));
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
      files,
    };
    const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await out.put(header(MANIFEST_NAME, text.length, createdAt));
    await out.put(text);
    await out.put(padding(text.length));
    await out.put(Buffer.alloc(BLOCK * 2));
    await out.end(true);
    tick(written, true);
    const problem = checked ? await checked : undefined;
    await tailGone;
    await rename(archive, opts.to);
    opts.onProgress?.({ phase: 'done', bytes: written, totalBytes, rate: 0, etaSeconds: 0 });
    return {
      file: opts.to,
      manifest: parseManifest(JSON.stringify(manifest)),
      bytes: (await stat(opts.to)).size,
      ...(problem !== undefined ? { storeCheck: { sha256: files[0]!.sha256, problem } } : {}),
    };
  } finally {
    for (const w of writers) await w.close();
    // Before the folder goes: the worker may have files in it open (a cancelled backup).
    await worker.close();
    await rm(work, { recursive: true, force: true });
  }
}

export interface VerifyReport {
  ok: boolean;
  /** Each thing wrong, as a sentence; empty when ok. */
  problems: string[];
  /** What could not be checked here, and why. */
  notes: string[];
  manifest: Manifest | null;
}

/** Checks a backup without changing anything: every checksum, nothing missing or extra, the store's integrity. */
export async function verifyBackup(
  file: string,
  opts: {
    onProgress?(p: BackupProgress): void;
    tmpDir?: string;
    passphrase?: string;
    /** Also write the data entries into this folder as they stream by (restore's staging). */
    extractTo?: string;
    /** With extractTo: each file written there, once it is whole (restore reads it back). */
    onExtracted?: (file: string) => void;
    /** Lists the stack's Postgres dump: null when it lists, else what is wrong. */
    checkDump?: (file: string) => Promise<string | null>;
    /**
     * createBackup's integrity_check of the snapshot: it stands for the store's check when
     * the archive's store entry, read back here, has the same SHA-256 (else that is a
     * problem). Without it the store is copied out and checked, in a worker meanwhile.
     */
    storeCheck?: StoreCheck;
  } = {},
): Promise<VerifyReport & { secrets: Record<string, string> | null }> {
  const problems: string[] = [];
  const notes: string[] = [];
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | null = null;
  let sealedBytes: Buffer | null = null;
  const total = (await stat(file)).size;
  const tick = meter('verify', total, opts.onProgress);
  const { extractTo, storeCheck } = opts;
  const checker = storeCheck ? null : startStoreWorker();
  let storeChecked: Promise<string | null> | null = null;
  // The store is copied out for its integrity check: into the staging folder when extracting.
  const work = extractTo
    ? null
    : await mkdtemp(join(opts.tmpDir ?? dirname(file), '.maildock-verify-'));
  const storeCopy = join(extractTo ?? work!, 'maildock.db');
  const dumpCopy = extractTo
    ? join(extractTo, ...extractedName(PG_ENTRY)!.split('/'))
    : join(work!, 'postgres.dump');
  let read = 0;
  try {
    // Not strict: damage becomes warnings (each a problem below) instead of a throw mid-stream.
    const parser = new Parser({ strict: false });
    const pending: Promise<void>[] = [];
    parser.on('entry', (entry: ReadEntry) => {
      const path = entry.path;
      if (entry.type !== 'File') {
        problems.push(`The archive holds ${path}, which is not a file.`);
        entry.resume();
        return;
      }
      if (seen.has(path) || (path === MANIFEST_NAME && manifestText !== null)) {
        problems.push(`The archive holds ${path} twice.`);
      }
      const hash = createHash('sha256');
      let size = 0;
      const chunks: Buffer[] = [];
      const name = extractTo ? extractedName(path) : null;
      const target = name
        ? join(extractTo!, ...name.split('/'))
        : path === STORE_ENTRY
          ? storeCheck
            ? null
            : storeCopy
          : path === PG_ENTRY
            ? dumpCopy
            : null;
      if (target) mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const copy = target ? createWriteStream(target, { mode: 0o600 }) : null;
      copy?.on('error', (err) => problems.push(`${path} could not be written: ${err.message}.`));
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (path === MANIFEST_NAME || path === SECRETS_ENTRY) chunks.push(chunk);
        copy?.write(chunk);
      });
      pending.push(
        new Promise<void>((resolve) => {
          entry.on('end', () => {
            if (path === MANIFEST_NAME) manifestText = Buffer.concat(chunks).toString('utf8');
            else seen.set(path, { size, sha256: hash.digest('hex') });
            if (path === SECRETS_ENTRY) sealedBytes = Buffer.concat(chunks);
            if (!copy) return resolve();
            copy.end(() => {
              // The store's check runs while the rest of the archive is read.
              if (path === STORE_ENTRY && checker && !storeChecked)
                storeChecked = checker.check(storeCopy);
              if (name) opts.onExtracted?.(target!);
              resolve();
            });
          });
        }),
      );
    });
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('end', resolve);
      parser.on('error', reject);
      parser.on('warn', (_code: string, message: string) =>
        problems.push(`The archive is damaged: ${message}.`),
      );
    });
    try {
      for await (const chunk of createReadStream(file, {
        highWaterMark: CHUNK,
      }) as AsyncIterable<Buffer>) {
        read += chunk.length;
        tick(read);
        if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
      await parsed;
    } catch (err) {
      problems.push(`The archive is damaged: ${(err as Error).message}.`);
    }
    await Promise.all(pending);
    tick(read, true);

    let manifest: Manifest | null = null;
    if (manifestText === null) {
      problems.push('The archive has no manifest: it is cut short or not a Maildock backup.');
    } else {
      try {
        manifest = parseManifest(manifestText);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (manifest) {
      const listed = new Set(manifest.files.map((f) => f.path));
      for (const f of manifest.files) {
        const got = seen.get(f.path);
        if (!got) problems.push(`${f.path} is missing from the archive.`);
        else if (got.size !== f.size)
          problems.push(`${f.path} has ${got.size} bytes, not the ${f.size} the manifest says.`);
        else if (got.sha256 !== f.sha256) problems.push(`${f.path} does not match its checksum.`);
      }
      for (const p of seen.keys())
        if (!listed.has(p)) problems.push(`${p} is in the archive but not in its manifest.`);
      if (!listed.has(STORE_ENTRY)) problems.push('The archive holds no store.');
      else if (seen.has(STORE_ENTRY) && problems.length === 0) {
        const check = storeCheck
          ? seen.get(STORE_ENTRY)!.sha256 === storeCheck.sha256
            ? storeCheck.problem
            : 'The store in the archive is not the snapshot that was checked when it was made.'
          : await (storeChecked ?? checker!.check(storeCopy));
        if (check) problems.push(check);
      }
      if (listed.has(PG_ENTRY) && problems.length === 0) {
        if (!opts.checkDump)
          notes.push('The Postgres dump was checked by its checksum only (no Docker here).');
        else {
          try {
            const check = await opts.checkDump(dumpCopy);
            if (check) problems.push(check);
          } catch (err) {
            notes.push(
              `The Postgres dump was checked by its checksum only: pg_restore could not run (${(err as Error).message}).`,
            );
          }
        }
      }
    }
    // The passwords, when asked for and the rest is sound: a wrong passphrase is a problem.
    let secrets: Record<string, string> | null = null;
    if (opts.passphrase !== undefined && problems.length === 0) {
      if (!sealedBytes) problems.push('This backup holds no passwords.');
      else {
        try {
          secrets = await unseal(sealedBytes, opts.passphrase);
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }
    opts.onProgress?.({ phase: 'done', bytes: read, totalBytes: total, rate: 0, etaSeconds: 0 });
    return { ok: problems.length === 0, problems, notes, manifest, secrets };
  } finally {
    await checker?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }
}

const safeSegments = (rel: string) =>
  rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..') &&
  !rel.includes('\\') &&
  !rel.includes('\0');

/**
 * Where an archive entry goes in a data folder: the store as maildock.db, data/… below the
 * folder, the stack's data below stack-restore/ (until it is put back into the stack); null
 * for the manifest, the sealed passwords, and any path that would climb out.
 */
export function extractedName(entry: string): string | null {
  if (entry === STORE_ENTRY) return 'maildock.db';
  if (entry.startsWith(STACK_PREFIX)) {
    const rel = entry.slice(STACK_PREFIX.length);
    return safeSegments(rel) ? `${STACK_PENDING}/${rel}` : null;
  }
  if (!entry.startsWith('data/')) return null;
  const rel = entry.slice('data/'.length);
  return safeSegments(rel) ? rel : null;
}
