// What the editor's HTML becomes on the wire: clean HTML (DOMPurify with a tight allow-list:
// the marks and blocks the toolbar makes, links to web and mail addresses only) and its
// plain-text alternative, which keeps paragraphs, list bullets and numbers, links as
// "text <url>" and quotes as "> ".
import DOMPurify from 'dompurify';

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
];
const ALLOWED_ATTR = ['href', 'start'];
const SAFE_URI = /^(?:https?:|mailto:)/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** An instance of its own, so its hook touches no other sanitizer of the page. */
function purify(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'start' && !/^\d{1,6}$/.test(data.attrValue)) data.keepAttr = false;
  });
  return purifier;
}

export function cleanHtml(html: string): string {
  return purify().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URI,
    // Not a URI: without this DOMPurify would judge "3" by the URI rule above.
    ADD_URI_SAFE_ATTR: ['start'],
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
    default:
      return blocksOf(el).join('\n\n');
  }
}

export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  return blocksOf(doc.body).join('\n\n');
}

/** Both parts of an outgoing message from the editor's HTML. */
export function outgoingBodies(editorHtml: string): { html: string; text: string } {
  const html = cleanHtml(editorHtml);
  return { html, text: htmlToText(html) };
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
