// Structured logs: one pino root, one child per module ({"module": "sync"}), secrets and
// message text removed before a line is written.
//
// Everything runs in-process (no pino.transport worker): a worker thread has to resolve its
// target module at run time, which breaks in a bundled or asar-packed Electron app, and
// flushing it at exit is asynchronous. Log volume is small; pino-roll's SonicBoom writes
// asynchronously, and an 'exit' hook writes what is still buffered.
//
// The root logger exists from the first import and writes through a switchable sink, so a
// logger taken at module load keeps working before initLogging (warn and above, as JSON to
// stderr), after it (the configured level and outputs) and after closeLogging (stderr again).
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { MaildockError } from '../../../common/errors.js';

/**
 * pino-roll writes <dir>/maildock.N.log: N starts at 1 and goes up by one per rotation; a
 * restart appends to the highest N found. logFilePath() names the current one.
 */
export const LOG_FILE_BASE = 'maildock.log';
const ROTATE_SIZE = '10m';
const ROTATE_KEEP = 5; // files kept in all, the current one included

const CENSOR = '[redacted]';
const SECRET_KEYS = [
  'password',
  'pass',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  // A backup's passphrase opens its sealed passwords or the whole archive.
  'passphrase',
  'body',
  'text',
  'html',
  'source',
  'raw',
  'content',
];
const SECRET_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const MAX_DEPTH = 8;
const RESPONSE_MAX = 300;

// pino's redact paths match exact depths only (no "any depth"), are case-sensitive and skip
// arrays unless written with [*]; they are the second line. The first is scrub() below.
const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'auth.pass',
  'auth.accessToken',
];

interface Sink {
  write(line: string): void;
}

/** The subset of SonicBoom (what pino-roll returns) used here. */
interface RollingFile extends Sink {
  file: string;
  fd: number;
  flushSync(): void;
  end(): void;
  once(event: string, fn: (arg?: unknown) => void): unknown;
  on(event: string, fn: (arg?: unknown) => void): unknown;
}
type PinoRoll = (opts: Record<string, unknown>) => Promise<RollingFile>;
const pinoRoll = createRequire(import.meta.url)('pino-roll') as PinoRoll; // untyped CommonJS

const stderrJson: Sink = { write: (line) => void process.stderr.write(line) };
let sinks: Sink[] = [stderrJson];
let file: RollingFile | null = null;

const root: Logger = pino(
  {
    level: 'warn',
    base: { pid: process.pid }, // no hostname: log files get attached to bug reports
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: {
      err: (value: unknown) => (value instanceof Error ? serializeError(value) : value),
    },
    formatters: {
      log: (obj) => scrub(obj, 0, []) as Record<string, unknown>,
      bindings: (bindings) => scrub(bindings, 0, []) as Record<string, unknown>,
    },
  },
  {
    write(line: string) {
      for (const sink of sinks) sink.write(line);
    },
  },
);
const loggers = new Map<string, Logger>();

export interface LoggingOptions {
  /** Folder for the rotating log file (the data dir's logs/); absent: no file. */
  dir?: string;
  /** pino level name; default 'info'. */
  level?: string;
  /** Human-readable lines on stderr. Without it, stderr gets JSON only when there is no file. */
  pretty?: boolean;
}

export async function initLogging(opts: LoggingOptions = {}): Promise<void> {
  const level = opts.level ?? 'info';
  if (level !== 'silent' && !(level in root.levels.values)) {
    throw new MaildockError('INVALID_INPUT', `Unknown log level "${level}".`, { level });
  }
  await closeLogging();
  const next: Sink[] = [];
  if (opts.dir) {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    file = await openRollingFile(opts.dir);
    next.push(file);
  }
  if (opts.pretty) {
    // Loaded only for a terminal that asked for it.
    const { default: pinoPretty } = await import('pino-pretty');
    const prettify = pinoPretty.prettyFactory({
      colorize: Boolean(process.stderr.isTTY),
      ignore: 'pid',
    });
    next.push({ write: (line) => void process.stderr.write(prettify(line)) });
  } else if (!opts.dir) {
    next.push(stderrJson);
  }
  sinks = next;
  root.level = level; // children without a level of their own follow the root's
}

/** A logger whose lines carry {"module": module}; the same object for the same name. */
export function getLogger(module: string): Logger {
  let logger = loggers.get(module);
  if (!logger) {
    logger = root.child({ module });
    loggers.set(module, logger);
  }
  return logger;
}

/** The file being written now, or null without one. */
export function logFilePath(): string | null {
  return file?.file ?? null;
}

/** Writes out and closes the log file; logging goes back to warnings on stderr. */
export async function closeLogging(): Promise<void> {
  sinks = [stderrJson];
  root.level = 'warn';
  const closing = file;
  file = null;
  if (!closing) return;
  process.removeListener('exit', flushAtExit);
  await new Promise<void>((resolve) => {
    closing.once('close', () => resolve());
    closing.end();
  });
}

async function openRollingFile(dir: string): Promise<RollingFile> {
  const stream = await pinoRoll({
    file: join(dir, LOG_FILE_BASE),
    size: ROTATE_SIZE,
    // Without removeOtherLogFiles pino-roll only prunes files it made in this process, so
    // the files of earlier runs would pile up.
    limit: { count: ROTATE_KEEP, removeOtherLogFiles: true },
    mode: 0o600,
  });
  await new Promise<void>((resolve, reject) => {
    if (stream.fd >= 0) return resolve();
    stream.once('ready', () => resolve());
    stream.once('error', reject);
  });
  // A write error (disk full, folder removed) must not crash the app: fall back to stderr.
  stream.on('error', (err) => {
    if (file !== stream) return;
    file = null;
    process.removeListener('exit', flushAtExit);
    sinks = sinks.filter((s) => s !== stream);
    if (!sinks.includes(stderrJson)) sinks.push(stderrJson);
    getLogger('log').error({ err }, 'log file failed; logging to stderr');
  });
  process.on('exit', flushAtExit);
  return stream;
}

function flushAtExit(): void {
  try {
    file?.flushSync();
  } catch {
    // nothing left to report to at exit
  }
}

function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pino.stdSerializers.err(err) };
  // imapflow puts the parsed server response on errors, nodemailer the reply text: useful,
  // but it can quote message data.
  for (const key of ['response', 'responseText']) {
    if (out[key] !== undefined) out[key] = truncate(scrub(out[key], 0, []));
  }
  return out;
}

function truncate(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > RESPONSE_MAX ? `${text.slice(0, RESPONSE_MAX)}…` : text;
}

/**
 * A copy of value with secret keys censored at any depth, Errors serialized, bytes summarised
 * and anything deeper than MAX_DEPTH cut off. Copies only what changes.
 */
function scrub(value: unknown, depth: number, path: object[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (path.includes(value)) return '[circular]';
  if (value instanceof Error) return scrub(serializeError(value), depth, path);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `[${value.byteLength} bytes]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value; // Date, URL, …
  path.push(value);
  let result: unknown = value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item: unknown, i) => {
      const next = scrub(item, depth + 1, path);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    result = copy ?? value;
  } else {
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | null = null;
    for (const key of Object.keys(obj)) {
      const item = obj[key];
      const next =
        SECRET_SET.has(key.toLowerCase()) && item != null ? CENSOR : scrub(item, depth + 1, path);
      if (next !== item) (copy ??= { ...obj })[key] = next;
    }
    result = copy ?? value;
  }
  path.pop();
  return result;
}
