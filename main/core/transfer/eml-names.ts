// File names for an export to .eml files: the date and the subject ("2024-01-31 1405 Hello.eml"),
// safe on every filesystem (mime/eml-filename.ts), and unique in the folder however the
// filesystem compares names (case and Unicode normalization ignored), with " (2)" and on.
import { emlFilename } from '../mime/eml-filename.js';
import { firstField, headerBlock, headerFields } from './message-bytes.js';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function decodeWord(charset: string, encoding: string, text: string): string {
  const bytes =
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
  try {
    return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** A header value with its RFC 2047 encoded words decoded (whitespace between two dropped). */
export function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(ENCODED_WORD, (_m, cs: string, enc: string, text: string) =>
      decodeWord(cs, enc, text),
    );
}

const MAX_STEM_BYTES = 200;

const two = (n: number) => String(n).padStart(2, '0');

/** "2024-01-31 1405 Subject.eml" for a message (its date in UTC), before it is made unique. */
export function emlName(raw: Buffer, date: Date | null): string {
  const fields = headerFields(headerBlock(raw));
  const subject = firstField(fields, 'subject');
  const base = emlFilename(subject === null ? null : decodeHeader(subject));
  const stamp = date
    ? `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}${two(date.getUTCMinutes())} `
    : '';
  // Filesystems count bytes (255 at most): room is left for " (12345)" and ".eml".
  const stem = [...base.slice(0, -'.eml'.length)];
  while (stem.length > 1 && Buffer.byteLength(stamp + stem.join('')) > MAX_STEM_BYTES) stem.pop();
  return `${stamp}${stem.join('').trimEnd()}.eml`;
}

/** Hands out names no other file of the folder has, compared as case-insensitive filesystems do. */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const name of existing) this.taken.add(this.fold(name));
  }

  private fold(name: string): string {
    return name.normalize('NFC').toLowerCase();
  }

  take(name: string): string {
    const dot = name.lastIndexOf('.');
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    let candidate = name;
    for (let n = 2; this.taken.has(this.fold(candidate)); n++) candidate = `${stem} (${n})${ext}`;
    this.taken.add(this.fold(candidate));
    return candidate;
  }
}
