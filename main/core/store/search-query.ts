// The search language, Gmail-like: words and "phrases" ANDed, -negation, and a closed set
// of operators. A hand-written scanner keeps the position of everything it reads, so every
// error can say where it is; no user text reaches FTS5 except as a quoted string (search.ts).
//
// Semantics (what the user gets):
// - `word` matches the word anywhere (subject, sender, recipients, body), whole word only.
//   No prefix matching: the index has no prefix option, so `re*` would merge the doclists
//   of every word starting with "re" (far past the 20 ms budget on 100,000 messages), and
//   mail search (Gmail) matches words. Case and diacritics are ignored (`cafe` finds
//   `café`). A word with punctuation inside (`e-mail`, `alice@example.com`) matches its
//   pieces side by side.
// - `"a phrase"` matches those words next to each other, in that order.
// - `-x` excludes messages matching x; x may be a word, a phrase or any operator
//   (`-is:unread` is is:read, `-before:D` is after:D). A query needs at least one item
//   without `-`: "everything but" is not a search.
// - `from:X` the sender; `to:X` the To and Cc recipients; `subject:X` the subject (X may be
//   a "quoted phrase"); each matches like a word or phrase, in that field only.
// - `in:X` the folder whose path is X (case-insensitive), or whose role is X when X is one
//   of inbox, sent, drafts, trash, archive, junk. A folder that does not exist matches nothing.
// - `has:attachment`, `is:unread`, `is:read`, `is:flagged` (alias `is:starred`).
// - `after:YYYY-MM-DD` from the start of that day, inclusive; `before:YYYY-MM-DD` up to the
//   start of that day, exclusive (Gmail's semantics: `after:2024-03-01 before:2024-03-02` is
//   March 1st). Days are in the local time of the process. `YYYY/MM/DD` works too.
// - Operator names are case-insensitive. `OR`, `AND`, `NOT` and `NEAR` are plain words.
// - Characters that are not letters or digits separate words; an item made only of them
//   (`*`, `(`) is ignored. An empty query, or one made only of ignored items, finds nothing.
// - A word that looks like `name:value` with an unknown name is an error, so a typo in an
//   operator never silently becomes a word search; quote it to search the text itself.
//   `Re:` followed by a space, and `name://…` (a URL) are plain text.
import { MaildockError } from '../../../common/errors.js';

export type TextField = 'any' | 'subject' | 'sender' | 'recipients';

/** Words matched through the full-text index, as one phrase of their tokens. */
export interface TextTerm {
  field: TextField;
  /** As typed, without the quotes. */
  text: string;
  quoted: boolean;
  negated: boolean;
  /** 0-based index of the item (its `-` when negated) in the query. */
  position: number;
}

export interface MailboxTerm {
  /** A folder path or a role name, as typed. */
  name: string;
  negated: boolean;
  position: number;
}

export type FlagName = 'seen' | 'flagged' | 'attachment';

/** A negated `is:`/`has:` is stored as its opposite value: `-is:unread` is `seen: true`. */
export interface FlagTerm {
  flag: FlagName;
  value: boolean;
  position: number;
}

export interface SearchQuery {
  terms: TextTerm[];
  mailboxes: MailboxTerm[];
  flags: FlagTerm[];
  /** First day included, `YYYY-MM-DD` (the latest of every `after:`). */
  after: string | null;
  /** First day excluded, `YYYY-MM-DD` (the earliest of every `before:`). */
  before: string | null;
}

export const SEARCH_OPERATORS = [
  'from',
  'to',
  'subject',
  'in',
  'has',
  'is',
  'before',
  'after',
] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

/** `in:` values that name a mailbox role rather than a path. */
export const MAILBOX_ROLE_NAMES = ['inbox', 'sent', 'drafts', 'trash', 'archive', 'junk'] as const;

const TEXT_FIELDS: Partial<Record<SearchOperator, TextField>> = {
  from: 'sender',
  to: 'recipients',
  subject: 'subject',
};

const IS_VALUES = new Map<string, { flag: FlagName; value: boolean }>([
  ['unread', { flag: 'seen', value: false }],
  ['read', { flag: 'seen', value: true }],
  ['flagged', { flag: 'flagged', value: true }],
  ['starred', { flag: 'flagged', value: true }],
]);

const NEAR_MAX = 40;

/** True when the text holds a character FTS5's unicode61 tokenizer keeps (its default categories L*, N*, Co). */
export function hasSearchableText(text: string): boolean {
  return /[\p{L}\p{N}\p{Co}]/u.test(text);
}

