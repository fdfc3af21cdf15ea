// A second thread for a backup, on the second core: it writes the data folder's files into
// a tar of their own (read, hashed, written) while the main thread takes the store's snapshot,
// then runs SQLite's `integrity_check` of the snapshot (100–130 ms for a 40 MB store, as long
// as tar takes to archive the whole data folder) while the main thread writes the archive, or
// of a store copied out of an archive while the rest of it is read. It is started before it
// is needed (starting one costs about 25 ms). If it cannot run, the caller does the step on
// its own thread, with the same result.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

// Reading the pages through a memory map instead of read() makes the check about 20% faster.
const MMAP_BYTES = 2 ** 31 - 2 ** 16;
const BLOCK = 512;
const CHUNK = 4 * 1024 * 1024;

// Plain CommonJS evaluated in the worker, as in store/checkpoint.ts: no file to locate.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const message = (err) => String((err && err.message) || err);
const writeAll = (fd, b) => {
  for (let off = 0; off < b.length; ) off += fs.writeSync(fd, b, off, b.length - off);
};
// Each entry: its header block, its bytes (cut at the listed size), padding; the SHA-256s.
// The bytes of the files written so far are posted after every chunk.
function tar(to, entries) {
  const out = fs.openSync(to, 'w', 0o600);
  const buffer = Buffer.allocUnsafe(workerData.chunk);
  const hashes = [];
  let written = 0;
  try {
    for (const e of entries) {
      writeAll(out, Buffer.from(e.header));
      const hash = createHash('sha256');
      const input = fs.openSync(e.file, 'r');
      let done = 0;
      try {
        while (done < e.size) {
          if (Atomics.load(workerData.stop, 0)) return { error: 'stopped' };
          const n = fs.readSync(input, buffer, 0, Math.min(buffer.length, e.size - done), done);
          if (n === 0) break;
          hash.update(buffer.subarray(0, n));
          writeAll(out, buffer.subarray(0, n));
          done += n;
          written += n;
          parentPort.postMessage({ progress: written });
        }
      } finally {
        fs.closeSync(input);
      }
      if (done !== e.size) return { changed: e.path };
      writeAll(out, Buffer.alloc((workerData.block - (e.size % workerData.block)) % workerData.block));
      hashes.push(hash.digest('hex'));
    }
    return { hashes };
  } finally {
    fs.closeSync(out);
  }
}
parentPort.on('message', (m) => {
  let db;
  try {
    if (m.type === 'tar') {
      parentPort.postMessage(tar(m.to, m.entries));
    } else {
      db = new Database(m.file, { readonly: true, fileMustExist: true });
      db.pragma('mmap_size = ' + workerData.mmap);
      parentPort.postMessage({ result: String(db.pragma('integrity_check', { simple: true })) });
    }
  } catch (err) {
    parentPort.postMessage({ error: message(err) });
  } finally {
    if (db) db.close();
  }
});
`;

type Reply = { hashes: string[] } | { changed: string } | { result: string } | { error: string };
/** What the worker posts along the way: the bytes of files tarred so far. */
type Progress = { progress: number };

/** integrity_check's outcome as the verification reports it: null when sound, else a sentence. */
function sentence(o: Reply): string | null {
  if ('error' in o) return `The store in the archive cannot be opened: ${o.error}.`;
  const result = 'result' in o ? o.result : 'an answer it cannot read';
  return result === 'ok'
    ? null
    : `The store in the archive fails SQLite's integrity check (${result}).`;
}

/** integrity_check on this thread. */
export function checkStore(file: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    return sentence({ result: String(db.pragma('integrity_check', { simple: true })) });
  } catch (err) {
    return sentence({ error: (err as Error).message });
  } finally {
    db?.close();
  }
}

export interface StoreWorker {
  /**
   * Writes the files to `to` as tar entries, each after its header; their SHA-256s, or the
   * path of one that was shorter than listed, or null when the worker could not or was
   * stopped by `signal` (whatever it left at `to` is to be thrown away; the caller writes
   * them itself, or gives up when cancelled). `onBytes` hears the bytes of the files written
   * so far, after every chunk.
   */
  tar(
    to: string,
    entries: { path: string; file: string; size: number; header: Buffer }[],
    opts?: { signal?: AbortSignal | undefined; onBytes?: (done: number) => void },
  ): Promise<{ hashes: string[] } | { changed: string } | null>;
  /** Checks `file`: null when SQLite finds it sound, else what is wrong, as a sentence. */
  check(file: string): Promise<string | null>;
  /** Ends the worker, whatever it is doing (a cancelled backup); safe to call twice. */
  close(): Promise<void>;
}

export function startStoreWorker(): StoreWorker {
  let worker: Worker | null = null;
  // Set when closing or cancelled: the tar stops at its next chunk and closes its files (a
  // terminated thread would leave them open).
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let tarring: Promise<unknown> | null = null;
  let failed = false;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        mmap: MMAP_BYTES,
        block: BLOCK,
        chunk: CHUNK,
        stop,
      },
    });
    worker.unref();
    const gone = () => {
      failed = true;
    };
    worker.once('error', gone);
    worker.once('exit', gone);
  } catch {
    failed = true;
  }
  // One request at a time; a worker that dies without an answer gets null.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (m: object, onProgress?: (done: number) => void): Promise<Reply | null> => {
    const asked = queue.then(
      () =>
        new Promise<Reply | null>((resolve) => {
          const w = worker;
          if (!w || failed) return resolve(null);
          const done = (reply: Reply | null) => {
            w.off('message', heard);
            w.off('error', gone);
            w.off('exit', gone);
            resolve(reply);
          };
          const gone = () => done(null);
          const heard = (message: Reply | Progress) =>
            'progress' in message ? onProgress?.(message.progress) : done(message);
          w.once('error', gone);
          w.once('exit', gone);
          w.on('message', heard);
          try {
            w.postMessage(m);
          } catch {
            gone();
          }
        }),
    );
    queue = asked;
    return asked;
  };
  return {
    async tar(to, entries, { signal, onBytes } = {}) {
      const halt = () => Atomics.store(stop, 0, 1);
      if (signal?.aborted) halt();
      signal?.addEventListener('abort', halt);
      try {
        const asked = ask({ type: 'tar', to, entries }, onBytes);
        tarring = asked;
        const reply = await asked;
        if (reply && 'hashes' in reply && reply.hashes.length === entries.length) return reply;
        if (reply && 'changed' in reply) return reply;
        return null;
      } finally {
        signal?.removeEventListener('abort', halt);
      }
    },
    async check(file) {
      const reply = await ask({ type: 'check', file });
      return reply ? sentence(reply) : checkStore(file);
    },
    async close() {
      Atomics.store(stop, 0, 1);
      await tarring;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
