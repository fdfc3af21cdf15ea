// The text of a message as Postgres searches it: a tsvector built here rather than by
// to_tsvector, so words are cut and folded exactly as SQLite's index and the snippets cut
// them (snippet.ts termTokens: runs of letters and digits, case and diacritics folded),
// where Postgres's parser would keep `alice@example.com` or `e-mail` whole. A query builds
// its tsquery from termTokens too. Each field has its label (A the subject, B the sender,
// D the recipients, C the body) and a gap of one position after it, so a phrase never
// spans two fields. The headers' part is written with the message; the body's is appended
// when the body is stored (`ts_filter(search, '{a,b,d}') || body`: Postgres shifts the
// right side past the left's last position).
import { termTokens } from '../snippet.js';

export const FIELD_LABELS = { subject: 'A', sender: 'B', body: 'C', recipients: 'D' } as const;

/**
 * The fields of `messages.more` (migration 0013), a vector of their own since a tsvector
 * has four labels and `search` uses them all: Cc alone (D in `search` is To and Cc), Bcc,
 * the List-Id.
 */
export const MORE_LABELS = { cc: 'A', bcc: 'B', list: 'C' } as const;

type Label = 'A' | 'B' | 'C' | 'D';

// Postgres's own limits: positions above 16383 are all 16383, a word keeps 256 of them, a
// word is at most 2047 bytes and a whole tsvector at most 1 MB (a bigger one is an error).
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_WORD = 256;
const MAX_WORD_BYTES = 2_047;
const MAX_VECTOR_BYTES = 900_000;

function vector(parts: readonly [string, Label][], first: number): string {
  const words = new Map<string, string[]>();
  let bytes = 0;
  let position = first;
  for (const [source, label] of parts) {
    for (const word of termTokens(source)) {
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
      bytes += 2;
      positions.push(entry);
    }
    position++;
  }
  return [...words]
    .map(([word, positions]) => `'${word.replace(/['\\]/g, '\\$&')}':${positions.join(',')}`)
    .join(' ');
}

/** The headers' part of a message's tsvector, as text (a parameter cast with `::tsvector`). */
export function headerVector(fields: {
  subject: string;
  sender: string;
  recipients: string;
}): string {
  return vector(
    [
      [fields.subject, FIELD_LABELS.subject],
      [fields.sender, FIELD_LABELS.sender],
      [fields.recipients, FIELD_LABELS.recipients],
    ],
    1,
  );
}

/** `messages.more`, as text: Cc, Bcc and List-Id, each as search sees them (rows.ts). */
export function moreVector(fields: { cc: string; bcc: string; list: string }): string {
  return vector(
    [
      [fields.cc, MORE_LABELS.cc],
      [fields.bcc, MORE_LABELS.bcc],
      [fields.list, MORE_LABELS.list],
    ],
    1,
  );
}

/** The body's part, appended to the headers' one; it starts one position after a gap. */
export function bodyVector(body: string): string {
  return vector([[body, FIELD_LABELS.body]], 2);
}

/** SQL: the stored vector with the body's part replaced by the parameter `$n`. */
export const withBody = (n: number) => `ts_filter(search, '{a,b,d}') || $${n}::tsvector`;
