// The text of a message that search and the list's snippet read, from its text and HTML
// parts. Both come from the same text, so a word the snippet shows is a word search finds.
// Apart from the parser, so that re-deriving it from stored bodies does not load mailparser.
import { htmlToText } from './html-text.js';

const SNIPPET_CHARS = 200;
/**
 * A text part shorter than this may be only a stub of the HTML ("View this email in your
 * browser"): then the HTML's text is indexed too when it has other words. Longer text parts
 * are real plain-text versions.
 */
export const STUB_TEXT_CHARS = 1024;

export interface BodyText {
  /** What the index holds when it is not the text part itself; null when it is. */
  searchText: string | null;
  snippet: string;
}

/**
 * The searchable text: the text part; the HTML's text when there is no text part; both when
 * the text part is short and the HTML has words it lacks (a stub, or a text part that left
 * things out: indexing a short text twice costs little). Capped at maxChars.
 */
export function bodyText(text: string | null, html: string | null, maxChars: number): BodyText {
  const plain = text !== null && /\S/.test(text) ? text : null;
  let searchText: string | null = null;
  if (html !== null) {
    if (plain === null) searchText = htmlToText(html, maxChars);
    else if (plain.length < STUB_TEXT_CHARS) {
      const fromHtml = htmlToText(html, maxChars);
      if (hasWordsBeyond(fromHtml, plain)) searchText = cut(`${fromHtml}\n\n${plain}`, maxChars);
    }
  }
  return { searchText, snippet: snippetFromText(searchText ?? plain ?? '') };
}

const WORD = /[\p{L}\p{N}]+/gu;

function hasWordsBeyond(text: string, known: string): boolean {
  const words = new Set(Array.from(known.matchAll(WORD), (m) => m[0].toLowerCase()));
  for (const m of text.matchAll(WORD)) if (!words.has(m[0].toLowerCase())) return true;
  return false;
}

/** About SNIPPET_CHARS of whitespace-collapsed text, quoted lines left out. */
export function snippetFromText(text: string): string {
  let out = '';
  for (let pos = 0; pos < text.length && out.length < SNIPPET_CHARS;) {
    const nl = text.indexOf('\n', pos);
    const line = text.slice(pos, nl < 0 ? text.length : nl).trim();
    pos = nl < 0 ? text.length : nl + 1;
    if (!line || line.startsWith('>')) continue;
    out += (out ? ' ' : '') + line.replace(/[\s\p{Cc}]+/gu, ' ');
  }
  if (out.length <= SNIPPET_CHARS) return out;
  // Whole words only: a word cut in two is one search would not find.
  const head = cut(out, SNIPPET_CHARS + 1);
  const space = head.lastIndexOf(' ');
  return (space > SNIPPET_CHARS / 2 ? head.slice(0, space) : cut(head, SNIPPET_CHARS)).trimEnd();
}

/** The first `max` UTF-16 units, without leaving half a surrogate pair at the end. */
export function cut(str: string, max: number): string {
  if (str.length <= max) return str;
  const code = str.charCodeAt(max - 1);
  return str.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
