// HTML → plain text for the search index and the list's snippet. htmlparser2's tokenizer
// streams over the markup once and keeps no tree and no stack of open elements, so time is
// linear whatever the nesting (a tree builder matches each end tag against the open ones,
// which hostile mail can make quadratic). What the reader never sees (<head>, <script>,
// <style>, <title>) is left out; entities are decoded; block boundaries become line breaks;
// quoted replies (<blockquote>) come out as "> " lines, as in plain-text mail.
import { Tokenizer } from 'htmlparser2';

/** Elements that end a line of text; the paragraph-like ones leave a blank line. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'legend',
  'li',
  'main',
  'menu',
  'nav',
  'ol',
  'option',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CELL = new Set(['td', 'th']);
/** Raw-text elements whose content is never shown (the tokenizer reads them as one text). */
const HIDDEN = new Set(['script', 'style', 'title']);
/** What may stand in <head>; any other element starts the body, as a browser does. */
const HEAD_CONTENT = new Set(['base', 'link', 'meta', 'noscript', 'script', 'style', 'template']);
// Characters that only shape the text: mail pads its preview line with them (&zwnj;&nbsp;…),
// and a soft hyphen splits a word that must still be found whole.
const INVISIBLE = /\u00ad|\u034f|\u200c|\u200d|\u2060|\u180e/g;
const SPACES = /[\s\u200b]+/g;
const LINE = /\r\n?|\n/;

/** Text written with collapsed spaces, at most two line breaks in a row, up to a cap. */
class TextSink {
  private text = '';
  private length = 0;
  private breaks = 0;
  private space = false;
  private lineStart = true;
  full = false;

  constructor(private readonly max: number) {}

  /** A boundary of `n` line breaks (1 or 2) before the next text, if any comes. */
  block(n: number): void {
    this.breaks = Math.max(this.breaks, n);
  }

  lineBreak(): void {
    this.breaks = Math.min(2, this.breaks + 1);
  }

  /** Text as the markup had it: runs of white space become one space. */
  inline(raw: string, quoted: boolean): void {
    const text = raw.replace(SPACES, ' ');
    if (text === '') return;
    const lead = text.charCodeAt(0) === 0x20;
    const trail = text.charCodeAt(text.length - 1) === 0x20;
    if (lead) this.space = true;
    const body = text.slice(lead ? 1 : 0, trail ? text.length - 1 : text.length);
    if (body !== '') this.put(body, quoted);
    if (trail) this.space = true;
  }

  private put(body: string, quoted: boolean): void {
    if (this.length > 0) {
      if (this.breaks > 0) {
        this.emit(this.breaks === 1 ? '\n' : '\n\n');
        this.lineStart = true;
      } else if (this.space) this.emit(' ');
    }
    this.breaks = 0;
    this.space = false;
    if (this.lineStart && quoted) this.emit('> ');
    this.lineStart = false;
    this.emit(body);
  }

  private emit(str: string): void {
    if (this.full) return;
    const room = this.max - this.length;
    if (str.length < room) {
      this.text += str;
      this.length += str.length;
      return;
    }
    const code = str.charCodeAt(room - 1);
    // Never half a surrogate pair at the end.
    this.text += str.slice(0, code >= 0xd800 && code <= 0xdbff ? room - 1 : room);
    this.length = this.max;
    this.full = true;
  }

  toString(): string {
    return this.text;
  }
}

/** The visible text of an HTML document, at most `maxChars` UTF-16 units of it. */
export function htmlToText(html: string, maxChars: number): string {
  if (!(maxChars >= 1)) return '';
  const out = new TextSink(Math.floor(maxChars));
  let hidden: string | null = null;
  let inHead = false;
  let quote = 0;
  let pre = 0;
  let tag = '';

  const text = (raw: string): void => {
    if (hidden !== null) return;
    const visible = raw.replace(INVISIBLE, '');
    if (inHead) {
      if (!/\S/.test(visible)) return;
      inHead = false;
    }
    if (pre === 0) out.inline(visible, quote > 0);
    else {
      const lines = visible.split(LINE);
      lines.forEach((line, i) => {
        if (i > 0) out.lineBreak();
        out.inline(line, quote > 0);
      });
    }
    if (out.full) tokenizer.pause();
  };

  const open = (name: string): void => {
    if (inHead && !HEAD_CONTENT.has(name) && !HIDDEN.has(name)) inHead = false;
    if (HIDDEN.has(name)) hidden = name;
    else if (name === 'head') inHead = true;
    else if (name === 'br') out.lineBreak();
    else if (PARAGRAPH.has(name)) out.block(2);
    else if (CELL.has(name)) out.inline(' ', false);
    else if (BLOCK.has(name)) {
      out.block(1);
      if (name === 'blockquote') quote++;
      else if (name === 'pre') pre++;
    }
  };

  const close = (name: string): void => {
    if (hidden !== null) {
      if (name === hidden) hidden = null;
      return;
    }
    if (name === 'head') inHead = false;
    else if (PARAGRAPH.has(name)) out.block(2);
    else if (CELL.has(name)) out.inline(' ', false);
    else if (BLOCK.has(name)) {
      out.block(1);
      if (name === 'blockquote') quote = Math.max(0, quote - 1);
      else if (name === 'pre') pre = Math.max(0, pre - 1);
    }
  };

  const ignore = (): void => undefined;
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
      onopentagname: (start, end) => {
        tag = html.slice(start, end).toLowerCase();
        open(tag);
      },
      // The tokenizer reads `<script/>` as empty, not as the start of a script.
      onselfclosingtag: () => {
        if (hidden === tag) hidden = null;
      },
      onclosetag: (start, end) => close(html.slice(start, end).toLowerCase()),
      onopentagend: ignore,
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      onattribname: ignore,
      oncdata: ignore,
      oncomment: ignore,
      ondeclaration: ignore,
      onprocessinginstruction: ignore,
      onend: ignore,
    },
  );
  tokenizer.write(html);
  if (!out.full) tokenizer.end();
  return out.toString();
}
