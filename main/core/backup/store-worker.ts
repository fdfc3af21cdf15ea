// A second thread for a backup, on the second core: it writes the data folder's files into
// a tar of their own (read, hashed, written) while the main thread takes the store's snapshot,
// then runs SQLite's `integrity_check` of the snapshot (100–130 ms for a 40 MB store, as long
// as tar takes to archive the whole data folder) while the main thread writes the archive, or
// of a store copied out of an archive while the rest of it is read. It is started before it
// is needed (starting one costs about 25 ms). If it cannot run, the caller does the step on
// its own thread, with the same result.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start.js';
import { checkFile } from '../store/index.js';
import type {
  StoreWorkerData,
  StoreWorkerProgress,
  StoreWorkerReply,
  StoreWorkerRequest,
  TarEntry,
} from './store-worker-thread.js';

const BLOCK = 512;
const CHUNK = 4 * 1024 * 1024;

/** integrity_check's outcome as the verification reports it: null when sound, else a sentence. */
function sentence(o: StoreWorkerReply): string | null {
  if ('error' in o) return `The store in the archive cannot be opened: ${o.error}.`;
  const result = 'result' in o ? o.result : 'an answer it cannot read';
  return result === 'ok'
    ? null
    : `The store in the archive fails SQLite's integrity check (${result}).`;
}

/** integrity_check on this thread. */
export function checkStore(file: string): string | null {
  try {
    return sentence({ result: checkFile(file) });
  } catch (err) {
    return sentence({ error: (err as Error).message });
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
    entries: TarEntry[],
    opts?: { signal?: AbortSignal | undefined; onBytes?: (done: number) => void },
  ): Promise<{ hashes: string[] } | { changed: string } | null>;
  /** Checks `file`: null when SQLite finds it sound, else what is wrong, as a sentence. */
  check(file: string): Promise<string | null>;
  /**
   * Ends the worker once a check it is running has ended (a thread terminated while SQLite
   * opens a damaged file can take the process down), and a tar at its next chunk (a cancelled
   * backup); safe to call twice.
   */
  close(): Promise<void>;
}

export function startStoreWorker(): StoreWorker {
  let worker: Worker | null = null;
  // Set when closing or cancelled: the tar stops at its next chunk and closes its files (a
  // terminated thread would leave them open).
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let tarring: Promise<unknown> | null = null;
  const checking = new Set<Promise<unknown>>();
  let failed = false;
  try {
    const workerData: StoreWorkerData = { block: BLOCK, chunk: CHUNK, stop };
    worker = startWorker(new URL('./store-worker-thread.js', import.meta.url), { workerData });
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
  const ask = (
    m: StoreWorkerRequest,
    onProgress?: (done: number) => void,
  ): Promise<StoreWorkerReply | null> => {
    const asked = queue.then(
      () =>
        new Promise<StoreWorkerReply | null>((resolve) => {
          const w = worker;
          if (!w || failed) return resolve(null);
          const done = (reply: StoreWorkerReply | null) => {
            w.off('message', heard);
            w.off('error', gone);
            w.off('exit', gone);
            resolve(reply);
          };
          const gone = () => done(null);
          const heard = (message: StoreWorkerReply | StoreWorkerProgress) =>
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
    check(file) {
      const running = ask({ type: 'check', file }).then((reply) =>
        reply ? sentence(reply) : checkStore(file),
      );
      checking.add(running);
      void running.finally(() => checking.delete(running));
      return running;
    },
    async close() {
      Atomics.store(stop, 0, 1);
      await tarring;
      await Promise.allSettled([...checking]);
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
