// What both engines' search does the same way around their own index: the checks of the
// options, local days and the id range they bound, the flag conditions, which folders `in:` names, and marked text turned into a snippet with
// highlight offsets. The query language is in search-query.ts.
import { MaildockError } from '../../../common/errors.js';
import { MAILBOX_ROLE_NAMES, type FlagName, type SearchQuery } from './search-query.js';
import { FLAGGED, SEEN } from './flags.js';
import { IDS_PER_MS, messageIdBase } from './rows.js';
import type { SearchOptions } from './types.js';

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

/**
 * The message ids a query's dates (and the paging id) leave: from `lo` up to, not including,
 * `hi`; the caller also compares m.date, which keeps the bound exact where an id was clamped.
 */
export function dateIdRange(
  q: SearchQuery,
  before: number | undefined,
): { lo: number; hi: number } {
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
  attachment: ['m.has_attachments <> 0', 'm.has_attachments = 0'],
};

/** The flag filters of a query, one value per flag; null when two contradict each other. */
export function wantedFlags(q: SearchQuery): Map<FlagName, boolean> | null {
  const wanted = new Map<FlagName, boolean>();
  for (const f of q.flags) {
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

/** in: terms as mailbox ids: include is null when no positive in: was given. */
export function folderFilter(
  q: SearchQuery,
  all: readonly FolderRow[],
): { include: number[] | null; exclude: number[] } {
  const roles: readonly string[] = MAILBOX_ROLE_NAMES;
  const matching = (name: string): Set<number> => {
    const lower = name.toLowerCase();
    const byRole = roles.includes(lower);
    return new Set(
      all
        .filter((mb) => mb.path.toLowerCase() === lower || (byRole && mb.role === lower))
        .map((mb) => mb.id),
    );
  };
  const exclude = new Set<number>();
  for (const t of q.mailboxes) if (t.negated) for (const id of matching(t.name)) exclude.add(id);
  const [first, ...rest] = q.mailboxes.filter((t) => !t.negated).map((t) => matching(t.name));
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