export function isEmptyQuery(q: SearchQuery): boolean {
  return (
    q.terms.length === 0 &&
    q.mailboxes.length === 0 &&
    q.flags.length === 0 &&
    q.after === null &&
    q.before === null
  );
}

// Whitespace separates items; control characters count as whitespace so none reaches FTS5
// (a NUL ends its string early).
function isSpace(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  return (
    c <= 0x20 ||
    c === 0x7f ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isOperatorName(name: string): boolean {
  if (name.length === 0) return false;
  for (const ch of name) {
    const lower = ch.toLowerCase();
    if (!((lower >= 'a' && lower <= 'z') || ch === '_')) return false;
  }
  return true;
}

function isKnownOperator(name: string): name is SearchOperator {
  return (SEARCH_OPERATORS as readonly string[]).includes(name);
}

function fail(message: string, position: number, near: string): MaildockError {
  const clipped = near.length > NEAR_MAX ? `${near.slice(0, NEAR_MAX)}…` : near;
  return new MaildockError('SEARCH_SYNTAX', message, { position, near: clipped });
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) if (ch < '0' || ch > '9') return false;
  return true;
}

/** `YYYY-MM-DD` or `YYYY/MM/DD`, a day that exists, as `YYYY-MM-DD`; null otherwise. */
export function parseDay(value: string): string | null {
  if (value.length !== 10) return null;
  const sep = value[4];
  if ((sep !== '-' && sep !== '/') || value[7] !== sep) return null;
  const ys = value.slice(0, 4);
  const ms = value.slice(5, 7);
  const ds = value.slice(8, 10);
  if (!isDigits(ys) || !isDigits(ms) || !isDigits(ds)) return null;
  const y = Number(ys);
  const m = Number(ms);
  const d = Number(ds);
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  if (d > days) return null;
  return `${ys}-${ms}-${ds}`;
}

export function parseSearchQuery(input: string): SearchQuery {
  return new Parser(input).parse();
}

class Parser {
  private cursor = 0;
  private readonly query: SearchQuery = {
    terms: [],
    mailboxes: [],
    flags: [],
    after: null,
    before: null,
  };
  private positives = 0;
  private firstNegation: { position: number; near: string } | null = null;

  constructor(private readonly input: string) {}

  parse(): SearchQuery {
    for (;;) {
      while (this.cursor < this.input.length && isSpace(this.input[this.cursor])) this.cursor++;
      if (this.cursor >= this.input.length) break;
      this.item();
    }
    if (this.positives === 0 && this.firstNegation) {
      const { position, near } = this.firstNegation;
      throw fail(
        `The search only excludes things (the "-" at position ${position}): add something to look for, ` +
          'like a word or in:inbox.',
        position,
        near,
      );
    }
    return this.query;
  }

  /** The text from `start` to the next whitespace, for error messages. */
  private nearFrom(start: number): string {
    let end = start;
    while (end < this.input.length && !isSpace(this.input[end])) end++;
    return this.input.slice(start, end);
  }

  private item(): void {
    const start = this.cursor;
    let negated = false;
    if (this.input[this.cursor] === '-') {
      negated = true;
      this.cursor++;
      if (this.cursor >= this.input.length || isSpace(this.input[this.cursor])) {
        throw fail(
          `A lone "-" at position ${start}: put what to exclude right after it, like -newsletter.`,
          start,
          '-',
        );
      }
    }
    if (this.input[this.cursor] === '"') {
      this.addText('any', this.quoted(), true, negated, start);
      return;
    }
    const wordStart = this.cursor;
    while (
      this.cursor < this.input.length &&
      !isSpace(this.input[this.cursor]) &&
      this.input[this.cursor] !== '"'
    )
      this.cursor++;
    const word = this.input.slice(wordStart, this.cursor);
    const colon = word.indexOf(':');
    const name = colon > 0 ? word.slice(0, colon) : '';
    const rest = word.slice(colon + 1);
    const valueFollows = rest.length > 0 || this.input[this.cursor] === '"';
    if (isOperatorName(name)) {
      const op = name.toLowerCase();
      if (isKnownOperator(op)) {
        this.operator(op, rest, wordStart + colon + 1, start, negated);
        return;
      }
      // `Re: subject` and pasted URLs are text; `foo:bar` is an operator nobody knows.
      if (valueFollows && !rest.startsWith('/')) {
        throw fail(
          `Unknown operator "${name}:" at position ${wordStart}. Known operators: ` +
            `${SEARCH_OPERATORS.map((o) => `${o}:`).join(' ')}. To search for the text itself, put it in quotes.`,
          wordStart,
          this.nearFrom(wordStart),
        );
      }
    }
    this.addText('any', word, false, negated, start);
  }

  /** Reads `"…"` at the cursor and returns its content. */
  private quoted(): string {
    const open = this.cursor;
    const close = this.input.indexOf('"', open + 1);
    if (close < 0) {
      throw fail(
        `The quote at position ${open} is never closed: add a closing ".`,
        open,
        this.input.slice(open),
      );
    }
    this.cursor = close + 1;
    return this.input.slice(open + 1, close);
  }

  private addText(
    field: TextField,
    text: string,
    quoted: boolean,
    negated: boolean,
    position: number,
  ): void {
    if (!hasSearchableText(text)) {
      // Punctuation alone matches nothing in the index: ignore it, unless it was all that
      // followed a "-" (the user meant to exclude something and we cannot tell what).
      if (negated) {
        throw fail(
          `Nothing to exclude after the "-" at position ${position}: it needs letters or digits.`,
          position,
          this.input.slice(position, Math.max(this.cursor, position + 1)),
        );
      }
      return;
    }
    this.query.terms.push({ field, text, quoted, negated, position });
    this.count(negated, position);
  }

  private count(negated: boolean, position: number): void {
    if (!negated) this.positives++;
    else if (!this.firstNegation)
      this.firstNegation = { position, near: this.input.slice(position, this.cursor) };
  }

  private operator(
    op: SearchOperator,
    rest: string,
    valueStart: number,
    start: number,
    negated: boolean,
  ): void {
    const opStart = valueStart - op.length - 1;
    let value = rest;
    let quoted = false;
    if (value.length === 0) {
      if (this.input[this.cursor] !== '"') {
        throw fail(
          `"${op}:" at position ${opStart} needs a value, like ${EXAMPLES[op]}.`,
          opStart,
          this.input.slice(opStart, this.cursor),
        );
      }
      value = this.quoted();
      quoted = true;
    }
    const near = this.input.slice(valueStart, this.cursor);
    const field = TEXT_FIELDS[op];
    if (field) {
      if (!hasSearchableText(value)) {
        throw fail(
          `Nothing to look for in "${near}" at position ${valueStart}: ${op}: needs letters or digits, like ${EXAMPLES[op]}.`,
          valueStart,
          near,
        );
      }
      this.query.terms.push({ field, text: value, quoted, negated, position: start });
    } else if (op === 'in') {
      if (value.trim().length === 0) {
        throw fail(
          `Empty folder name at position ${valueStart}: in: needs a folder, like in:inbox.`,
          valueStart,
          near,
        );
      }
      this.query.mailboxes.push({ name: value, negated, position: start });
    } else if (op === 'has') {
      if (value.toLowerCase() !== 'attachment' && value.toLowerCase() !== 'attachments') {
        throw fail(
          `Unknown value "${value}" for has: at position ${valueStart}: use has:attachment.`,
          valueStart,
          near,
        );
      }
      this.query.flags.push({ flag: 'attachment', value: !negated, position: start });
    } else if (op === 'is') {
      const known = IS_VALUES.get(value.toLowerCase());
      if (!known) {
        throw fail(
          `Unknown value "${value}" for is: at position ${valueStart}: use is:unread, is:read or is:flagged.`,
          valueStart,
          near,
        );
      }
      this.query.flags.push({
        flag: known.flag,
        value: negated ? !known.value : known.value,
        position: start,
      });
    } else {
      const day = parseDay(value);
      if (!day) {
        throw fail(
          `"${value}" at position ${valueStart} is not a date: write ${op}:YYYY-MM-DD, like ${EXAMPLES[op]}.`,
          valueStart,
          near,
        );
      }
      // -before:D keeps D and later, which is after:D; -after:D is before:D.
      const isAfter = (op === 'after') !== negated;
      if (isAfter)
        this.query.after =
          this.query.after === null || day > this.query.after ? day : this.query.after;
      else
        this.query.before =
          this.query.before === null || day < this.query.before ? day : this.query.before;
    }
    this.count(negated, start);
  }
}

const EXAMPLES: Record<SearchOperator, string> = {
  from: 'from:alice@example.com',
  to: 'to:bob',
  subject: 'subject:"quarterly report"',
  in: 'in:inbox',
  has: 'has:attachment',
  is: 'is:unread',
  before: 'before:2024-03-01',
  after: 'after:2024-03-01',
};
