// Brings the search index up to date with stored bodies (migration 0007 queues them), in the
// background after the store opens: account by account, newest first, in transactions of a
// few tens of milliseconds with the event loop free in between, so the app answers while a
// large store is done. Progress goes out as the sync phase 'index' and in the log.
import type { SyncProgress } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { bodyText } from '../mime/body-text.js';
import { DEFAULT_MIME_LIMITS } from '../mime/limits.js';
import type { Store } from '../store/index.js';

const log = getLogger('search-index');
const SLICE_MS = 40;
const IDS_PER_SLICE = 200;
const REPORT_EVERY_MS = 250;

export interface SearchReindexOptions {
  onProgress?(p: SyncProgress): void;
  /** An account's messages are all done. */
  onAccountDone?(accountId: number): void;
  sliceMs?: number;
  reportEveryMs?: number;
}

export class SearchReindex {
  private stopped = false;
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: SearchReindexOptions = {},
  ) {}

  /** Starts the work unless it runs; resolves with how many messages were done. */
  start(): Promise<number> {
    this.stopped = false;
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Ends the work after the transaction in progress; what is left waits for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<number> {
    // Whoever opened the store listens for progress first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const bodies = this.store.bodies;
    let pending: { accountId: number; count: number }[];
    try {
      pending = await bodies.reindexPending();
    } catch (err) {
      log.warn({ err }, 'could not read what the search index still needs');
      return 0;
    }
    if (!pending.length) return 0;
    const total = pending.reduce((n, p) => n + p.count, 0);
    const started = Date.now();
    log.info({ messages: total }, 'indexing the text of HTML mail for search');
    const derive = (text: string | null, html: string | null) =>
      bodyText(text, html, DEFAULT_MIME_LIMITS.maxTextChars);
    const sliceMs = this.opts.sliceMs ?? SLICE_MS;
    let done = 0;
    try {
      for (const { accountId, count: queued } of pending) {
        let count = queued;
        let here = 0;
        let reported = 0;
        const report = (force: boolean) => {
          if (!force && Date.now() - reported < (this.opts.reportEveryMs ?? REPORT_EVERY_MS))
            return;
          reported = Date.now();
          this.opts.onProgress?.({ accountId, phase: 'index', done: here, total: count });
        };
        report(true);
        while (!this.stopped) {
          const ids = await bodies.reindexNext(accountId, IDS_PER_SLICE);
          if (!ids.length) break;
          const deadline = performance.now() + sliceMs;
          here += await this.store.transaction(async (tx) => {
            let n = 0;
            for (const id of ids) {
              if (await tx.bodies.reindex(id, derive)) n++;
              if (performance.now() >= deadline) break;
            }
            return n;
          });
          here = Math.min(here, count);
          report(false);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        done += here;
        if (this.stopped) break;
        // Messages deleted meanwhile left the queue without being done.
        count = here;
        report(true);
        this.opts.onAccountDone?.(accountId);
      }
    } catch (err) {
      log.warn({ err, done }, 'indexing for search stopped; it goes on when the app starts again');
      return done;
    }
    const ms = Date.now() - started;
    if (this.stopped) log.info({ done, total, ms }, 'indexing for search paused');
    else log.info({ done, ms }, 'search index up to date');
    return done;
  }
}
