// Verifying a backup streams the archive once: every entry's size and SHA-256 against the
// manifest, nothing missing, nothing extra, the store's snapshot through integrity_check
// (in a worker while the rest is read, or createBackup's own check of the same bytes), or
// a Postgres store's dump read through by pg_restore meanwhile, the
// stack's Postgres dump through pg_restore, and an encrypted archive opened on the way.
// Restore uses the same pass to unpack into its staging folder.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import { STACK_PENDING } from '../stack/data.js';
import { EnvelopeReader, isEnveloped, newerEnvelope } from './encrypted-envelope.js';
import { dropFolder, PG_ENTRY, STACK_PREFIX, type StoreCheck } from './archive.js';
import { checkStoreDump } from './dump-check.js';
import { scratchFolder } from './verify-folder.js';
import { startStoreWorker, type StoreWorker } from './store-worker.js';
import { SECRETS_ENTRY, unseal } from './sealed.js';
import {
  ENGINE_NAMES,
  engineOf,
  MANIFEST_NAME,
  parseManifest,
  POSTGRES_STORE_ENTRY,
  STORE_ENTRIES,
  STORE_ENTRY,
  type Manifest,
} from './manifest.js';
import { cancelled, CHUNK, meter, type BackupProgress } from './tar-writer.js';

/** Every SQLite database starts with a 100-byte header, and the header with these bytes. */
const SQLITE_HEADER_BYTES = 100;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const sqliteHeader = (head: Buffer) =>
  head.length >= SQLITE_HEADER_BYTES && head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC);
/** pg_dump's custom format starts with these bytes. */
const DUMP_MAGIC = Buffer.from('PGDMP', 'latin1');
const dumpHeader = (head: Buffer) => head.subarray(0, DUMP_MAGIC.length).equals(DUMP_MAGIC);
const isStoreEntry = (path: string) => path === STORE_ENTRY || path === POSTGRES_STORE_ENTRY;

