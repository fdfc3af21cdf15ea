// MIME parsing on worker threads, FIFO queue. Each worker holds a few jobs at once and parses
// them in order, so it never waits for a busy main thread to hand it the next one. A job that
// runs past its time or kills its worker resolves as a ParsedBody with parseError (bad mail is
// data, not an exception); the jobs queued behind it go back to the front of the queue, and the
// worker is replaced the next time a job needs one.
import type { Worker } from 'node:worker_threads';
import { MaildockError } from '../../../common/errors.js';
import { failedBody, resolveLimits } from './limits.js';
import { MAX_PARSERS, freeParsers } from './pool-size.js';
import type { MimeLimits, ParseOptions, ParsedBody } from './limits.js';
import { countStage, setParseWorkers } from '../platform/stages.js';
import { startWorker } from '../threads/start.js';
import type { MimeReply, MimeRequest } from './parse-worker.js';

export interface MimePoolOptions {
  size?: number;
  limits?: Partial<MimeLimits>;
  maxOldGenerationSizeMb?: number;
}

export interface PoolParseOptions extends ParseOptions {
  /**
   * Move the source's memory to the worker instead of copying it, when the Buffer is the whole
   * of its ArrayBuffer (not a slice or a pooled small Buffer); `source` is empty afterwards.
   */
  transfer?: boolean;
}

// A worker that has not loaded its modules by then is stuck, not slow.
const STARTUP_TIMEOUT_MS = 30_000;
// A 50 MiB message needs well under 200 MB of heap. Keep limits generous: measured on Node 20,
// a worker capped at 24–32 MB that hits its cap can abort the whole process (V8 fatal OOM)
// instead of failing with ERR_WORKER_OUT_OF_MEMORY.
const DEFAULT_MAX_OLD_GENERATION_MB = 512;
// Jobs handed to one worker ahead of time.
const DEPTH = 8;

interface Job {
  id: number;
  source: Buffer;
  transfer: boolean;
  options: ParseOptions;
  resolve(body: ParsedBody): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** In flight, in the order the worker parses them: the first is the one running. */
  jobs: Job[];
  timer: NodeJS.Timeout | null;
  error: Error | null;
}

export class MimePool {
  readonly #limits: MimeLimits;
  readonly #maxOldGenerationSizeMb: number;
  readonly #slots: (Slot | null)[];
  readonly #queue: Job[] = [];
  readonly #allowed: () => number;
  #nextId = 1;
  #closed = false;

  constructor(opts: MimePoolOptions = {}) {
    // A size given is kept; else the pool grows, as work comes, to the cores free then.
    const size = Math.floor(opts.size ?? MAX_PARSERS);
    this.#slots = new Array<Slot | null>(size >= 1 ? size : 1).fill(null);
    this.#allowed = opts.size ? () => this.#slots.length : freeParsers;
    this.#limits = resolveLimits(opts.limits);
    this.#maxOldGenerationSizeMb = opts.maxOldGenerationSizeMb ?? DEFAULT_MAX_OLD_GENERATION_MB;
  }

