// A query's words as an FTS5 expression. Only the tokenizer, never FTS5's query syntax, sees
// what the user typed: every term is a quoted string, and the operators (AND, OR, NOT, the
// column filters, the prefix `*`) come from the parsed query alone.
import type { SearchNode, TextField, TextTerm } from '../search-query.js';
import { termTokens } from '../snippet.js';

/**
 * The words of the index that start with a prefix (fts5vocab), or null when there are too
 * many to list. FTS5 answers a prefix longer than its prefix index (migration 0015) by
 * merging the doclists of all those words in memory, every match, before the first row; an
 * OR of the words is walked lazily, newest first, stopped by the LIMIT.
 */
export type PrefixWords = (prefix: string) => string[] | null;

/** The longest prefix the index keeps as words of their own (prefix='2 3'). */
const INDEXED_PREFIX = 3;

/** The index's columns each field searches (migration 0015); a word alone, the usual four. */
const COLUMNS: Record<TextField, string> = {
  any: 'subject sender recipients body',
  subject: 'subject',
  sender: 'sender',
  recipients: 'recipients',
  cc: 'cc',
  bcc: 'bcc',
  list: 'list',
};

/** Text as one FTS5 string. */
export function ftsString(text: string): string {
  let clean = '';
  // A NUL ends an FTS5 string early ("unterminated string"): control characters become spaces.
  for (const ch of text) clean += ch < ' ' || ch === '\u007f' ? ' ' : ch;
  return `"${clean.replaceAll('"', '""')}"`;
}

/** A term: its tokens as a phrase in its columns, the last one a prefix when it is one. */
export function ftsTerm(t: TextTerm, words?: PrefixWords): string {
  const columns = `{${COLUMNS[t.field]}} : `;
  if (t.prefix && words) {
    const tokens = termTokens(t.text);
    const last = tokens.pop();
    const listed = last !== undefined && [...last].length > INDEXED_PREFIX ? words(last) : null;
    if (listed?.length) {
      const phrases = listed.map((w) => ftsString([...tokens, w].join(' ')));
      return `${columns}(${phrases.join(' OR ')})`;
    }
  }
  return `${columns}${ftsString(t.text)}${t.prefix ? ' *' : ''}`;
}

/**
 * A node of words as one FTS5 expression; null when FTS5 cannot say it (a NOT is only
 * "this NOT that" in FTS5, never alone). The parser gives every AND a positive item and
 * never puts a NOT beside OR, so a node of words only always has one.
 */
export function ftsExpression(node: SearchNode, words?: PrefixWords): string | null {
  const sub = (n: SearchNode) => ftsExpression(n, words);
  switch (node.kind) {
    case 'text':
      return ftsTerm(node, words);
    case 'or': {
      const sides = node.items.map(sub);
      return sides.every((s) => s !== null) ? sides.map((s) => `(${s})`).join(' OR ') : null;
    }
    case 'and': {
      const positive = node.items.filter((i) => i.kind !== 'not').map(sub);
      const negative = node.items.flatMap((i) => (i.kind === 'not' ? [sub(i.item)] : []));
      if (!positive.length || [...positive, ...negative].some((e) => e === null)) return null;
      return andNot(positive as string[], negative as string[]);
    }
    default:
      return null;
  }
}

/** Every positive expression, none of the negative ones. */
export function andNot(positive: readonly string[], negative: readonly string[]): string {
  const all = positive.map((e) => `(${e})`).join(' AND ');
  return negative.length ? `${all} NOT (${negative.map((e) => `(${e})`).join(' OR ')})` : all;
}
