// What both engines' search does the same way around their own index: the checks of the
// options, local days and the id range they bound, the flag conditions, which folders `in:`
// names, and marked text turned into a snippet with highlight offsets. The query language is
// in search-query.ts; the conditions it compiles to, in search-sql.ts.
import { MaildockError } from '../../../common/errors.js';
import { MAILBOX_ROLE_NAMES, type FlagName, type FlagTerm } from './search-query.js';
import { ANSWERED, FLAGGED, SEEN } from './flags.js';
import { IDS_PER_MS, messageIdBase } from './rows.js';
import { markedSnippet } from './snippet.js';
import type { SearchIndexHit, SearchOptions } from './types.js';

/**
 * How far a search counts: exactly up to here, then "more than". Counting walks the
 * matches, so this bounds its cost (measured in bench:sync beside each kind's figures).
 */
export const SEARCH_COUNT_LIMIT = 1000;

// Matches are wrapped in these; Unicode noncharacters, so mail text practically never holds them.
export const OPEN = '\uFDD0';
export const CLOSE = '\uFDD1';

export function checkOptions(opts: SearchOptions): void {
  if (!Number.isSafeInteger(opts.limit) || opts.limit < 1) {
    throw new MaildockError('INVALID_INPUT', 'The search limit must be a positive whole number.', {
      limit: opts.limit,
    });
  }
  if (opts.before !== undefined && (!Number.isSafeInteger(opts.before) || opts.before < 0)) {
    throw new MaildockError('INVALID_INPUT', 'The search paging id must be a message id.', {
      before: opts.before,
    });
  }
}

/** Local midnight starting the day `YYYY-MM-DD`, in ms since the epoch. */
export function localDayStart(day: string): number {
  const d = new Date(0);
  d.setFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The days a query's top level bounds it by: the latest after:, the earliest before:. */
export interface DayBounds {
  after: string | null;
  before: string | null;
}

/**
 * The message ids a query's dates (and the paging id) leave: from `lo` up to, not including,
 * `hi`; the caller also compares m.date, which keeps the bound exact where an id was clamped.
 */
export function dateIdRange(q: DayBounds, before: number | undefined): { lo: number; hi: number } {
  let hi = before ?? Number.MAX_SAFE_INTEGER;
  let lo = 0;
  if (q.after !== null) lo = Math.max(lo, messageIdBase(localDayStart(q.after)));
  if (q.before !== null) {
    const ms = localDayStart(q.before);
    const base = messageIdBase(ms);
    if (base === ms * IDS_PER_MS) hi = Math.min(hi, base);
  }
  return { lo, hi };
}

/** The condition on a message for a flag filter: [when it must be set, when it must not]. */
export const FLAG_SQL: Record<FlagName, [string, string]> = {
  seen: [`(m.flags & ${SEEN}) <> 0`, `(m.flags & ${SEEN}) = 0`],
  flagged: [`(m.flags & ${FLAGGED}) <> 0`, `(m.flags & ${FLAGGED}) = 0`],
  answered: [`(m.flags & ${ANSWERED}) <> 0`, `(m.flags & ${ANSWERED}) = 0`],
  attachment: ['m.has_attachments <> 0', 'm.has_attachments = 0'],
};

/** Flag filters, one value per flag; null when two contradict each other. */
export function wantedFlags(flags: readonly FlagTerm[]): Map<FlagName, boolean> | null {
  const wanted = new Map<FlagName, boolean>();
  for (const f of flags) {
    if (wanted.has(f.flag) && wanted.get(f.flag) !== f.value) return null;
    wanted.set(f.flag, f.value);
  }
  return wanted;
}

export interface FolderRow {
  id: number;
  path: string;
  role: string | null;
}

/** The folders an `in:` names: by path in any case, or by role. */
export function foldersNamed(name: string, all: readonly FolderRow[]): number[] {
  const roles: readonly string[] = MAILBOX_ROLE_NAMES;
  const lower = name.toLowerCase();
  const byRole = roles.includes(lower);
  return all
    .filter((mb) => mb.path.toLowerCase() === lower || (byRole && mb.role === lower))
    .map((mb) => mb.id);
}

/**
 * The top level's in: items as mailbox ids (an item's names are ORed, the items ANDed):
 * include is null when no positive in: was given.
 */
export function folderFilter(
  terms: readonly { names: readonly string[]; negated: boolean }[],
  all: readonly FolderRow[],
): { include: number[] | null; exclude: number[] } {
  const matching = (names: readonly string[]) =>
    new Set(names.flatMap((name) => foldersNamed(name, all)));
  const exclude = new Set<number>();
  for (const t of terms) if (t.negated) for (const id of matching(t.names)) exclude.add(id);
  const [first, ...rest] = terms.filter((t) => !t.negated).map((t) => matching(t.names));
  if (!first) return { include: null, exclude: [...exclude] };
  return {
    include: [...first].filter((id) => rest.every((set) => set.has(id)) && !exclude.has(id)),
    exclude: [],
  };
}

/**
 * Marked snippet text → plain text and [start, end) offsets. Runs of whitespace and control
 * characters become one space, so the offsets are computed on the final text.
 */
export function plainSnippet(marked: string): { snippet: string; highlights: [number, number][] } {
  let out = '';
  const highlights: [number, number][] = [];
  let open = -1;
  let space = false;
  for (const ch of marked) {
    if (ch === OPEN) {
      if (space && out.length > 0) out += ' ';
      space = false;
      open = out.length;
    } else if (ch === CLOSE) {
      if (open >= 0 && out.length > open) highlights.push([open, out.length]);
      open = -1;
    } else if (
      ch <= ' ' ||
      ch === '\u007f' ||
      ch === '\u00a0' ||
      ch === '\u2028' ||
      ch === '\u2029'
    ) {
      space = true;
    } else {
      if (space && out.length > 0) {
        // A highlight opened just before this space starts after it.
        if (open === out.length) open++;
        out += ' ';
      }
      space = false;
      out += ch;
    }
  }
  if (open >= 0 && out.length > open) highlights.push([open, out.length]);
  return { snippet: out, highlights };
}

/** The fields a match outside the body is shown from, in the index's column order. */
const FIELDS = ['subject', 'sender', 'recipients'] as const;

/** A message's fields, and its body when a snippet must look past the body's start. */
export interface FieldsRow {
  id: number;
  subject: string;
  sender: string;
  recipients: string;
  body: string | null;
}

/**
 * The snippet of a hit whose body does not show a match: the field with the most of the
 * words, else none. Made in JavaScript on both engines: FTS5's snippet() matches the whole
 * query again for the one row, which for a prefix of many words took milliseconds a hit.
 */
export function fieldSnippet(
  row: Omit<FieldsRow, 'body'>,
  terms: string[][],
): SearchIndexHit | null {
  let best: SearchIndexHit | null = null;
  let bestCount = 0;
  for (const field of FIELDS) {
    const marked = markedSnippet(row[field], terms, OPEN, CLOSE);
    if (marked === null) continue;
    const plain = plainSnippet(marked);
    const count = new Set(plain.highlights.map(([s, e]) => plain.snippet.slice(s, e).toLowerCase()))
      .size;
    if (count > bestCount) {
      best = { id: row.id, ...plain };
      bestCount = count;
    }
  }
  return best;
}
