// Printing a message or a conversation: a clean document of its own (headers and body, a
// print stylesheet), built from the same sanitized HTML as the reader's frame, with remote
// content blocked by the same CSP, in a hidden frame that the browser prints. The frame
// runs no script (sandbox without allow-scripts); allow-modals is what lets print() run.
import { FRAME_CSP_BLOCKED } from './frame-doc.js';

export interface PrintedMessage {
  subject: string;
  /** Label and value, in order (From, To, Cc, Date). */
  headers: readonly (readonly [string, string])[];
  /** Sanitized HTML with remote content blocked, or null for `text`. */
  html: string | null;
  text: string | null;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const PRINT_CSS = `
body { margin: 0; font: 12pt/1.45 system-ui, sans-serif; color: #000; background: #fff; overflow-wrap: anywhere; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
.print-message + .print-message { break-before: page; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 10pt; margin: 0 0 12pt; padding-bottom: 8pt; border-bottom: 1px solid #999; }
dt { font-weight: 600; }
dd { margin: 0; }
img { max-width: 100%; }
img:not([src]) { display: none; }
pre.print-text { white-space: pre-wrap; font: inherit; margin: 0; }
a { color: inherit; }
@page { margin: 18mm; }
`;

export function printableDocument(title: string, messages: readonly PrintedMessage[]): string {
  const parts = messages.map((m) => {
    const rows = m.headers
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
      .join('');
    const body =
      m.html !== null
        ? `<div class="print-body">${m.html}</div>`
        : `<pre class="print-text">${escapeHtml(m.text ?? '')}</pre>`;
    return `<article class="print-message"><h1>${escapeHtml(m.subject)}</h1><dl>${rows}</dl>${body}</article>`;
  });
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(FRAME_CSP_BLOCKED)}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)}</title><style>${PRINT_CSS}</style>` +
    `</head><body>${parts.join('')}</body></html>`
  );
}

/**
 * Prints `html` through a hidden frame. The frame stays until the next print: the print
 * dialog of some browsers returns before it has read the page.
 */
export function printHtml(html: string, doc: Document = document): HTMLIFrameElement {
  doc.querySelector('iframe.print-frame')?.remove();
  const frame = doc.createElement('iframe');
  frame.className = 'print-frame';
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  Object.assign(frame.style, {
    position: 'fixed',
    right: '0',
    bottom: '0',
    width: '0',
    height: '0',
    border: '0',
  });
  frame.addEventListener('load', () => frame.contentWindow?.print(), { once: true });
  frame.srcdoc = html;
  doc.body.append(frame);
  return frame;
}
