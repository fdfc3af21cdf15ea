// An identity's signature in the message being written: a block of the editor's HTML marked
// as the signature (<div data-signature>), put under the writer's text and above a reply's
// quote, and found again when the writer picks another From. A signature the writer edited
// is theirs from then on: it stays, unmarked, and the new identity's goes under it.
import { signatureHtml } from '../../../common/identities.js';
import type { Signature } from '../../../common/types.js';
import { cleanHtml, htmlToText, SIGNATURE_ATTR } from './html-text.js';

const parse = (html: string) =>
  new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;

const find = (body: HTMLElement) => body.querySelector(`div[${SIGNATURE_ATTR}]`);

/** What a signature says, spaces aside: how an edit to it is told. */
const words = (html: string) => htmlToText(html).replace(/\s+/g, ' ').trim();

const hasBlock = (html: string) => /<(p|ul|ol|blockquote)[\s>]/i.test(html);

/** A signature as the editor's block, sanitized; '' for none. */
export function signatureBlockHtml(signature: Signature | null | undefined): string {
  const own = cleanHtml(signatureHtml(signature));
  if (!words(own)) return '';
  // A signature never holds another one; its lines are a paragraph the editor keeps as it is.
  const inner = own.replace(new RegExp(`\\s${SIGNATURE_ATTR}=""`, 'g'), '');
  return `<div ${SIGNATURE_ATTR}="">${hasBlock(inner) ? inner : `<p>${inner}</p>`}</div>`;
}

/** Whether a signature block says what this signature says. */
const says = (block: Element, signature: Signature | null | undefined) =>
  words(block.innerHTML) ===
  words(parse(signatureBlockHtml(signature)).firstElementChild?.innerHTML ?? '');

/** The body's signature is the one inserted, as it was: no signature counts as unchanged. */
export function signatureUnchanged(html: string, signature: Signature | null | undefined): boolean {
  const found = find(parse(html));
  return !found || says(found, signature);
}

/** The body without its signature block: what the writer wrote. */
export function withoutSignature(html: string): string {
  const body = parse(html);
  find(body)?.remove();
  return body.innerHTML;
}

/**
 * Where a signature goes when the body has none: above a reply's quote (its attribution and
 * the blockquote that end the body), else at the end, under a line to write on.
 */
function place(body: HTMLElement, block: Element, quoted: boolean): void {
  const last = body.lastElementChild;
  const attribution = last?.previousElementSibling;
  if (quoted && last?.tagName === 'BLOCKQUOTE' && attribution?.tagName === 'P') {
    attribution.before(block);
    return;
  }
  if (!body.textContent?.trim()) body.replaceChildren(body.ownerDocument.createElement('p'));
  body.append(block);
}

const blockOf = (signature: Signature | null | undefined) => {
  const html = signatureBlockHtml(signature);
  return html ? parse(html).firstElementChild : null;
};

/** A body opened with a signature: under what it holds, above a reply's quote. */
export function addSignature(
  html: string,
  signature: Signature | null | undefined,
  opts: { quoted?: boolean } = {},
): string {
  const body = parse(html);
  const block = blockOf(signature);
  if (!block || find(body)) return html;
  place(body, block, opts.quoted ?? false);
  return body.innerHTML;
}

/**
 * The body with `before`'s signature taken out (unless the writer edited it: then it stays,
 * no longer marked) and `after`'s put where it was, or where a signature goes.
 */
export function swapSignature(
  html: string,
  before: Signature | null | undefined,
  after: Signature | null | undefined,
  opts: { quoted?: boolean } = {},
): string {
  const body = parse(html);
  const block = blockOf(after);
  const old = find(body);
  if (old) {
    if (block) old.after(block);
    if (says(old, before)) old.remove();
    else old.replaceWith(...old.childNodes);
  } else if (block) {
    place(body, block, opts.quoted ?? false);
  }
  return body.innerHTML;
}
