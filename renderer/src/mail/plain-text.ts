// Plain-text mail as blocks the reader can show: quoted passages (lines starting with ">")
// folded into their own blocks, and addresses in the text turned into links. Pure, so the
// rules are tested without a DOM; PlainBody.tsx renders the result as React elements,
// never as HTML, so nothing in the text can become markup.

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** A line and how deeply it is quoted (0: not quoted). */
export interface Line {
  depth: number;
  segments: Segment[];
}

export interface Block {
  kind: 'text' | 'quote';
  lines: Line[];
}

// http(s) URLs, www. addresses and e-mail addresses; trailing punctuation is trimmed below.
const LINKISH =
  /\b(?:https?:\/\/[^\s<>"'`]+|www\.[^\s<>"'`]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const TRAILING = /[.,;:!?'"]+$/;

/** Drops punctuation that ends a sentence, and a ")" with no "(" in the URL. */
function trimUrl(url: string): string {
  let u = url.replace(TRAILING, '');
  while (/[)\]}>]$/.test(u)) {
    const close = u.at(-1)!;
    const open = { ')': '(', ']': '[', '}': '{', '>': '<' }[close]!;
    if (u.split(open).length >= u.split(close).length) break;
    u = u.slice(0, -1).replace(TRAILING, '');
  }
  return u;
}

export function linkify(line: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of line.matchAll(LINKISH)) {
    const raw = trimUrl(m[0]);
    if (!raw) continue;
    const start = m.index;
    const isMail = !/^(?:https?:\/\/|www\.)/i.test(raw);
    const href = isMail ? `mailto:${raw}` : /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (start > last) out.push({ kind: 'text', text: line.slice(last, start) });
    out.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < line.length) out.push({ kind: 'text', text: line.slice(last) });
  return out;
}

/** How many ">" levels a line is quoted at ("> > x" and ">> x" are both 2). */
function quoteDepth(line: string): number {
  const m = /^(?:\s{0,3}>)+/.exec(line);
  return m ? (m[0].match(/>/g) ?? []).length : 0;
}

const stripQuote = (line: string) => line.replace(/^(?:\s{0,3}>)+ ?/, '');

export function plainTextBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const line of lines) {
    const depth = quoteDepth(line);
    const content: Line = { depth, segments: linkify(depth ? stripQuote(line) : line) };
    const kind = depth === 0 ? 'text' : 'quote';
    const prev = blocks.at(-1);
    // One fold per quoted passage, however its levels nest.
    if (prev?.kind === kind) prev.lines.push(content);
    else blocks.push({ kind, lines: [content] });
  }
  // A message's trailing blank lines are noise.
  const tail = blocks.at(-1);
  if (tail?.kind === 'text') {
    while (tail.lines.length > 1 && tail.lines.at(-1)!.segments.length === 0) tail.lines.pop();
  }
  return blocks;
}
