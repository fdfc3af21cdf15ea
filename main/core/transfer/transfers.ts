// The imports and exports under way in one service: each has an id (carried by its progress
// events, so a client can name it to transfer.cancel), an abort signal, and progress that is
// pushed at most a few times a second.
import type { TransferProgress } from '../../../common/types.js';

/** Progress is pushed at most this often (and always at the start and the end). */
const PROGRESS_MS = 200;

export interface Transfer {
  id: number;
  signal: AbortSignal;
  progress(done: number, total: number | null): void;
  /** The last progress, pushed now whatever the time. */
  flush(): void;
}

export class Transfers {
  private next = 1;
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly emit: (p: TransferProgress) => void) {}

  async run<T>(kind: TransferProgress['kind'], fn: (t: Transfer) => Promise<T>): Promise<T> {
    const id = this.next++;
    const abort = new AbortController();
    this.running.set(id, abort);
    const started = Date.now();
    let last = 0;
    let latest: TransferProgress | null = null;
    const push = (p: TransferProgress) => {
      last = Date.now();
      this.emit(p);
    };
    const transfer: Transfer = {
      id,
      signal: abort.signal,
      progress: (done, total) => {
        const seconds = (Date.now() - started) / 1000;
        latest = { transferId: id, kind, done, total, rate: seconds > 0 ? done / seconds : 0 };
        if (done === 0 || done === total || Date.now() - last >= PROGRESS_MS) push(latest);
      },
      flush: () => {
        if (latest) push(latest);
      },
    };
    try {
      return await fn(transfer);
    } finally {
      this.running.delete(id);
    }
  }

  /** Stops a transfer under way; false when there is none of that id (it ended already). */
  cancel(id: number): boolean {
    const abort = this.running.get(id);
    if (!abort) return false;
    abort.abort();
    return true;
  }
}
