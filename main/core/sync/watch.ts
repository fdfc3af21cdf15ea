// Push: one connection sits in IDLE on the Inbox and wakes a second one that does the
// syncing (imapflow runs one command at a time per connection). Other folders are checked
// on a timer. Either connection is replaced with backoff when it drops or goes silent; while
// the server cannot be reached the account is reported offline, with the next attempt's time.
import type { ImapFlow } from 'imapflow';
import { toErrorData, type ErrorData } from '../../../common/errors.js';
import type { SyncError } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { isRetryable, sleep, type AccountSync } from './account-sync.js';

const log = getLogger('watch');

const signInRequired = (err: unknown) =>
  err !== null && toErrorData(err).code === 'SIGNIN_REQUIRED';

export interface WatchOptions {
  /** How often every folder is checked, in ms. */
  pollMs?: number;
  /** How often the store is checked for changes made by another process (the CLI), in ms. */
  changesPollMs?: number;
  idlePath?: string;
  /** The longest wait between attempts to reach a server that is down, in ms. */
  maxBackoffMs?: number;
  onError?(error: ErrorData): void;
  /** The server could not be reached; the next attempt is at `retryAt`. */
  onOffline?(error: ErrorData, retryAt: Date): void;
  /** A pass (headers, then bodies) ended; with the folders' errors it met. */
  onSynced?(errors: readonly SyncError[]): void;
}

export class AccountWatcher {
  private stopped = false;
  private worker: ImapFlow | null = null;
  private idler: ImapFlow | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pending: 'none' | 'inbox' | 'all' = 'none';
  private timer: NodeJS.Timeout | null = null;
  private changesTimer: NodeJS.Timeout | null = null;
  private readonly pollMs: number;
  private readonly idlePath: string;
  private readonly maxBackoffMs: number;
  private idleLoop: Promise<void> | null = null;

  constructor(
    private readonly sync: AccountSync,
    private readonly opts: WatchOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 5 * 60_000;
    this.idlePath = opts.idlePath ?? 'INBOX';
    // Capped so that a server back from an outage is found again within about half a minute.
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  }

  start(): void {
    this.schedule('all');
    this.timer = setInterval(() => this.schedule('all'), this.pollMs);
    this.changesTimer = setInterval(() => {
      if (this.pending !== 'none') return;
      // A store gone meanwhile (the service is stopping) has nothing left to replay.
      this.sync.hasPendingChanges().then(
        (pending) => {
          if (pending && this.pending === 'none' && !this.stopped) this.changed();
        },
        () => undefined,
      );
    }, this.opts.changesPollMs ?? 2000);
    this.idleLoop = this.runIdle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sync.stop();
    if (this.timer) clearInterval(this.timer);
    if (this.changesTimer) clearInterval(this.changesTimer);
    this.idler?.close();
    // A sync in progress ends with its connection; nothing it committed is lost.
    this.worker?.close();
    await this.queue.catch(() => undefined);
    await this.idleLoop?.catch(() => undefined);
    this.worker = null;
  }

  /** A local change is waiting: replay it now (every sync replays first). */
  changed(): void {
    this.schedule('inbox');
  }

  /** Coalesces wake-ups: at most one sync runs and one waits. */
  schedule(what: 'inbox' | 'all'): void {
    if (this.stopped) return;
    const queued = this.pending !== 'none';
    if (what === 'all' || this.pending === 'none') this.pending = what;
    if (queued) return;
    this.queue = this.queue.then(async () => {
      const job = this.pending;
      this.pending = 'none';
      if (job !== 'none') await this.runSync(job);
    });
  }

  private async runSync(job: 'inbox' | 'all', attempt = 0): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.worker?.usable) this.worker = await this.sync.connect();
      const errors = await this.sync.syncHeaders(
        this.worker,
        job === 'inbox' ? [this.idlePath] : undefined,
      );
      for (const e of errors) this.opts.onError?.(e);
      await this.sync.syncBodies(this.worker);
      this.opts.onSynced?.(errors);
    } catch (err) {
      this.worker?.close();
      this.worker = null;
      if (this.stopped) return;
      if (signInRequired(err)) return this.halt(err);
      if (!isRetryable(err)) {
        this.opts.onError?.(toErrorData(err));
        return;
      }
      await this.waitOffline(err, attempt);
      return this.runSync(job, attempt + 1);
    }
  }

  /**
   * The account's OAuth2 grant ended: said once, and nothing is tried again (no server, no
   * provider) until the user signs in again, which starts a new watcher.
   */
  private halt(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.changesTimer) clearInterval(this.changesTimer);
    this.opts.onError?.(toErrorData(err));
    log.info({ accountId: this.sync.accountId }, 'sign-in ended: sync waits for a new one');
  }

  private async waitOffline(err: unknown, attempt: number): Promise<void> {
    const wait = this.backoff(attempt);
    this.opts.onOffline?.(toErrorData(err), new Date(Date.now() + wait));
    await sleep(wait);
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.maxBackoffMs, 1000 * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  private async runIdle(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      let failure: unknown = null;
      try {
        const client = await this.sync.connect();
        this.idler = client;
        const wake = () => this.schedule('inbox');
        client.on('exists', wake);
        client.on('expunge', wake);
        client.on('flags', wake);
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        await client.mailboxOpen(this.idlePath, { readOnly: true });
        attempt = 0;
        // A change that landed while (re)connecting is picked up now.
        this.schedule('inbox');
        while (!this.stopped && client.usable) {
          // idle() returns after maxIdleTime; issuing it again doubles as a liveness check.
          await Promise.race([client.idle(), closed]);
        }
      } catch (err) {
        failure = err;
        if (!this.stopped) log.info({ code: toErrorData(err).code }, 'idle connection failed');
      } finally {
        this.idler?.close();
        this.idler = null;
      }
      if (this.stopped) break;
      if (signInRequired(failure)) {
        this.halt(failure);
        break;
      }
      // The IDLE connection is the first to notice an outage: it says so at once, without
      // waiting for the next timed sync.
      if (failure !== null && isRetryable(failure)) await this.waitOffline(failure, attempt++);
      else await sleep(this.backoff(attempt++));
    }
  }
}
