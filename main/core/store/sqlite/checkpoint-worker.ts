// worker_threads entry of the Checkpointer (checkpoint.ts): its own connection to the store,
// PASSIVE checkpoints on a timer and when asked, until told to close.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

/** What the thread is told: run a round now, or close its connection and end. */
export type CheckpointCommand = 'now' | 'close';

export interface CheckpointRound {
  /** Frames in the WAL, and how many of them are now in the database (-1 when busy). */
  log: number;
  checkpointed: number;
}

export type CheckpointReply =
  | { type: 'ready' }
  | ({ type: 'checkpoint' } & CheckpointRound)
  | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('main/core/store/sqlite/checkpoint-worker runs only as a worker thread');
const { file, intervalMs } = workerData as CheckpointWorkerData;
const reply = (message: CheckpointReply) => port.postMessage(message);

const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let closed = false;

function round(): void {
  if (closed) return;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRound[];
    if (result) reply({ type: 'checkpoint', log: result.log, checkpointed: result.checkpointed });
  } catch (err) {
    reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

const timer = setInterval(round, intervalMs);
port.on('message', (command: CheckpointCommand) => {
  if (command === 'now') round();
  if (command === 'close') {
    closed = true;
    clearInterval(timer);
    db.close();
    port.close();
  }
});
reply({ type: 'ready' });
