// The backup archive: a tar of the local store (taken with SQLite's online backup API, so it
// is consistent while sync writes), the attachment cache and the bundled stack's settings
// and generated files, with manifest.json last. It is written under a temporary name beside
// the target and renamed at the end: a failed or cancelled backup leaves nothing behind.
// Verifying streams the archive once: every entry's size and SHA-256 against the manifest,
// nothing missing, nothing extra, and the store's snapshot through `integrity_check`.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { Header, Parser, type ReadEntry } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import { PG_DUMP, STACK_PENDING } from '../stack/data.js';
import type { Db } from '../store/db.js';
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

export async function createBackup(
  opts: CreateOptions,
): Promise<{ file: string; manifest: Manifest; bytes: number }> {
  const work = await mkdtemp(join(dirname(opts.to), `.${basename(opts.to)}.partial-`));
  try {
    if (opts.signal?.aborted) throw cancelled();
    // 1. The store, page by page while the app goes on writing.
    const snapshot = join(work, 'maildock.db');
    const dbSize = (await stat(opts.db.name)).size;
    const snapMeter = meter('snapshot', dbSize, opts.onProgress);
    await opts.db.backup(snapshot, {
      progress: ({ totalPages, remainingPages }) => {
        if (opts.signal?.aborted) return 0;
        snapMeter(Math.round(dbSize * (1 - remainingPages / Math.max(totalPages, 1))));
        return 1024;
      },
    });
    if (opts.signal?.aborted) throw cancelled();

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

    // 3. One tar, manifest last.
    const sources: Source[] = [
      { path: STORE_ENTRY, file: snapshot, size: (await stat(snapshot)).size },
      ...(await dataSources(opts.dataDir)),
      ...stackFiles,
    ];
    const totalBytes = sources.reduce((n, s) => n + s.size, 0);
    const tick = meter('archive', totalBytes, opts.onProgress);
    const files: BackupFile[] = [];
    const createdAt = new Date();
    let written = 0;
    const archive = join(work, 'archive.tar');
    // Plain reads and writes of large chunks through file handles: a stream pipeline of
    // the same chunks took twice as long (bench:backup).
    const out = await open(archive, 'w', 0o600);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const put = async (b: Buffer) => {
        for (let off = 0; off < b.length;) off += (await out.write(b, off)).bytesWritten;
      };
      for (const s of sources) {
        await put(header(s.path, s.size, createdAt));
        const hash = createHash('sha256');
        const input = await open(s.file, 'r');
        let size = 0;
        try {
          // A file that grew since it was listed is cut at its listed size (the tar header
          // holds it); one that shrank fails below.
          while (size < s.size) {
            if (opts.signal?.aborted) throw cancelled();
            const want = Math.min(CHUNK, s.size - size);
            const { bytesRead } = await input.read(buffer, 0, want, size);
            if (bytesRead === 0) break;
            const part = buffer.subarray(0, bytesRead);
            hash.update(part);
            await put(part);
            size += bytesRead;
            written += bytesRead;
            tick(written);
          }
        } finally {
          await input.close();
        }
        if (size !== s.size) {
          throw new MaildockError(
            'STORE_FAILED',
            `${s.path} changed while it was backed up; try again.`,
            {
              path: s.path,
            },
          );
        }
        await put(padding(s.size));
        files.push({ path: s.path, size: s.size, sha256: hash.digest('hex') });
      }
      for (const e of opts.extra ?? []) {
        await put(header(e.path, e.data.length, createdAt));
        await put(e.data);
        await put(padding(e.data.length));
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
      await put(header(MANIFEST_NAME, text.length, createdAt));
      await put(text);
      await put(padding(text.length));
      await put(Buffer.alloc(BLOCK * 2));
      await out.sync();
    } finally {
      await out.close();
    }
    tick(written, true);
    await rename(archive, opts.to);
    const manifest = parseManifest(
      JSON.stringify({
        format: BACKUP_FORMAT,
        app: opts.app,
        createdAt: createdAt.toISOString(),
        files,
      }),
    );
    opts.onProgress?.({ phase: 'done', bytes: written, totalBytes, rate: 0, etaSeconds: 0 });
    return { file: opts.to, manifest, bytes: (await stat(opts.to)).size };
  } finally {
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
    /** Lists the stack's Postgres dump: null when it lists, else what is wrong. */
    checkDump?: (file: string) => Promise<string | null>;
  } = {},
): Promise<VerifyReport & { secrets: Record<string, string> | null }> {
  const problems: string[] = [];
  const notes: string[] = [];
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | null = null;
  let sealedBytes: Buffer | null = null;
  const total = (await stat(file)).size;
  const tick = meter('verify', total, opts.onProgress);
  const { extractTo } = opts;
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
          ? storeCopy
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
            if (copy) copy.end(() => resolve());
            else resolve();
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
        const check = integrity(storeCopy);
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

/** SQLite's own check of the snapshot; a sentence when it fails. */
function integrity(file: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const result = db.pragma('integrity_check', { simple: true });
    return result === 'ok'
      ? null
      : `The store in the archive fails SQLite's integrity check (${String(result)}).`;
  } catch (err) {
    return `The store in the archive cannot be opened: ${(err as Error).message}.`;
  } finally {
    db?.close();
  }
}
