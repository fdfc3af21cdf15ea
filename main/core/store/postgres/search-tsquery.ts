// A query's words as tsqueries, built from the same folded tokens the store's vectors hold
// (search-vector.ts), so no user text is ever parsed as tsquery syntax. The fields live in
// two vectors: `search` (subject, sender, To and Cc, body; `fields` is its header part) and
// `more` (Cc alone, Bcc, List-Id); a tsquery reads one, so a node of words from both is
// split into conditions of each (search-sql.ts).
import type { SearchNode, TextField, TextTerm } from '../search-query.js';
import { leaves } from '../search-query.js';
import { termTokens } from '../snippet.js';
import { FIELD_LABELS, MORE_LABELS } from './search-vector.js';

// A longer word is not in any tsvector (search-vector.ts), and a tsquery refuses it.
const MAX_WORD_BYTES = 2_047;

/** Which vector a field's words are in. */
export type VectorName = 'search' | 'more';

const FIELDS: Record<TextField, { vector: VectorName; label: string }> = {
  any: { vector: 'search', label: '' },
  subject: { vector: 'search', label: FIELD_LABELS.subject },
  sender: { vector: 'search', label: FIELD_LABELS.sender },
  recipients: { vector: 'search', label: FIELD_LABELS.recipients },
  cc: { vector: 'more', label: MORE_LABELS.cc },
  bcc: { vector: 'more', label: MORE_LABELS.bcc },
  list: { vector: 'more', label: MORE_LABELS.list },
};

/** What a node of words matches: a tsquery, or nothing at all (a word no vector holds). */
export type TsQuery = string | null;

/** A word as a tsquery operand: quoted, so nothing in it is read as an operator. */
function lexeme(word: string): string {
  return `'${word.replace(/['\\]/g, '\\$&')}'`;
}

/**
 * A term as a tsquery: its tokens side by side (a phrase, as FTS5 reads a quoted string), in
 * its field's label, the last one a prefix (`:*`) when it is one. Null when it cannot match.
 */
export function tsTerm(t: TextTerm): TsQuery {
  const words = termTokens(t.text);
  if (!words.length || words.some((w) => Buffer.byteLength(w) > MAX_WORD_BYTES)) return null;
  const { label } = FIELDS[t.field];
  const parts = words.map(
    (w, n) =>
      `${lexeme(w)}${t.prefix && n === words.length - 1 ? `:*${label}` : label ? `:${label}` : ''}`,
  );
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

/** The vector every word of the node is in; null when the node has words of both. */
export function vectorOf(node: SearchNode): VectorName | null {
  const names = new Set(
    leaves(node).map((l) => (l.kind === 'text' ? FIELDS[l.field].vector : null)),
  );
  return names.size === 1 ? ([...names][0] ?? null) : null;
}

/** `search`, or its small header part when no word of the node is free text. */
export function searchColumn(nodes: readonly SearchNode[]): string {
  const free = nodes.some((n) => leaves(n).some((l) => l.kind === 'text' && l.field === 'any'));
  return free ? 'm.search' : 'm.fields';
}

/** Every positive query, none of the negative ones; null when a positive one cannot match. */
export function allNone(positive: readonly TsQuery[], negative: readonly TsQuery[]): TsQuery {
  if (positive.some((p) => p === null)) return null;
  const not = negative.filter((n) => n !== null).map((n) => `!(${n})`);
  return [...(positive as string[]).map((p) => `(${p})`), ...not].join(' & ');
}

/** A node of words (of one vector) as one tsquery. */
export function tsQuery(node: SearchNode): TsQuery {
  switch (node.kind) {
    case 'text':
      return tsTerm(node);
    case 'or': {
      const sides = node.items.map(tsQuery).filter((s) => s !== null);
      return sides.length ? sides.map((s) => `(${s})`).join(' | ') : null;
    }
    case 'and':
      return allNone(
        node.items.filter((i) => i.kind !== 'not').map(tsQuery),
        node.items.flatMap((i) => (i.kind === 'not' ? [tsQuery(i.item)] : [])),
      );
    default:
      // A NOT alone is the caller's: NOT of what cannot match is everything, not nothing.
      return null;
  }
}
