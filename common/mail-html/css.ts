// The CSS of HTML mail (style attributes and <style> elements), kept so that the message
// looks as its sender made it, minus two things. What ran script in old browsers
// (expression(), behavior, -moz-binding) goes always. Remote references (url(), image-set(),
// @import, a font's src) go while remote content is blocked, so that a message cannot call
// home through its stylesheet; in the app, the frame's CSP blocks them as well, this is the
// second lock and what lets the reader count what it held back.

/** data: and cid: stay: they load nothing from the network. */
const LOCAL_URL = /^\s*['"]?\s*(?:data:|cid:)/i;
const URL_FN = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi;
const IMAGE_SET = /(?:-webkit-)?image-set\(/i;
const IMAGE_SET_FN = /(?:-webkit-)?image-set\((?:[^()]|\([^()]*\))*\)/gi;
const IMPORT = /@import\b[^;]*;?/gi;

/** CSS escapes (`\75 rl(`) decoded, to look for what a plain pattern would miss. */
function unescapeCss(css: string): string {
  return css
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_m, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    })
    .replace(/\\(.)/g, '$1')
    .replace(/\/\*[\s\S]*?\*\//g, '');
}

/** Looser than URL_FN on purpose: an unterminated `url(` still loads in CSS. */
const REMOTE_URL_START = /url\(\s*['"]?\s*(?!data:|cid:)/i;
const hasRemote = (css: string): boolean =>
  IMAGE_SET.test(css) || /@import\b/i.test(css) || REMOTE_URL_START.test(css);

export interface CssResult {
  css: string;
  /** Remote references removed. */
  removed: number;
}

/**
 * Templates still wrap their stylesheet in an HTML comment, for mail clients long gone. CSS
 * skips the markers, but DOMPurify drops a <style> whose text looks like markup.
 */
const HTML_COMMENT_MARKERS = /<!--|-->/g;
const SCRIPTED_DECLARATION =
  /(?<![\w-])(?:behavior|-moz-binding)\s*:[^;{}]*;?|(?<![\w-])[\w-]+\s*:[^;{}]*\bexpression\s*\([^;{}]*;?/gi;

/** The message's CSS as the frame may apply it. */
export function cleanCss(css: string, allowRemote: boolean): CssResult {
  const inert = css.replace(HTML_COMMENT_MARKERS, ' ').replace(SCRIPTED_DECLARATION, '');
  return allowRemote ? { css: inert, removed: 0 } : blockRemoteCss(inert);
}

/** The CSS without remote references; dropped whole when escapes hide one. */
export function blockRemoteCss(css: string): CssResult {
  let removed = 0;
  let out = css.replace(IMPORT, () => {
    removed++;
    return '';
  });
  // Whole, with the url()s inside it, so that one image-set counts once.
  out = out.replace(IMAGE_SET_FN, () => {
    removed++;
    return 'none';
  });
  out = out.replace(URL_FN, (whole, _q: string, url: string) => {
    if (LOCAL_URL.test(url)) return whole;
    removed++;
    return 'none';
  });
  // What survives plain matching but reads as a remote reference once unescaped (or through
  // comments) is not worth repairing: none of it is kept.
  if (hasRemote(unescapeCss(out))) return { css: '', removed: removed + 1 };
  return { css: out, removed };
}
