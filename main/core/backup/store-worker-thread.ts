// worker_threads entry of the backup's second thread (store-worker.ts): tars the data folder's
// files, or runs SQLite's integrity_check of a store, one request at a time.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile } from '../store/index.js';

export interface StoreWorkerData {
  /** The tar block every entry's bytes are padded to. */
  block: number;
  /** Bytes read and written at a time. */
  chunk: number;
  /** Set to 1 by the main thread: the tar stops at its next chunk and closes its files. */
  stop: Int32Array;
}

export interface TarEntry {
  path: string;
  file: string;
  size: number;
  /** Crosses to the thread as a plain Uint8Array, even when a Buffer is posted. */
  header: Uint8Array;
}

export type StoreWorkerRequest =
  { type: 'tar'; to: string; entries: TarEntry[] } | { type: 'check'; file: string };

export type StoreWorkerReply =
  { hashes: string[] } | { changed: string } | { result: string } | { error: string };

/** What the thread posts along the way: the bytes of files tarred so far. */
export interface StoreWorkerProgress {
  progress: number;
}

const port = parentPort;
if (!port) throw new Error('main/core/backup/store-worker-thread runs only as a worker thread');
const { block, chunk, stop } = workerData as StoreWorkerData;
const post = (message: StoreWorkerReply | StoreWorkerProgress) => port.postMessage(message);

function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Each entry: its header block, its bytes (cut at the listed size), padding; then the SHA-256s.
 * The bytes of the files written so far are posted after every chunk.
 */
function tar(to: string, entries: TarEntry[]): StoreWorkerReply {
  const out = openSync(to, 'w', 0o600);
  const buffer = Buffer.allocUnsafe(chunk);
  const hashes: string[] = [];
  let written = 0;
  try {
    for (const entry of entries) {
      writeAll(out, Buffer.from(entry.header));
      const hash = createHash('sha256');
      const input = openSync(entry.file, 'r');
      let done = 0;
      try {
        while (done < entry.size) {
          if (Atomics.load(stop, 0)) return { error: 'stopped' };
          const n = readSync(input, buffer, 0, Math.min(buffer.length, entry.size - done), done);
          if (n === 0) break;
          hash.update(buffer.subarray(0, n));
          writeAll(out, buffer.subarray(0, n));
          done += n;
          written += n;
          post({ progress: written });
        }
      } finally {
        closeSync(input);
      }
      if (done !== entry.size) return { changed: entry.path };
      writeAll(out, Buffer.alloc((block - (entry.size % block)) % block));
      hashes.push(hash.digest('hex'));
    }
    return { hashes };
  } finally {
    closeSync(out);
  }
}

port.on('message', (request: StoreWorkerRequest) => {
  try {
    post(
      request.type === 'tar'
        ? tar(request.to, request.entries)
        : { result: checkFile(request.file) },
    );
  } catch (err) {
    post({ error: err instanceof Error ? err.message : String(err) });
  }
});
