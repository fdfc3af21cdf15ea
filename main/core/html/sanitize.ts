// Message HTML for API clients, sanitized on the server by the reader's own rules, so that a
// client which shows it as it comes is safe. The work runs on one worker thread
// (sanitize-worker.ts), started on first use: jsdom costs about half a second and 100 MB to
// load, which a desktop app (its reader sanitizes for itself) never pays. A call that runs
// past its time ends the worker; the next call starts another.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { MaildockError } from '../../../common/errors.js';
import type { SanitizedMail, SanitizeOptions } from '../../../common/mail-html/policy.js';
import { startWorker } from '../threads/start.js';
import type { SanitizeReply, SanitizeRequest } from './sanitize-worker.js';

/** Loading jsdom on a busy machine: stuck, not slow, past this. */
const STARTUP_TIMEOUT_MS = 30_000;

interface Job {
  request: SanitizeRequest;
  resolve(result: SanitizedMail): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The job the worker is at. */
  current: Job | null;
  timer: NodeJS.Timeout | null;
}

export class HtmlSanitizer {
  /** Per message, once the worker is at it: a 1 MB HTML part takes well under a second. */
  timeoutMs = 10_000;
  #queue: Job[] = [];
  #slot: Slot | null = null;
  #nextId = 1;
  #closed = false;
  #inlineStylesSkipped: boolean | null = null;

  /** Whether the worker's jsdom skips parsing style attributes (sanitize-worker.ts); null before it started. */
  get inlineStylesSkipped(): boolean | null {
    return this.#inlineStylesSkipped;
  }

  sanitize(html: string, opts: SanitizeOptions): Promise<SanitizedMail> {
    if (this.#closed)
      return Promise.reject(new MaildockError('CANCELLED', 'The HTML sanitizer is closed.'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, html, opts }, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slot = this.#slot;
    const closed = () => new MaildockError('CANCELLED', 'The HTML sanitizer was closed.');
    for (const job of this.#queue.splice(0)) job.reject(closed());
    if (!slot) return;
    this.#retire(slot, closed);
    await slot.worker.terminate();
  }

  #pump(): void {
    if (this.#closed || !this.#queue.length) return;
    const slot = (this.#slot ??= this.#spawn());
    if (!slot.ready || slot.current) return;
    const job = this.#queue.shift()!;
    slot.current = job;
    slot.worker.ref();
    slot.worker.postMessage(job.request);
    this.#arm(slot, this.timeoutMs, 'Sanitizing the HTML');
  }

  #spawn(): Slot {
    const worker = startWorker(new URL('./sanitize-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const slot: Slot = { worker, ready: false, current: null, timer: null };
    this.#arm(slot, STARTUP_TIMEOUT_MS, 'Starting the HTML sanitizer');
    worker.on('message', (msg: SanitizeReply) => this.#onMessage(slot, msg));
    worker.on('error', (err) =>
      this.#retire(
        slot,
        () => new MaildockError('INTERNAL', `The HTML sanitizer failed: ${err.message}`),
      ),
    );
    worker.on('exit', (code) =>
      this.#retire(
        slot,
        () => new MaildockError('INTERNAL', `The HTML sanitizer stopped (exit code ${code}).`),
      ),
    );
    return slot;
  }

  #arm(slot: Slot, ms: number, what: string): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      this.#retire(slot, () => new MaildockError('TIMEOUT', `${what} took over ${ms} ms.`));
      void slot.worker.terminate();
    }, ms);
  }

  #onMessage(slot: Slot, msg: SanitizeReply): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if ('ready' in msg) {
      slot.ready = true;
      this.#inlineStylesSkipped = msg.inlineStylesSkipped;
    } else if (slot.current?.request.id === msg.id) {
      const job = slot.current;
      slot.current = null;
      if ('result' in msg) job.resolve(msg.result);
      else
        job.reject(new MaildockError('INTERNAL', `The HTML could not be sanitized: ${msg.error}`));
    }
    // An idle worker must not keep the process alive.
    if (!slot.current) slot.worker.unref();
    this.#pump();
  }

  /** Takes the worker out of service and fails its job, or every job when it never started. */
  #retire(slot: Slot, error: () => MaildockError): void {
    if (this.#slot !== slot) return;
    this.#slot = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const failed = slot.ready ? (slot.current ? [slot.current] : []) : this.#queue.splice(0);
    slot.current = null;
    for (const job of failed) job.reject(error());
    this.#pump();
  }
}

/**
 * Results by content, newest last: a message opened again (back from another, in a
 * conversation, on another device) costs a hash instead of a pass through jsdom. Bounded by
 * the characters of HTML it holds.
 */
export class SanitizedCache {
  readonly #entries = new Map<string, SanitizedMail>();
  #chars = 0;

  constructor(readonly maxChars: number) {}

  static key(html: string, opts: SanitizeOptions): string {
    const digest = createHash('sha256').update(html).digest('base64url');
    return `${opts.allowRemote ? 'remote' : 'blocked'}:${digest}`;
  }

  get(key: string): SanitizedMail | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: SanitizedMail): void {
    if (value.html.length > this.maxChars / 4 || this.#entries.has(key)) return;
    this.#entries.set(key, value);
    this.#chars += value.html.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#chars <= this.maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= old.html.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

const shared = new HtmlSanitizer();
const cache = new SanitizedCache(8 * 1024 * 1024);

/** Through the worker every part of the process shares, and its cache. */
export async function sanitizeMailHtml(
  html: string,
  opts: SanitizeOptions,
): Promise<SanitizedMail> {
  const key = SanitizedCache.key(html, opts);
  const hit = cache.get(key);
  if (hit) return { ...hit, cids: [...hit.cids] };
  const result = await shared.sanitize(html, opts);
  cache.set(key, result);
  return { ...result, cids: [...result.cids] };
}
