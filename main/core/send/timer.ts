// Keeps the outbox moving in a long-running process: sleeps until the next message is due
// (or a minute, to pick up retries and Sent copies), runs one pass at a time, and wakes at
// once when a message is queued.
import { getLogger } from '../platform/log.js';

const log = getLogger('send');

export class OutboxTimer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly nextDue: () => Promise<number | null>,
    private readonly pass: () => Promise<void>,
    private readonly maxSleepMs = 60_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was queued or made due: look again now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.delay().then((ms) => {
      if (!this.stopped && !this.running) this.schedule(ms);
    });
  }

  private async delay(): Promise<number> {
    let next: number | null;
    try {
      next = await this.nextDue();
    } catch (err) {
      // The store is closing or failed: look again after the longest sleep.
      log.warn({ err }, 'could not read when the outbox is next due');
      return this.maxSleepMs;
    }
    if (next === null) return this.maxSleepMs;
    return Math.max(0, Math.min(this.maxSleepMs, next - Date.now()));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped) return;
    this.again = false;
    this.running = this.pass()
      .catch((err: unknown) => log.warn({ err }, 'outbox pass failed'))
      .then(async () => {
        // At least a second between passes: a row another process is sending stays "due".
        const ms = this.again ? 0 : Math.max(1000, await this.delay());
        this.running = null;
        if (!this.stopped) this.schedule(ms);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
