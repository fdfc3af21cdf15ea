// The document a message's sanitized HTML is shown in: a sandboxed iframe's srcdoc with its
// own CSP. The message's own styles (style attributes and <style>) apply in both modes:
// 'unsafe-inline' alone admits no stylesheet from elsewhere, so @import stays off. While
// remote content is blocked the frame may show only data: images (cid: images are turned
// into data: URLs by the reader), which holds for CSS backgrounds too; once the user allows
// it for this message, images from anywhere. Scripts, frames, forms, fonts and connections
// stay off in both cases.
//
// A srcdoc frame also inherits the app page's CSP, so the server's policy must allow what
// the frame asks for (see the renderer report: img-src and style-src of main/server/guard.ts).

export const FRAME_CSP_BLOCKED =
  "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'";
export const FRAME_CSP_REMOTE =
  "default-src 'none'; img-src * data: cid:; style-src 'unsafe-inline'";

/**
 * `sandbox` without allow-scripts, allow-forms, allow-popups or allow-top-navigation. It
 * keeps allow-same-origin so the reader can catch link clicks and style the frame; with
 * scripts off that gives the message itself no power at all.
 */
export const FRAME_SANDBOX = 'allow-same-origin';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

export function frameDocument(bodyHtml: string, allowRemote: boolean): string {
  const csp = allowRemote ? FRAME_CSP_REMOTE : FRAME_CSP_BLOCKED;
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">` +
    '<meta name="referrer" content="no-referrer">' +
    `</head><body>${bodyHtml}</body></html>`
  );
}

/**
 * The frame's own look, adopted as a constructed stylesheet from outside (CSP governs <style>
 * and style attributes, not the CSSOM). In a cascade layer, so that the message's own
 * styles, which are unlayered, win over it whatever their specificity.
 *
 * A blocked image has no src, and Chromium then draws its alt text as an inline box that
 * ignores width and height: as an inline-block it keeps the size the message gave it, and
 * no `height: auto` may override its height attribute (presentational hints lose to every
 * layer).
 */
export const FRAME_BASE_CSS = `
@layer maildock {
html { color-scheme: light; background: #fff; color: #1d1d1f; }
body { margin: 0; padding: 16px 20px; font: 14px/1.5 system-ui, sans-serif; overflow-wrap: anywhere; }
img { max-width: 100%; }
img[src] { height: auto; }
img:not([src]) { display: inline-block; overflow: hidden; outline: 1px dashed #c0c0c8; outline-offset: -1px; min-width: 16px; min-height: 16px; }
a { color: #0a58ca; }
blockquote { margin: 0 0 0 4px; padding-left: 12px; border-left: 3px solid #d0d0d8; color: #555; }
pre { white-space: pre-wrap; }
}
`;
