// The parser of the search language (semantics in search-query.ts): recursive descent over
// the text itself, so every node and every error keeps its position. Grammar, loosest first:
//   query       := conjunction
//   conjunction := (orChain)*            items side by side are ANDed
//   orChain     := item ("OR" item)*     OR binds tighter than the space, as in Gmail
//   item        := "-"? ( "(" conjunction ")" | "phrase" | operator:value | word )
import { syntaxError, valueNode } from './search-operators.js';
import type { SearchNode, SearchQuery } from './search-query.js';
import {
  EXAMPLES,
  MIN_PREFIX,
  SEARCH_OPERATORS,
  TEXT_OPERATORS,
  hasSearchableText,
  type SearchOperator,
  type TextField,
} from './search-values.js';
import { termTokens } from './snippet.js';

// A character that ends a word's last token as the index cuts it (snippet.ts termTokens).
const TOKEN_END = /[\p{L}\p{N}\p{M}]$/u;

/** One item as read: its node (null when it holds nothing to look for), and its `-`. */
interface Item {
  node: SearchNode | null;
  negated: boolean;
  position: number;
  end: number;
}

// Whitespace separates items; control characters count as whitespace so none reaches an
// index (a NUL ends an FTS5 string early).
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

/** Where a bare word ends: at whitespace, a quote or a parenthesis. */
function endsWord(ch: string | undefined): boolean {
  return ch === undefined || isSpace(ch) || ch === '"' || ch === '(' || ch === ')';
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

/** Reads a query of the search language; a SEARCH_SYNTAX error says where it went wrong. */
export function parseSearchQuery(input: string): SearchQuery {
  return { root: new Parser(input).parse() };
}

export class Parser {
  private cursor = 0;

  constructor(private readonly input: string) {}

  parse(): SearchNode | null {
    return this.conjunction(null);
  }

  private atEnd(): boolean {
    return this.cursor >= this.input.length;
  }

  private skipSpace(): void {
    while (this.cursor < this.input.length && isSpace(this.input[this.cursor])) this.cursor++;
  }

  /** The text from `start` to the next whitespace, for error messages. */
  private nearFrom(start: number): string {
    let end = start;
    while (end < this.input.length && !isSpace(this.input[end])) end++;
    return this.input.slice(start, end);
  }

  /** `OR` in capitals, standing alone, at `at`. */
  private isOrAt(at: number): boolean {
    return (
      this.input.startsWith('OR', at) &&
      (at === 0 || endsWord(this.input[at - 1])) &&
      endsWord(this.input[at + 2])
    );
  }

  /** Items up to the end, or (inside the group opened at `open`) up to its `)`. */
  private conjunction(open: number | null): SearchNode | null {
    const items: Item[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) {
        if (open !== null) {
          throw syntaxError(
            `The parenthesis at position ${open} is never closed: add a ")".`,
            open,
            '(',
          );
        }
        break;
      }
      const at = this.cursor;
      if (this.input[at] === ')') {
        if (open === null) {
          throw syntaxError(
            `The ")" at position ${at} closes nothing: remove it, or open the group with "(".`,
            at,
            ')',
          );
        }
        this.cursor++;
        break;
      }
      if (this.isOrAt(at)) {
        throw syntaxError(
          `"OR" at position ${at} has nothing before it: put what to look for on each side, like from:alice OR from:bob.`,
          at,
          'OR',
        );
      }
      items.push(this.orChain());
    }
    const kept = items.filter((i) => i.node !== null);
    if (!kept.some((i) => !i.negated)) {
      const negation = kept[0];
      if (negation) {
        const near = this.input.slice(negation.position, negation.end);
        throw syntaxError(
          open === null
            ? `The search only excludes things (the "-" at position ${negation.position}): add something to look for, like a word or in:inbox.`
            : `The group at position ${open} only excludes things (the "-" at position ${negation.position}): add something to look for inside it.`,
          negation.position,
          near,
        );
      }
      if (open !== null) {
        throw syntaxError(
          `The parentheses at position ${open} hold nothing to look for: put words or operators inside, or remove them.`,
          open,
          this.input.slice(open, this.cursor),
        );
      }
      return null;
    }
    const nodes = kept.flatMap((i) => (i.node!.kind === 'and' ? i.node!.items : [i.node!]));
    return nodes.length === 1
      ? nodes[0]!
      : { kind: 'and', items: nodes, position: nodes[0]!.position };
  }

  private orChain(): Item {
    const first = this.item();
    const sides = [first];
    const ors: number[] = [];
    for (;;) {
      const back = this.cursor;
      this.skipSpace();
      if (!this.isOrAt(this.cursor)) {
        this.cursor = back;
        break;
      }
      const at = this.cursor;
      ors.push(at);
      this.cursor += 2;
      this.skipSpace();
      if (this.atEnd() || this.input[this.cursor] === ')' || this.isOrAt(this.cursor)) {
        throw syntaxError(
          `"OR" at position ${at} has nothing after it: put what to look for on each side, like from:alice OR from:bob.`,
          at,
          'OR',
        );
      }
      sides.push(this.item());
    }
    if (sides.length === 1) return first;
    sides.forEach((side, n) => {
      const or = ors[Math.max(0, n - 1)]!;
      if (side.node === null) {
        throw syntaxError(
          `Nothing to look for ${n === 0 ? 'before' : 'after'} the "OR" at position ${or}: each side needs letters, digits or an operator.`,
          or,
          'OR',
        );
      }
      if (side.negated) {
        throw syntaxError(
          `A side of "OR" only excludes things (the "-" at position ${side.position}): give each side something to look for, like (a OR b) -c.`,
          side.position,
          this.input.slice(side.position, side.end),
        );
      }
    });
    const items = sides.flatMap((s) => (s.node!.kind === 'or' ? s.node!.items : [s.node!]));
    return {
      node: { kind: 'or', items, position: first.position },
      negated: false,
      position: first.position,
      end: this.cursor,
    };
  }

  private item(): Item {
    const start = this.cursor;
    let negated = false;
    if (this.input[this.cursor] === '-') {
      negated = true;
      this.cursor++;
      const next = this.input[this.cursor];
      if (next === undefined || isSpace(next) || next === ')') {
        throw syntaxError(
          `A lone "-" at position ${start}: put what to exclude right after it, like -newsletter.`,
          start,
          '-',
        );
      }
    }
    // `selfNegated`: an operator that read its `-` as its opposite value (-is:unread).
    const made = (node: SearchNode | null, selfNegated = false): Item => {
      if (node === null && negated) {
        // Punctuation alone matches nothing: the user meant to exclude something and we
        // cannot tell what.
        throw syntaxError(
          `Nothing to exclude after the "-" at position ${start}: it needs letters or digits.`,
          start,
          this.input.slice(start, Math.max(this.cursor, start + 1)),
        );
      }
      const wrapped =
        negated && node !== null && !selfNegated
          ? ({ kind: 'not', item: node, position: start } as const)
          : node;
      return { node: wrapped, negated, position: start, end: this.cursor };
    };
    if (this.input[this.cursor] === '(') {
      const open = this.cursor++;
      return made(this.conjunction(open));
    }
    if (this.input[this.cursor] === '"') return made(this.text('any', this.quoted(), true, start));
    const wordStart = this.cursor;
    while (!endsWord(this.input[this.cursor])) this.cursor++;
    const word = this.input.slice(wordStart, this.cursor);
    const colon = word.indexOf(':');
    const name = colon > 0 ? word.slice(0, colon) : '';
    const rest = word.slice(colon + 1);
    const next = this.input[this.cursor];
    const valueFollows = rest.length > 0 || next === '"' || next === '(';
    if (isOperatorName(name)) {
      const op = name.toLowerCase();
      if (isKnownOperator(op)) {
        const node = this.operator(op, rest, wordStart + colon + 1, start, negated);
        return made(node, negatesItself(node));
      }
      // `Re: subject` and pasted URLs are text; `foo:bar` is an operator nobody knows.
      if (valueFollows && !rest.startsWith('/')) {
        throw syntaxError(
          `Unknown operator "${name}:" at position ${wordStart}. Known operators: ` +
            `${SEARCH_OPERATORS.map((o) => `${o}:`).join(' ')}. To search for the text itself, put it in quotes.`,
          wordStart,
          this.nearFrom(wordStart),
        );
      }
    }
    return made(this.text('any', word, false, start));
  }

  /** Reads `"…"` at the cursor and returns its content. */
  private quoted(): string {
    const open = this.cursor;
    const close = this.input.indexOf('"', open + 1);
    if (close < 0) {
      throw syntaxError(
        `The quote at position ${open} is never closed: add a closing ".`,
        open,
        this.input.slice(open),
      );
    }
    this.cursor = close + 1;
    return this.input.slice(open + 1, close);
  }

  /**
   * A text term, or null when the text holds nothing the index keeps. A bare word is a
   * prefix when it ends in `*`, or when it ends the query as typed (search as you type).
   */
  private text(
    field: TextField,
    raw: string,
    quoted: boolean,
    position: number,
  ): SearchNode | null {
    let text = raw;
    let prefix = false;
    if (!quoted) {
      const starred = text.replace(/\*+$/, '');
      const typing = this.cursor === this.input.length && TOKEN_END.test(text);
      if (starred !== text || typing) {
        const last = termTokens(starred).at(-1);
        prefix = last !== undefined && [...last].length >= MIN_PREFIX;
      }
      text = starred;
    }
    if (!hasSearchableText(text)) return null;
    return { kind: 'text', field, text, quoted, prefix, position };
  }

  private operator(
    op: SearchOperator,
    rest: string,
    valueStart: number,
    start: number,
    negated: boolean,
  ): SearchNode {
    const opStart = valueStart - op.length - 1;
    let value = rest;
    let quoted = false;
    if (value.length === 0) {
      if (this.input[this.cursor] !== '"') {
        const group = this.input[this.cursor] === '(';
        throw syntaxError(
          `"${op}:" at position ${opStart} needs a value, like ${EXAMPLES[op]}` +
            (group ? `; for several, write (${op}:a OR ${op}:b).` : '.'),
          opStart,
          this.input.slice(opStart, this.cursor),
        );
      }
      value = this.quoted();
      quoted = true;
    }
    const near = this.input.slice(valueStart, this.cursor);
    const field = TEXT_OPERATORS[op];
    if (field) {
      const node = this.text(field, value, quoted, start);
      if (!node) {
        throw syntaxError(
          `Nothing to look for in "${near}" at position ${valueStart}: ${op}: needs letters or digits, like ${EXAMPLES[op]}.`,
          valueStart,
          near,
        );
      }
      return node;
    }
    return valueNode(op, value, { start, valueStart, near, negated });
  }
}

/** Operators whose negation the parser turns into their opposite value. */
function negatesItself(node: SearchNode): boolean {
  return node.kind === 'flag' || node.kind === 'date' || node.kind === 'size';
}
