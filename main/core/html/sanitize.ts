// Message HTML for API clients, sanitized on the server by the reader's own rules, so that a
// client which shows it as it comes is safe. The work runs on one worker thread
// (sanitize-worker.ts), started on first use: jsdom costs about half a second and 100 MB to
// load, which a desktop app (its reader sanitizes for itself) never pays. A call that runs
// past its time ends the worker; the next call starts another.
import type { Worker } from 'node:worker_threads';
import { MaildockError } from '../../../common/errors.js';
import type { SanitizedMail, SanitizeOptions } from '../../../common/mail-html/policy.js';
import { startWorker } from '../threads/start.js';
import type { SanitizeReply, SanitizeRequest } from './sanitize-worker.js';

/** Loading jsdom on a busy machine: stuck, not slow, past this. */
const STARTUP_TIMEOUT_MS = 30_000;
/** Per message, once the worker is at it: a 1 MB HTML part takes well under a second. */
export const SANITIZE_TIMEOUT_MS = 10_000;

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

const queue: Job[] = [];
let slot: Slot | null = null;
let nextId = 1;

export function sanitizeMailHtml(html: string, opts: SanitizeOptions): Promise<SanitizedMail> {
  return new Promise((resolve, reject) => {
    queue.push({ request: { id: nextId++, html, opts }, resolve, reject });
    pump();
  });
}

function pump(): void {
  if (!queue.length) return;
  if (!slot) {
    slot = spawn();
    return;
  }
  if (!slot.ready || slot.current) return;
  const job = queue.shift()!;
  slot.current = job;
  slot.worker.ref();
  slot.worker.postMessage(job.request);
  arm(slot, SANITIZE_TIMEOUT_MS, 'Sanitizing the HTML');
}

function spawn(): Slot {
  const worker = startWorker(new URL('./sanitize-worker.js', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const started: Slot = { worker, ready: false, current: null, timer: null };
  arm(started, STARTUP_TIMEOUT_MS, 'Starting the HTML sanitizer');
  worker.on('message', (msg: SanitizeReply) => onMessage(started, msg));
  worker.on('error', (err) => retire(started, `The HTML sanitizer failed: ${err.message}`));
  worker.on('exit', (code) => retire(started, `The HTML sanitizer stopped (exit code ${code}).`));
  return started;
}

function arm(s: Slot, ms: number, what: string): void {
  if (s.timer) clearTimeout(s.timer);
  s.timer = setTimeout(() => {
    retire(s, `${what} took over ${ms} ms.`, 'TIMEOUT', { timeoutMs: ms });
    void s.worker.terminate();
  }, ms);
}

function onMessage(s: Slot, msg: SanitizeReply): void {
  if (s.timer) clearTimeout(s.timer);
  s.timer = null;
  if ('ready' in msg) s.ready = true;
  else if (s.current?.request.id === msg.id) {
    const job = s.current;
    s.current = null;
    if ('result' in msg) job.resolve(msg.result);
    else job.reject(new MaildockError('INTERNAL', `The HTML could not be sanitized: ${msg.error}`));
  }
  // An idle worker must not keep the process alive.
  if (!s.current) s.worker.unref();
  pump();
}

/** Takes the worker out of service and fails its job, or every job when it never started. */
function retire(
  s: Slot,
  message: string,
  code: 'TIMEOUT' | 'INTERNAL' = 'INTERNAL',
  fields: Record<string, number> = {},
): void {
  if (slot !== s) return;
  slot = null;
  if (s.timer) clearTimeout(s.timer);
  s.timer = null;
  const failed = s.ready ? (s.current ? [s.current] : []) : queue.splice(0);
  s.current = null;
  for (const job of failed) job.reject(new MaildockError(code, message, fields));
  pump();
}
