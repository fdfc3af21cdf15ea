// What the bench's mail shapes (shapes.ts) share: a seeded generator (never Math.random, so a
// seed gives the same mailbox on every machine), MIME bodies and their encoders, dates, flags.
// bench/corpus.ts keeps its own copies private on purpose: the `generated` shape must stay
// exactly as it was, whatever happens here.

export type Rng = () => number;

/** One message of a shape, as the server loads it. */
export interface ShapeMessage {
  folder: string;
  raw: Buffer;
  /** The Date header, and the internal date; ascending with the message index. */
  date: Date;
  flags: string[];
}

export interface ShapeOptions {
  count: number;
  seed: number;
  /** INBOX first; a folder whose name contains "sent" receives the owner's own mail. */
  folders: string[];
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, arr: readonly T[]): T => arr[int(rng, arr.length)] as T;
export const chance = (rng: Rng, p: number): boolean => rng() < p;
export function logNormal(rng: Rng, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return median * Math.exp(sigma * z);
}
export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
export function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(rng, 16)];
  return s;
}
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A token as trackers put in links: URL-safe base64 characters. */
export function token(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += URL_SAFE[int(rng, 64)];
  return s;
}

export class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, s: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.cdf[i] = sum += 1 / Math.pow(i + 1, s);
    for (let i = 0; i < n; i++) this.cdf[i] = (this.cdf[i] as number) / sum;
  }
  sample(rng: Rng): number {
    const u = rng();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---- Encoders ----

export const HEXC = Buffer.from('0123456789ABCDEF');
const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/**
 * The base64 body of `bytes` random bytes whose file starts with `magic`, in 76-character
 * lines. Random base64 characters decode to random bytes, so the bulk is written directly.
 */
export function randomBase64(bytes: number, magic: Buffer, seed: number): Buffer {
  const quads = Math.max(1, Math.ceil(bytes / 3));
  const whole = Buffer.concat([magic, Buffer.alloc((3 - (magic.length % 3)) % 3)]);
  const head = Buffer.from(whole.toString('base64'), 'latin1');
  const chars = Math.max(quads * 4, head.length);
  const out = Buffer.allocUnsafe(chars + Math.ceil(chars / 76) * 2 + 2);
  let o = 0;
  let s = seed >>> 0 || 0x9e3779b9;
  for (let c = 0; c < chars; c++) {
    if (c > 0 && c % 76 === 0) {
      out[o++] = 13;
      out[o++] = 10;
    }
    if (c < head.length) out[o++] = head[c] as number;
    else {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[o++] = B64[s & 63] as number;
    }
  }
  out[o++] = 13;
  out[o++] = 10;
  return out.subarray(0, o);
}

export function base64Lines(data: Buffer): Buffer {
  const b64 = Buffer.from(data.toString('base64'), 'latin1');
  const out = Buffer.allocUnsafe(b64.length + Math.ceil(b64.length / 76) * 2 + 2);
  let o = 0;
  for (let i = 0; i < b64.length; i += 76) {
    o += b64.copy(out, o, i, Math.min(i + 76, b64.length));
    out[o++] = 13;
    out[o++] = 10;
  }
  return out.subarray(0, o);
}

/** Quoted-printable (RFC 2045) with soft breaks at 76 columns; LF in, CRLF out. */
export function qpEncode(src: Buffer): Buffer {
  const out = Buffer.allocUnsafe(src.length * 3 + Math.ceil(src.length / 24) + 16);
  let o = 0;
  let col = 0;
  const fixTrailingSpace = (): void => {
    const prev = out[o - 1] as number;
    if (col > 0 && (prev === 32 || prev === 9)) {
      out[o - 1] = 61;
      out[o++] = HEXC[prev >> 4] as number;
      out[o++] = HEXC[prev & 15] as number;
    }
  };
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b === 13) continue;
    if (b === 10) {
      fixTrailingSpace();
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
      continue;
    }
    const literal = (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9;
    const width = literal ? 1 : 3;
    if (col + width > 73) {
      out[o++] = 61;
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
    }
    if (literal) out[o++] = b;
    else {
      out[o++] = 61;
      out[o++] = HEXC[b >> 4] as number;
      out[o++] = HEXC[b & 15] as number;
    }
    col += width;
  }
  fixTrailingSpace();
  return out.subarray(0, o);
}

export type Cte = '7bit' | '8bit' | 'quoted-printable' | 'base64';
const NON_ASCII = /[\u0080-\u{10ffff}]/u;
export const isAscii = (s: string): boolean => !NON_ASCII.test(s);

/** UTF-8 text (LF line breaks) → transfer-encoded bytes with CRLF line breaks. */
export function encodeBody(text: string, cte: Cte): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (cte === 'quoted-printable') return qpEncode(bytes);
  if (cte === 'base64') return base64Lines(Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8'));
  return Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');
}

/** RFC 2047 encoded words in UTF-8, each at most 75 characters, folded. */
const START = Date.parse('2022-01-03T08:00:00Z');
const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;
/** The i-th of `count` dates over three years, ascending, whole seconds. */
export function dateOf(rng: Rng, i: number, count: number): Date {
  const step = SPAN_MS / Math.max(1, count);
  return new Date(Math.floor((START + (i + 0.05 + 0.9 * rng()) * step) / 1000) * 1000);
}

/** Flags as a mailbox has them: old mail read, the newest few percent often not. */
export function flagsFor(rng: Rng, i: number, count: number, own: boolean): string[] {
  const flags: string[] = [];
  if (own || chance(rng, i / count < 0.97 ? 0.96 : 0.5)) flags.push('\\Seen');
  if (!own && flags.length && chance(rng, 0.05)) flags.push('\\Answered');
  if (chance(rng, 0.02)) flags.push('\\Flagged');
  return flags;
}

/** A Received header as the owner's server writes it. */
export type Chunk = string | Buffer;
export const toBuffer = (chunks: Chunk[]): Buffer =>
  Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));

export function textPart(text: string, subtype: 'plain' | 'html', cte: Cte, extra = ''): Chunk[] {
  return [
    `Content-Type: text/${subtype}; charset=utf-8${extra}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`,
    encodeBody(text, cte),
  ];
}

export function multipart(
  subtype: string,
  boundary: string,
  parts: Chunk[][],
  params = '',
): Chunk[] {
  const out: Chunk[] = [
    `Content-Type: multipart/${subtype};${params}\r\n boundary="${boundary}"\r\n\r\n`,
  ];
  if (subtype === 'mixed') out.push('This is a multi-part message in MIME format.\r\n');
  for (const p of parts) out.push(`\r\n--${boundary}\r\n`, ...p);
  out.push(`\r\n--${boundary}--\r\n`);
  return out;
}

/** Plain text wrapped at `width` columns, paragraphs kept. */
export function wrap(text: string, width = 72): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines.join('\n');
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
