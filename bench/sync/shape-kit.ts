// What the bench's mail shapes (shapes.ts) share beyond bench/mail-kit.ts (which bench/corpus.ts
// builds from too): the message and options of a shape, random attachments, tracking tokens, flags.
import { chance, int, type Rng } from '../mail-kit.js';

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

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A token as trackers put in links: URL-safe base64 characters. */
export function token(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += URL_SAFE[int(rng, 64)];
  return s;
}

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

/** Flags as a mailbox has them: old mail read, the newest few percent often not. */
export function flagsFor(rng: Rng, i: number, count: number, own: boolean): string[] {
  const flags: string[] = [];
  if (own || chance(rng, i / count < 0.97 ? 0.96 : 0.5)) flags.push('\\Seen');
  if (!own && flags.length && chance(rng, 0.05)) flags.push('\\Answered');
  if (chance(rng, 0.02)) flags.push('\\Flagged');
  return flags;
}
