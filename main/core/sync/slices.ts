// Writes of a sync in short transactions. A thousand headers or bodies take 100–250 ms to
// store, and while SQLite's transaction runs the process answers nothing: the reader,
// the list and search would wait behind it. Slicing a batch into transactions of about
// `budgetMs` each, with the event loop let go between them, keeps every API call answered
// within a slice or two while the sync goes on at nearly the same rate.
import type { Store, Transaction } from '../store/index.js';
import { countStage } from '../platform/stages.js';

export interface SliceOptions {
  /** Wall time one transaction aims at. */
  budgetMs?: number;
  /** Items in the first slice, before any has been timed. */
  first?: number;
  min?: number;
  max?: number;
  /** The clock slices are timed with (tests give one of their own). */
  now?: () => number;
}

/** Lets the event loop take what is waiting (I/O, timers) before going on. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * For loops over a server's responses. imapflow hands over every response already buffered
 * without returning to the event loop, so a thousand headers that piled up during a write
 * would be taken in one long task; awaiting `pace()` once per message lets the loop go every
 * `budgetMs`, and the socket waits meanwhile.
 */
export function pacer(budgetMs = 8): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return yieldToLoop().then(() => {
      since = performance.now();
    });
  };
}

/**
 * Writes lists of items in transactions sized from the time the previous ones took. One
 * writer per kind of write (headers, bodies), kept for the whole sync, so its size carries
 * over from one batch to the next.
 */
export class SliceWriter {
  private readonly budgetMs: number;
  private readonly min: number;
  private readonly max: number;
  private readonly now: () => number;
  private size: number;

  constructor(
    private readonly store: Store,
    opts: SliceOptions = {},
  ) {
    this.budgetMs = opts.budgetMs ?? 12;
    this.now = opts.now ?? (() => performance.now());
    this.min = opts.min ?? 8;
    this.max = opts.max ?? 1000;
    this.size = Math.min(this.max, Math.max(this.min, opts.first ?? 64));
  }

  /** The size the next slice will have. */
  get sliceSize(): number {
    return this.size;
  }

  /**
   * Runs `write` once per slice of `items`, each call in a transaction of its own, in order;
   * `last` is true for the final slice. With no items it runs once with an empty slice, so
   * whatever the last slice records (a cursor, a modseq) is still recorded. A slice either
   * commits whole or not at all; a throw stops at the slice that threw.
   */
  async write<T>(
    items: readonly T[],
    write: (tx: Transaction, slice: readonly T[], last: boolean) => Promise<void>,
  ): Promise<void> {
    if (items.length === 0) {
      await this.store.transaction((tx) => write(tx, [], true));
      return;
    }
    for (let i = 0; i < items.length;) {
      const slice = items.slice(i, i + this.size);
      i += slice.length;
      const last = i >= items.length;
      const started = this.now();
      await this.store.transaction((tx) => write(tx, slice, last));
      const took = this.now() - started;
      countStage('write', took);
      this.resize(slice.length, took);
      if (!last) await yieldToLoop();
    }
  }

  private resize(count: number, ms: number): void {
    const perItem = Math.max(ms, 0.01) / count;
    // Grow gently (a slow slice may have been a checkpoint), shrink at once.
    const target = Math.floor(this.budgetMs / perItem);
    const next = target > this.size ? Math.min(target, this.size * 2) : target;
    this.size = Math.min(this.max, Math.max(this.min, next));
  }
}