export interface VerifyReport {
  /** The whole archive is under a passphrase. */
  encrypted: boolean;
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
     * problem); awaited only once the archive is read. Without it the store is copied out
     * and checked, in a worker meanwhile.
     */
    storeCheck?: StoreCheck | Promise<StoreCheck>;
    /** Stops the reading: verifyBackup then throws CANCELLED (the backup being made is). */
    signal?: AbortSignal;
  } = {},
): Promise<VerifyReport & { secrets: Record<string, string> | null }> {
  const problems: string[] = [];
  const notes: string[] = [];
  const seen = new Map<string, { size: number; sha256: string }>();
  // Each name in lower case: two that differ only in case are one file on macOS and Windows.
  const folded = new Map<string, string>();
  let manifestText: string | null = null;
  let sealedBytes: Buffer | null = null;
  // The store entry's first bytes: SQLite takes an empty file for an empty database.
  let storeHead = Buffer.alloc(0);
  const total = (await stat(file)).size;
  const tick = meter('verify', total, opts.onProgress);
  const { extractTo, storeCheck } = opts;
  let checker: StoreWorker | null = null;
  let storeChecked: Promise<string | null> | null = null;
  let work: string | null = null;
  let read = 0;
  try {
    // The store is copied out for its integrity check: into the staging folder when extracting.
    work = extractTo ? null : await scratchFolder(opts.tmpDir ?? dirname(file));
    checker = storeCheck ? null : startStoreWorker();
    const storeCopy = join(extractTo ?? work!, 'maildock.db');
    const storeDumpCopy = join(extractTo ?? work!, 'maildock.pgdump');
    const dumpCopy = extractTo
      ? join(extractTo, ...extractedName(PG_ENTRY)!.split('/'))
      : join(work!, 'postgres.dump');
    // Without extracting, what is copied out to be checked: the store (unless createBackup
    // checked these very bytes) and the Postgres dump.
    const checkedCopy = (path: string) =>
      path === STORE_ENTRY && !storeCheck
        ? storeCopy
        : path === POSTGRES_STORE_ENTRY && !storeCheck
          ? storeDumpCopy
          : path === PG_ENTRY
            ? dumpCopy
            : null;
    // Not strict: damage becomes warnings (each a problem below) instead of a throw mid-stream.
    const parser = new Parser({ strict: false });
    const pending: Promise<void>[] = [];
    // Entries being copied out: a cancel closes them.
    const copying = new Set<WriteStream>();
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
      const other = folded.get(path.toLowerCase());
      if (other !== undefined && other !== path) {
        problems.push(
          `The archive holds ${other} and ${path}, names that differ only in case (one file on macOS and Windows).`,
        );
      }
      folded.set(path.toLowerCase(), path);
      const hash = createHash('sha256');
      let size = 0;
      const chunks: Buffer[] = [];
      const name = extractTo ? extractedName(path) : null;
      const target = name ? join(extractTo!, ...name.split('/')) : checkedCopy(path);
      if (target) mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const copy = target ? createWriteStream(target, { mode: 0o600 }) : null;
      if (copy) copying.add(copy);
      copy?.on('error', (err) => problems.push(`${path} could not be written: ${err.message}.`));
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (path === MANIFEST_NAME || path === SECRETS_ENTRY) chunks.push(chunk);
        if (isStoreEntry(path) && storeHead.length < SQLITE_HEADER_BYTES)
          storeHead = Buffer.concat([storeHead, chunk.subarray(0, SQLITE_HEADER_BYTES)]);
        copy?.write(chunk);
      });
      pending.push(
        new Promise<void>((resolve) => {
          entry.on('end', () => {
            if (path === MANIFEST_NAME) manifestText = Buffer.concat(chunks).toString('utf8');
            else seen.set(path, { size, sha256: hash.digest('hex') });
            if (path === SECRETS_ENTRY) sealedBytes = Buffer.concat(chunks);
            if (!copy) return resolve();
            copying.delete(copy);
            copy.end(() => {
              // The store's check runs while the rest of the archive is read.
              if (path === STORE_ENTRY && checker && !storeChecked)
                storeChecked = checker.check(storeCopy);
              if (path === POSTGRES_STORE_ENTRY && !storeCheck && !storeChecked) {
                storeChecked = checkStoreDump(storeDumpCopy);
                storeChecked.catch(() => undefined);
              }
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
    // An encrypted archive is opened on the way: the tar inside is what the parser reads.
    let envelope: EnvelopeReader | null = null;
    let locked = false;
    const feed = async (b: Buffer) => {
      if (!parser.write(b)) await new Promise((r) => parser.once('drain', r));
    };
    try {
      for await (const chunk of createReadStream(file, {
        highWaterMark: CHUNK,
      }) as AsyncIterable<Buffer>) {
        if (opts.signal?.aborted) throw cancelled();
        const newer = read === 0 ? newerEnvelope(chunk) : null;
        if (newer !== null) {
          locked = true;
          throw new MaildockError(
            'INVALID_INPUT',
            `This backup was encrypted by a newer Maildock (envelope version ${newer}; this one reads 1). Update Maildock to open it.`,
          );
        }
        if (read === 0 && isEnveloped(chunk)) envelope = new EnvelopeReader(opts.passphrase);
        read += chunk.length;
        tick(read);
        if (!envelope) await feed(chunk);
        else for (const plain of await envelope.push(chunk)) await feed(plain);
      }
      if (envelope) await feed(envelope.end());
      parser.end();
      await parsed;
    } catch (err) {
      if (err instanceof MaildockError && err.code === 'CANCELLED') {
        for (const c of copying) c.destroy();
        throw err;
      }
      if (err instanceof MaildockError) {
        // A wrong or missing passphrase (or a newer envelope) says all there is to say.
        locked ||= err.code === 'AUTH_FAILED';
        problems.push(err.message);
        // The entry being read when the envelope failed ends here, cut short (a locked
        // archive gave the parser nothing).
        if (!locked) {
          try {
            parser.end();
            await parsed;
          } catch {
            // Its warnings are problems already.
          }
        }
      } else problems.push(`The archive is damaged: ${(err as Error).message}.`);
    }
    await Promise.all(pending);
    tick(read, true);

    let manifest: Manifest | null = null;
    if (locked) {
      // Nothing was read: there is nothing more to say.
    } else if (manifestText === null) {
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
      for (const p of listed)
        if (!heldByBackups(p)) problems.push(`${p} is not something a Maildock backup holds.`);
      const engine = engineOf(manifest);
      const entry = STORE_ENTRIES[engine];
      const other = Object.values<string>(STORE_ENTRIES).find((p) => p !== entry && listed.has(p));
      if (other) {
        problems.push(
          `The archive holds ${other}, not the ${ENGINE_NAMES[engine]} store its manifest names.`,
        );
      } else if (!listed.has(entry)) problems.push('The archive holds no store.');
      else if (seen.has(entry) && problems.length === 0) {
        const made = await storeCheck;
        const postgres = engine === 'postgres';
        const check = !(postgres ? dumpHeader(storeHead) : sqliteHeader(storeHead))
          ? `The store in the archive is not ${postgres ? 'a Postgres dump' : 'an SQLite database'}.`
          : made
            ? seen.get(entry)!.sha256 === made.sha256
              ? made.problem
              : 'The store in the archive is not the snapshot that was checked when it was made.'
            : await (storeChecked ??
                (postgres ? checkStoreDump(storeDumpCopy) : checker!.check(storeCopy)));
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
      // An encrypted archive needs no passwords in it for its passphrase to be right.
      if (!sealedBytes) {
        if (!envelope) problems.push('This backup holds no passwords.');
      } else {
        try {
          secrets = await unseal(sealedBytes, opts.passphrase);
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }
    opts.onProgress?.({ phase: 'done', bytes: read, totalBytes: total, rate: 0, etaSeconds: 0 });
    return {
      ok: problems.length === 0,
      problems,
      notes,
      manifest,
      secrets,
      encrypted: envelope !== null,
    };
  } finally {
    await checker?.close();
    if (work) await dropFolder(work);
  }
}

const safeSegments = (rel: string) =>
  rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..') &&
  !rel.includes('\\') &&
  !rel.includes('\0');

/** The data folder's parts a backup holds, below data/ in the archive. */
const DATA_FOLDERS = ['attachments/', 'stack/'];

/**
 * Where an archive entry goes in a data folder: the store as maildock.db (a Postgres store's
 * dump as maildock.pgdump, which restore reads into the database), the attachment
 * cache and the stack's files (data/attachments/…, data/stack/…) below the folder, the
 * stack's data below stack-restore/ (until it is put back into the stack); null for the
 * manifest, the sealed passwords, any other data/ name (the store's own files must come only
 * from its checked entry) and any path that would climb out.
 */
export function extractedName(entry: string): string | null {
  if (entry === STORE_ENTRY) return 'maildock.db';
  if (entry === POSTGRES_STORE_ENTRY) return 'maildock.pgdump';
  if (entry.startsWith(STACK_PREFIX)) {
    const rel = entry.slice(STACK_PREFIX.length);
    return safeSegments(rel) ? `${STACK_PENDING}/${rel}` : null;
  }
  if (!entry.startsWith('data/')) return null;
  const rel = entry.slice('data/'.length);
  const folder = DATA_FOLDERS.find((f) => rel.startsWith(f));
  return folder && rel.length > folder.length && safeSegments(rel) ? rel : null;
}

/** Whether an entry is one a Maildock backup has: what restore unpacks, the manifest, the passwords. */
const heldByBackups = (entry: string) =>
  entry === MANIFEST_NAME || entry === SECRETS_ENTRY || extractedName(entry) !== null;
