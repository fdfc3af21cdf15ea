// The text of a message as Postgres searches it: a tsvector built here rather than by
// to_tsvector, so words are cut and folded exactly as SQLite's index and the snippets cut
// them (snippet.ts: runs of letters and digits, case and diacritics folded), where Postgres's
// parser would keep `alice@example.com` or `e-mail` whole. Each field has its label (A the
// subject, B the sender, D the recipients, C the body) and a gap of one position after it,
// so a phrase never spans two fields. A query builds its tsquery from termTokens too.
import { termTokens } from '../snippet.js';

export interface SearchFields {
  subject: string;
  sender: string;
  recipients: string;
  body: string;
}

export const FIELD_LABELS = { subject: 'A', sender: 'B', body: 'C', recipients: 'D' } as const;

// Postgres's own limits: positions above 16383 are all 16383, a word keeps 256 of them, a
// word is at most 2047 bytes and a whole tsvector at most 1 MB (a bigger one is an error).
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_WORD = 256;
const MAX_WORD_BYTES = 2_047;
const MAX_VECTOR_BYTES = 900_000;

const ORDER = ['subject', 'sender', 'recipients', 'body'] as const;

/** The tsvector of a message, as its text form (a query parameter cast with `::tsvector`). */
export function searchVector(fields: SearchFields): string {
  const words = new Map<string, string[]>();
  let bytes = 0;
  let position = 1;
  for (const field of ORDER) {
    const label = FIELD_LABELS[field];
    for (const word of termTokens(fields[field])) {
      const at = Math.min(position++, MAX_POSITION);
      let positions = words.get(word);
      if (!positions) {
        const size = Buffer.byteLength(word);
        // Long words are not searched for; a huge body keeps the words that fit.
        if (size > MAX_WORD_BYTES || bytes + size + 8 > MAX_VECTOR_BYTES) continue;
        bytes += size + 8;
        positions = [];
        words.set(word, positions);
      }
      const entry = `${at}${label}`;
      if (positions.length >= MAX_POSITIONS_PER_WORD || positions.at(-1) === entry) continue;
      if (bytes + 2 > MAX_VECTOR_BYTES) continue;
      bytes += 2;
      positions.push(entry);
    }
    position++;
  }
  return [...words]
    .map(([word, positions]) => `'${word.replace(/['\\]/g, '\\$&')}':${positions.join(',')}`)
    .join(' ');
}
