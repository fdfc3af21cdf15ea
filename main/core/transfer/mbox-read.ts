// Reads an mbox file one message at a time, never the whole file: Unix mbox as mutt, Pine,
// Thunderbird, Gmail's Takeout and Maildock itself write it. A message starts at a "From "
// line; the line end just before the next one (the empty separator line) is not part of it.
// Quoting is undone as the file's writer did it: mboxrd (Maildock, qmail) strips one ">" from
// every line matching ^>+From , mboxo (Thunderbird, Python's mailbox) only from ^>From .
import { createReadStream } from 'node:fs';

export interface MboxMessage {
  /** 1-based position in the file. */
  index: number;
  /** The "From " line, without its line end. */
  fromLine: string;
  /** The message, unquoted; null when it grew over the size limit (then only `size` is kept). */
  raw: Buffer | null;
  size: number;
}

export type MboxQuoting = 'mboxrd' | 'mboxo';

const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** A From line as writers make it: a sender, then an asctime date (a zone may come before the year). */
const FROM_LINE = new RegExp(
  `^From \\S+ +${DAY} ${MONTH} +\\d{1,2} \\d{1,2}:\\d{2}(:\\d{2})? .*\\d{4}`,
);
const FROM = Buffer.from('From ');
const QUOTED_RD = /^>+From /;
const QUOTED_O = /^>From /;

const isBlank = (line: Buffer) =>
  line.length === 1 ? line[0] === 10 : line.length === 2 && line[0] === 13 && line[1] === 10;

const startsWithFrom = (line: Buffer) => line.length >= 5 && line.compare(FROM, 0, 5, 0, 5) === 0;

/**
 * Whether a "From " line starts a message: the first line of the file, one after an empty
 * line, or one that reads like a From line (writers that keep no empty line between).
 */
function separates(line: Buffer, first: boolean, afterBlank: boolean): boolean {
  if (!startsWithFrom(line)) return false;
  return first || afterBlank || FROM_LINE.test(line.toString('latin1', 0, 200));
}

/**
 * The quoting of a file, told by its first message: Thunderbird writes "From - " lines and
 * X-Mozilla-Status headers and quotes mboxo; anything else is read as mboxrd, which is what
 * Maildock writes (and reads the same as mboxo unless a line starts with ">>From ").
 */
export function quotingOf(fromLine: string, head: Buffer): MboxQuoting {
  if (fromLine.startsWith('From - ')) return 'mboxo';
  return /^x-mozilla-status:/im.test(head.toString('latin1', 0, 8192)) ? 'mboxo' : 'mboxrd';
}

/** The date of a From line (asctime, UTC as writers mean it), or null. */
export function fromLineDate(fromLine: string): Date | null {
  const m = new RegExp(
    `${MONTH} +(\\d{1,2}) (\\d{1,2}):(\\d{2})(?::(\\d{2}))? (?:.*? )?(\\d{4})\\s*$`,
  ).exec(fromLine);
  if (!m) return null;
  const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[1]!) / 3;
  const ms = Date.UTC(
    Number(m[6]),
    month,
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5] ?? 0),
  );
  return Number.isFinite(ms) && Number(m[6]) >= 1970 ? new Date(ms) : null;
}

/** The line end just before a separator (or the end of the file) belongs to the framing. */
function withoutSeparator(lines: Buffer[]): void {
  const last = lines[lines.length - 1];
  if (!last || last[last.length - 1] !== 10) return;
  const cut = last.length >= 2 && last[last.length - 2] === 13 ? 2 : 1;
  lines[lines.length - 1] = last.subarray(0, last.length - cut);
}

function unquote(lines: Buffer[], quoting: MboxQuoting): void {
  const pattern = quoting === 'mboxrd' ? QUOTED_RD : QUOTED_O;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line[0] === 62 && pattern.test(line.toString('latin1', 0, 200)))
      lines[i] = line.subarray(1);
  }
}

/** The messages of an mbox file in order; `maxBytes` bounds what one message may hold in memory. */
export async function* readMbox(
  file: string,
  opts: { maxBytes: number; signal?: AbortSignal },
): AsyncGenerator<MboxMessage> {
  let quoting: MboxQuoting | null = null;
  let current: { fromLine: string; lines: Buffer[]; size: number; over: boolean } | null = null;
  let index = 0;
  let first = true;
  let afterBlank = false;

  const finish = (): MboxMessage | null => {
    if (!current) return null;
    const { lines, fromLine, over } = current;
    withoutSeparator(lines);
    const size = lines.reduce((n, l) => n + l.length, 0);
    if (over) return { index, fromLine, raw: null, size: current.size };
    quoting ??= quotingOf(fromLine, Buffer.concat(lines.slice(0, 200)));
    unquote(lines, quoting);
    return { index, fromLine, raw: Buffer.concat(lines), size };
  };

  const take = function* (line: Buffer): Generator<MboxMessage> {
    if (separates(line, first, afterBlank)) {
      const done = finish();
      if (done) yield done;
      index++;
      const text = line.toString('latin1').replace(/\r?\n$/, '');
      current = { fromLine: text, lines: [], size: 0, over: false };
    } else if (current) {
      current.size += line.length;
      if (current.size > opts.maxBytes) {
        current.over = true;
        current.lines = [];
      } else current.lines.push(line);
    }
    first = false;
    afterBlank = isBlank(line);
  };

  let carry: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (opts.signal?.aborted) return;
    let buf = chunk as Buffer;
    let start = 0;
    if (carry) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        continue;
      }
      yield* take(Buffer.concat([carry, buf.subarray(0, nl + 1)]));
      carry = null;
      start = nl + 1;
    }
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      // A copy: the stream's chunk would otherwise be kept whole by a line that survives it.
      yield* take(Buffer.from(buf.subarray(start, nl + 1)));
      start = nl + 1;
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
    buf = Buffer.alloc(0);
  }
  if (carry) yield* take(carry);
  const done = finish();
  if (done) yield done;
}

/** How many messages an mbox file holds, read fast (for progress; quoting makes it exact). */
export async function countMbox(file: string, signal?: AbortSignal): Promise<number> {
  let n = 0;
  let tail = Buffer.from('\n');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) break;
    const buf = Buffer.concat([tail, chunk as Buffer]);
    for (let i = buf.indexOf('\nFrom '); i >= 0; i = buf.indexOf('\nFrom ', i + 1)) n++;
    tail = buf.subarray(Math.max(0, buf.length - 5));
  }
  return n;
}
