// WAL checkpoints in a thread of their own. SQLite checkpoints at commit time on the
// connection that crosses wal_autocheckpoint, and copying 32 MiB of WAL into the database
// with its fsyncs holds that commit 60–150 ms: in the process that answers the UI, every
// call waits behind it. Here the writer's automatic checkpoints are turned off and a worker
// thread with a connection of its own runs PASSIVE checkpoints, which never block the
// writer or the readers. If the worker fails, automatic checkpoints come back.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start.js';
import type {
  CheckpointCommand,
  CheckpointReply,
  CheckpointRound,
  CheckpointWorkerData,
} from './checkpoint-worker.js';
import { AUTOCHECKPOINT_PAGES, type Db } from './db.js';

export type { CheckpointRound };

export interface CheckpointerOptions {
  intervalMs?: number;
  onRound?(r: CheckpointRound): void;
  onError?(message: string): void;
}

export class Checkpointer {
  private readonly worker: Worker | null = null;
  private stopped = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly db: Db,
    opts: CheckpointerOptions = {},
  ) {
    if (db.memory) {
      // Nothing to checkpoint, and no file a second connection could open.
      this.stopped = true;
      this.ready = Promise.resolve();
      return;
    }
    const workerData: CheckpointWorkerData = { file: db.name, intervalMs: opts.intervalMs ?? 250 };
    const worker = startWorker(new URL('./checkpoint-worker.js', import.meta.url), { workerData });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (m: CheckpointReply) => {
        if (m.type === 'ready') {
          // Only now: until the worker runs, the writer goes on checkpointing itself.
          if (!this.stopped) db.pragma('wal_autocheckpoint = 0');
          resolve();
        } else if (m.type === 'checkpoint') {
          opts.onRound?.({ log: m.log, checkpointed: m.checkpointed });
        } else if (m.type === 'error' && !this.stopped) {
          opts.onError?.(m.message);
        }
      });
      worker.once('error', (err) => {
        // After stop() the store may be gone already (a short-lived service): nothing to say.
        const stopping = this.stopped;
        this.fallBack();
        if (!stopping) opts.onError?.(err.message);
        reject(err);
      });
      worker.once('exit', () => {
        this.fallBack();
        resolve();
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Asks for a round now (tests, and before a backup reads the files). */
  now(): void {
    if (!this.stopped) this.worker?.postMessage('now' satisfies CheckpointCommand);
  }

  /** The writer checkpoints itself again; the worker closes its connection and ends. */
  stop(): void {
    if (this.stopped) return;
    this.fallBack();
    this.worker?.postMessage('close' satisfies CheckpointCommand);
  }

  private fallBack(): void {
    this.stopped = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
