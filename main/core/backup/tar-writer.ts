// Writing a backup's tar: headers, padding, and entries copied from files in large chunks
// through file handles, one write in flight while the next chunk is read and hashed (a
// stream pipeline of the same chunks took twice as long, bench:backup). With an envelope,
// what is written is sealed on its way to the file (encrypted-envelope.ts).
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Header } from 'tar';
import { MaildockError } from '../../../common/errors.js';
import type { BackupFile } from './manifest.js';
import type { EnvelopeWriter } from './encrypted-envelope.js';

export const BLOCK = 512;
export const CHUNK = 4 * 1024 * 1024;

export interface BackupProgress {
  phase: 'snapshot' | 'stack' | 'archive' | 'verify' | 'done';
  bytes: number;
  totalBytes: number;
  /** Bytes per second so far in this phase. */
  rate: number;
  /** Seconds left at that rate; null before there is a rate. */
  etaSeconds: number | null;
}

export interface Source {
  path: string;
  file: string;
  size: number;
}

export function cancelled(): MaildockError {
  return new MaildockError('CANCELLED', 'The backup was cancelled; nothing was written.');
}

export function meter(
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

/**
 * An entry's ustar header. A name it cannot hold (over 100 bytes, or a folder over 155 and a
 * name over 100) would be cut short, and the archive broken without a word: that throws. A
 * size past 8 GiB is written in base-256, as GNU tar does, which tar readers read.
 */
export function header(path: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  new Header({ path, size, mode: 0o600, mtime, type: 'File', uid: 0, gid: 0 }).encode(block, 0);
  if (new Header(block).path !== path) {
    throw new MaildockError(
      'STORE_FAILED',
      `${path} cannot go into a backup: its name is longer than a tar header holds.`,
      { path },
    );
  }
  return block;
}

export const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

export const changed = (path: string) =>
  new MaildockError('STORE_FAILED', `${path} changed while it was backed up; try again.`, {
    path,
  });

/**
 * Writes tar entries to a file, one write in flight while the next chunk is read and hashed;
 * through `envelope`, sealed on the way.
 */
export async function tarFile(
  file: string,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
  envelope?: EnvelopeWriter,
) {
  const out = await open(file, 'w', 0o600);
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let turn = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = async (list: Buffer[]) => {
    for (const b of list)
      for (let off = 0; off < b.length;) off += (await out.write(b, off)).bytesWritten;
  };
  const put = async (b: Buffer) => {
    await writing;
    writing = write(envelope ? envelope.push(b) : [b]);
    // Handled when awaited; until then it must not count as an unhandled rejection.
    writing.catch(() => undefined);
  };
  // The buffer not being written: put() waits for the write before the one it starts.
  const nextBuffer = () => buffers[(turn = 1 - turn)]!;
  if (envelope) await write([envelope.header]);
  /** Copies up to `size` bytes of `from` in, into `hash` too; how many there were. */
  const copy = async (from: string, size: number, hash: Hash | null) => {
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
        onBytes(bytesRead);
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
    /** Everything written (an envelope's last segment too); `sync` also syncs it to disk. */
    async end(sync: boolean) {
      await writing;
      if (envelope) await write([envelope.end()]);
      if (sync) await out.sync();
    },
    /** The file synced to disk (after end). */
    sync: () => out.sync(),
    async close() {
      // A write that failed has thrown already, unless something else (a cancel) did first.
      await writing.catch(() => undefined);
      await out.close();
    },
  };
}