  parse(source: Buffer, opts: PoolParseOptions = {}): Promise<ParsedBody> {
    if (this.#closed)
      return Promise.reject(new MaildockError('CANCELLED', 'The MIME parser pool is closed.'));
    // One byte over the limit is enough for the worker to know it cut the message.
    const capped =
      source.length > this.#limits.maxBytes
        ? source.subarray(0, this.#limits.maxBytes + 1)
        : source;
    return new Promise((resolve, reject) => {
      this.#queue.push({
        id: this.#nextId++,
        source: capped,
        transfer: opts.transfer === true,
        options: opts.envelope ? { envelope: true } : {},
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const cancelled = () =>
      new MaildockError(
        'CANCELLED',
        'The MIME parser pool was closed before the message was parsed.',
      );
    for (const job of this.#queue.splice(0)) job.reject(cancelled());
    const exits: Promise<number>[] = [];
    this.#slots.forEach((slot, i) => {
      if (!slot) return;
      this.#slots[i] = null;
      if (slot.timer) clearTimeout(slot.timer);
      for (const job of slot.jobs.splice(0)) job.reject(cancelled());
      exits.push(slot.worker.terminate());
    });
    await Promise.all(exits);
  }

  #pump(): void {
    if (this.#closed) return;
    let starting = this.#slots.filter((s) => s && !s.ready).length;
    let live = this.#slots.filter(Boolean).length;
    // Asked only when one more worker would help: the load average is read at most then.
    let allowed: number | null = null;
    for (let i = 0; i < this.#slots.length && this.#queue.length > 0; i++) {
      const slot = this.#slots[i];
      if (slot?.ready) {
        while (slot.jobs.length < DEPTH && this.#queue.length > 0)
          this.#dispatch(slot, this.#queue.shift()!);
      } else if (!slot && starting < this.#queue.length && live < (allowed ??= this.#allowed())) {
        this.#spawn(i);
        starting++;
        live++;
        setParseWorkers(live);
      }
    }
  }

  #spawn(index: number): void {
    const worker = startWorker(new URL('./parse-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.#maxOldGenerationSizeMb },
    });
    const slot: Slot = { worker, ready: false, jobs: [], timer: null, error: null };
    this.#slots[index] = slot;
    slot.timer = setTimeout(() => void worker.terminate(), STARTUP_TIMEOUT_MS);
    worker.on('message', (msg: MimeReply) => this.#onMessage(slot, msg));
    worker.on('error', (err) => (slot.error = err));
    worker.on('exit', (code) => this.#onExit(index, slot, code));
  }

  #dispatch(slot: Slot, job: Job): void {
    try {
      // Cloning a view copies its whole backing store (8 KiB for a pooled Buffer, all of a huge
      // message we took a subarray of), so copy just the view's bytes and move that copy. An
      // empty buffer is never moved: Node 20 silently drops a message whose transfer list
      // holds an already-detached one.
      const { buffer, byteOffset, byteLength } = job.source;
      const whole = buffer instanceof ArrayBuffer && byteLength > 0 && byteOffset === 0;
      const owned = job.transfer && whole && byteLength === buffer.byteLength;
      const source = owned ? job.source : new Uint8Array(job.source);
      // The pool's timer ends the job and the worker; the worker's own is only a backstop.
      const limits = { ...this.#limits, timeoutMs: this.#limits.timeoutMs * 2 };
      const req: MimeRequest = { id: job.id, source, limits, options: job.options };
      slot.worker.postMessage(req, [source.buffer as ArrayBuffer]);
    } catch (err) {
      // A caller's bug (a source already transferred away), not bad mail; the worker is fine.
      const why = err instanceof Error ? err.message : String(err);
      job.reject(
        new MaildockError('INTERNAL', `The MIME parser could not take the message: ${why}`),
      );
      queueMicrotask(() => this.#pump());
      return;
    }
    slot.jobs.push(job);
    slot.worker.ref();
    if (slot.jobs.length === 1) this.#arm(slot);
  }

  /** The clock of the job at the head of the slot, the one the worker is parsing. */
  #arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(
      () => this.#retire(slot, `MIME parsing timed out after ${this.#limits.timeoutMs} ms`),
      this.#limits.timeoutMs,
    );
  }

  #onMessage(slot: Slot, msg: MimeReply): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if ('ready' in msg) slot.ready = true;
    else if (slot.jobs[0]?.id === msg.id) {
      countStage('parse', msg.ms);
      slot.jobs.shift()!.resolve(msg.result);
      if (slot.jobs.length) this.#arm(slot);
    }
    // Idle workers must not keep the process alive.
    if (!slot.jobs.length) slot.worker.unref();
    this.#pump();
  }

  /** Takes the slot out of service at once and settles its job; the exit comes later. */
  #retire(slot: Slot, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots[index] = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const [head, ...behind] = slot.jobs.splice(0);
    head?.resolve(failedBody(reason));
    // Not theirs to pay for: parsed again by the next worker.
    this.#queue.unshift(...behind);
    void slot.worker.terminate();
    this.#pump();
  }

  #onExit(index: number, slot: Slot, code: number): void {
    if (this.#slots[index] !== slot) return;
    const why = slot.error ? `${slot.error.message}${codeOf(slot.error)}` : `exit code ${code}`;
    if (!slot.ready && !slot.jobs.length && this.#queue.length > 0) {
      // Not the mail's fault: fail one job per attempt so a broken install cannot loop forever.
      this.#queue
        .shift()!
        .reject(new MaildockError('INTERNAL', `The MIME parser worker did not start: ${why}`));
    }
    this.#retire(slot, `MIME parser worker stopped: ${why}`);
  }
}

function codeOf(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
