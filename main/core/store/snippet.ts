// Snippets of the body around the first match, made in JavaScript from the start of the
// text. FTS5's snippet() re-reads and re-tokenizes the whole body of every hit, which made
// it nearly all of a search's time; this reads a bounded window and tokenizes like the index
// does (unicode61: runs of letters and digits, case and diacritics folded).

/** Start of the body that a snippet is looked for in; a match beyond it falls back to FTS5. */
export const SNIPPET_SOURCE_CHARS = 16_384;
const TOKENS_BEFORE = 5;
const TOKENS_IN_SNIPPET = 16;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /\p{M}/gu;

// Anything outside printable ASCII (control characters are rare and harmless here).
const ASCII = /^[ -~\t\r\n]*$/;

export function fold(token: string): string {
  const lower = token.toLowerCase();
  return ASCII.test(lower) ? lower : lower.normalize('NFD').replace(MARKS, '');
}

/** A search term as the index sees it: its folded tokens, in order. */
export function termTokens(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => fold(m[0])).filter((t) => t.length > 0);
}

/**
 * A term to highlight: its folded tokens, the last one ending in `*` when it matches as a
 * prefix (no token holds a `*`, so the mark cannot be confused with text).
 */
export function snippetTerm(text: string, prefix: boolean): string[] {
  const tokens = termTokens(text);
  if (prefix && tokens.length) tokens[tokens.length - 1] += '*';
  return tokens;
}

function tokenMatches(folded: string | undefined, wanted: string): boolean {
  if (folded === undefined) return false;
  return wanted.endsWith('*') ? folded.startsWith(wanted.slice(0, -1)) : folded === wanted;
}

interface Token {
  start: number;
  end: number;
  folded: string;
}

/**
 * `text` around the first occurrence of any term, with every term occurrence wrapped in
 * `open`/`close`, and `ellipsis` where text was cut; null when no term occurs in it.
 */
export function markedSnippet(
  text: string,
  terms: readonly (readonly string[])[],
  open: string,
  close: string,
  ellipsis = '…',
): string | null {
  const wanted = terms.filter((t) => t.length > 0);
  if (!wanted.length) return null;
  // Plain ASCII text folds to its lower case with the same offsets, so the first match can be
  // found with indexOf and tokenizing start a little before it.
  let begin = 0;
  if (ASCII.test(text)) {
    const lower = text.toLowerCase();
    let best = -1;
    for (const term of wanted) {
      const at = lower.indexOf(term[0]!.replace(/\*$/, ''));
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    if (best < 0) return null;
    begin = Math.max(0, best - 400);
    while (begin > 0 && /[A-Za-z0-9]/.test(text[begin - 1]!)) begin--;
  }
  // Tokens are read lazily: only up to the first match and the window after it.
  const tokens: Token[] = [];
  const it = text.slice(begin).matchAll(TOKEN);
  let exhausted = false;
  const tokenAt = (i: number): Token | undefined => {
    while (!exhausted && tokens.length <= i) {
      const m = it.next();
      if (m.done) exhausted = true;
      else
        tokens.push({
          start: begin + m.value.index,
          end: begin + m.value.index + m.value[0].length,
          folded: fold(m.value[0]),
        });
    }
    return tokens[i];
  };
  const matchAt = (i: number): number => {
    for (const term of wanted) {
      if (term.every((t, k) => tokenMatches(tokenAt(i + k)?.folded, t))) return term.length;
    }
    return 0;
  };
  let first = -1;
  for (let i = 0; first < 0 && tokenAt(i); i++) if (matchAt(i)) first = i;
  if (first < 0) return null;
  tokenAt(Math.max(0, first - TOKENS_BEFORE) + TOKENS_IN_SNIPPET);

  const from = Math.max(0, first - TOKENS_BEFORE);
  const to = Math.min(tokens.length, from + TOKENS_IN_SNIPPET);
  let out = from > 0 || begin > 0 ? ellipsis : '';
  let at = tokens[from]!.start;
  for (let i = from; i < to;) {
    const n = matchAt(i);
    if (!n) {
      i++;
      continue;
    }
    const last = Math.min(i + n, to) - 1;
    out +=
      text.slice(at, tokens[i]!.start) +
      open +
      text.slice(tokens[i]!.start, tokens[last]!.end) +
      close;
    at = tokens[last]!.end;
    i = last + 1;
  }
  const end = tokens[to - 1]!.end;
  out += text.slice(at, end);
  if (to < tokens.length || /[\p{L}\p{N}]/u.test(text.slice(end))) out += ellipsis;
  return out;
}
