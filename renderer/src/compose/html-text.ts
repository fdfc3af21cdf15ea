// What the editor's HTML becomes on the wire: clean HTML (DOMPurify with a tight allow-list:
// the marks and blocks the toolbar makes, links to web and mail addresses only) and its
// plain-text alternative, which keeps paragraphs, list bullets and numbers, links as
// "text <url>" and quotes as "> ". The signature's block (<div data-signature>, signature.ts)
// stays marked, and its text comes under RFC 3676's "-- " line.
import DOMPurify from 'dompurify';

/** The attribute that marks the signature's block in the editor's HTML. */
export const SIGNATURE_ATTR = 'data-signature';

const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'div',
];
const ALLOWED_ATTR = ['href', 'start', SIGNATURE_ATTR];
const SAFE_URI = /^(?:https?:|mailto:)/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** An instance of its own, so its hook touches no other sanitizer of the page. */
function purify(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'start' && !/^\d{1,6}$/.test(data.attrValue)) data.keepAttr = false;
    // A mark, no value: only the signature's block carries it.
    if (data.attrName === SIGNATURE_ATTR) {
      if (node.tagName === 'DIV') data.attrValue = '';
      else data.keepAttr = false;
    }
  });
  return purifier;
}

export function cleanHtml(html: string): string {
  return purify().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URI,
    // Not a URI: without this DOMPurify would judge "3" by the URI rule above.
    ADD_URI_SAFE_ATTR: ['start', SIGNATURE_ATTR],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  });
}

const BLOCKS = new Set([
  'P',
  'DIV',
  'UL',
  'OL',
  'LI',
  'BLOCKQUOTE',
  'PRE',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
]);
const isBlock = (n: Node) => n.nodeType === 1 && BLOCKS.has((n as Element).tagName);

function inlineText(node: Node): string {
  if (node.nodeType === 3) return (node.textContent ?? '').replace(/[\s\u00a0]+/g, ' ');
  if (node.nodeType !== 1) return '';
  const el = node as Element;
  if (el.tagName === 'BR') return '\n';
  const inner = [...el.childNodes].map(inlineText).join('');
  if (el.tagName === 'A') {
    const href = el.getAttribute('href') ?? '';
    const shown = inner.trim();
    const same = href === shown || href === `mailto:${shown}` || href === `${shown}/`;
    return href && !same ? `${inner} <${href}>` : inner;
  }
  return inner;
}

const tidy = (s: string) =>
  s
    .split('\n')
    .map((l) => l.replace(/^ +| +$/g, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');

/** The blocks inside a node; runs of inline content between blocks count as one block. */
function blocksOf(parent: Node): string[] {
  const out: string[] = [];
  let run = '';
  const flush = () => {
    const t = tidy(run);
    if (t) out.push(t);
    run = '';
  };
  for (const child of parent.childNodes) {
    if (isBlock(child)) {
      flush();
      const t = blockText(child as Element);
      if (t) out.push(t);
    } else {
      run += inlineText(child);
    }
  }
  flush();
  return out;
}

const indent = (text: string, first: string) =>
  text
    .split('\n')
    .map((l, i) => (i === 0 ? first + l : l ? ' '.repeat(first.length) + l : l))
    .join('\n');

/** The core's quoting (compose.ts quoteText): "> " before a line, ">" before a quoted one. */
export function quoteLines(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : l ? `> ${l}` : '>'))
    .join('\n');
}

function blockText(el: Element): string {
  switch (el.tagName) {
    case 'UL':
    case 'OL': {
      const start = Number(el.getAttribute('start') ?? '1') || 1;
      const items = [...el.children].filter((c) => c.tagName === 'LI');
      return items
        .map((li, i) =>
          indent(blocksOf(li).join('\n'), el.tagName === 'OL' ? `${start + i}. ` : '- '),
        )
        .join('\n');
    }
    case 'BLOCKQUOTE':
      return quoteLines(blocksOf(el).join('\n\n'));
    case 'PRE':
      return (el.textContent ?? '').replace(/\n+$/, '');
    case 'DIV': {
      const text = blocksOf(el).join('\n\n');
      // "-- " alone on its line, trailing space and all, is how a reader finds the signature.
      return el.hasAttribute(SIGNATURE_ATTR) && text ? `-- \n${text}` : text;
    }
    default:
      return blocksOf(el).join('\n\n');
  }
}

/**
 * The text of some HTML. `signatureText`, when given, is said in place of the signature
 * block's own text: an identity's text signature, under an HTML one the writer left as it was.
 */
export function htmlToText(html: string, signatureText?: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const signature = doc.body.querySelector(`div[${SIGNATURE_ATTR}]`);
  if (signature && signatureText !== undefined) {
    const pre = doc.createElement('pre');
    pre.textContent = signatureText;
    signature.replaceChildren(pre);
  }
  return blocksOf(doc.body).join('\n\n');
}

/** Both parts of an outgoing message from the editor's HTML. */
export function outgoingBodies(
  editorHtml: string,
  signatureText?: string,
): { html: string; text: string } {
  const html = cleanHtml(editorHtml);
  return { html, text: htmlToText(html, signatureText) };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain-text body (an older draft's, say) as paragraphs for the editor. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
