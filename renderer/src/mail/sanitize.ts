// HTML mail made harmless before it reaches the reader's frame: DOMPurify with the HTML
// profile only (no SVG or MathML), no forms, frames, media or document-level tags, links
// limited to absolute http(s) and mailto addresses, and remote content (images, CSS, backgrounds) taken out
// unless the user allowed it for this message. The message's own styles stay (css.ts). Tracking pixels go either way. The frame's
// own sandbox and CSP (frame-doc.ts) hold even if something slipped through here.
import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';
import { cleanCss } from './css.js';
import { isTrackingPixel } from './trackers.js';

export interface SanitizeOptions {
  /** The user chose to load remote content for this message. */
  allowRemote: boolean;
}

export interface SanitizedMail {
  /** The body's markup, for frame-doc.ts. */
  html: string;
  /** Remote images, backgrounds and CSS references held back (0 when allowed). */
  remoteBlocked: number;
  trackersRemoved: number;
  /** Content-IDs of the message's own images the markup refers to (cid:…). */
  cids: string[];
}

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'form',
    'input',
    'button',
    'select',
    'option',
    'optgroup',
    'textarea',
    'datalist',
    'output',
    'meta',
    'base',
    'link',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'audio',
    'video',
    'source',
    'track',
    'picture',
    'noscript',
    'template',
    'dialog',
    'portal',
    'title',
  ],
  FORBID_ATTR: ['srcset', 'ping', 'action', 'formaction', 'poster', 'lowsrc', 'dynsrc', 'longdesc'],
  ALLOW_DATA_ATTR: false,
  // A <style> first in the body would otherwise be hoisted into <head> and lost.
  FORCE_BODY: true,
};

const REMOTE = /^https?:/i;
const LINK_OK = /^(?:https?:|mailto:)/i;

interface State {
  allowRemote: boolean;
  remoteBlocked: number;
  trackersRemoved: number;
  cids: Set<string>;
}

export type MailSanitizer = (html: string, opts: SanitizeOptions) => SanitizedMail;

/** One DOMPurify instance per window, its hooks reading the state of the current call. */
export function createMailSanitizer(win: Window & typeof globalThis): MailSanitizer {
  const purify: Purifier = DOMPurify(win);
  let state: State | null = null;

  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName !== 'style' || !state) return;
    const text = node.textContent ?? '';
    const { css, removed } = cleanCss(text, state.allowRemote);
    if (css !== text) node.textContent = css;
    state.remoteBlocked += removed;
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!state) return;
    const el = node as Element;
    const tag = el.tagName?.toLowerCase();
    if (tag === 'img') image(el, state);
    if (tag === 'a' || tag === 'area') link(el);
    const background = el.getAttribute('background')?.trim();
    if (background !== undefined && !keepImageUrl(background, state)) {
      el.removeAttribute('background');
    }
    const style = el.getAttribute('style');
    if (style !== null) {
      const { css, removed } = cleanCss(style, state.allowRemote);
      state.remoteBlocked += removed;
      if (!css.trim()) el.removeAttribute('style');
      else if (css !== style) el.setAttribute('style', css);
    }
  });

  return (html, opts) => {
    state = { ...opts, remoteBlocked: 0, trackersRemoved: 0, cids: new Set() };
    try {
      const out = purify.sanitize(html, { ...CONFIG, RETURN_TRUSTED_TYPE: false });
      return {
        html: String(out),
        remoteBlocked: state.remoteBlocked,
        trackersRemoved: state.trackersRemoved,
        cids: [...state.cids],
      };
    } finally {
      state = null;
    }
  };
}

/** Whether an image address may stay; a remote one held back is counted. */
function keepImageUrl(url: string, state: State): boolean {
  if (/^data:image\//i.test(url)) return true;
  if (!REMOTE.test(url)) return false;
  if (!state.allowRemote) state.remoteBlocked++;
  return state.allowRemote;
}

function image(img: Element, state: State): void {
  const src = (img.getAttribute('src') ?? '').trim();
  if (/^cid:/i.test(src)) {
    state.cids.add(normalizeCid(src.slice(4)));
    return;
  }
  if (REMOTE.test(src) && isTrackingPixel(img, src)) {
    img.remove();
    state.trackersRemoved++;
    return;
  }
  // Blocked, relative (it would point into the app) or unusable: the image keeps its size
  // and alt text but loads nothing.
  if (!keepImageUrl(src, state)) img.removeAttribute('src');
}

function link(a: Element): void {
  const href = a.getAttribute('href');
  // Relative addresses go too: they would resolve against the app's own origin.
  if (href !== null && !LINK_OK.test(href.trim())) a.removeAttribute('href');
  // Clicks are caught by the reader (HtmlBody), which asks before opening anything.
  a.removeAttribute('target');
  a.setAttribute('rel', 'noopener noreferrer');
}

/** `cid:` URLs are percent-encoded; Content-IDs are compared without <> and case. */
export function normalizeCid(cid: string): string {
  let id = cid.trim();
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep it as written
  }
  return id.replace(/^<|>$/g, '').toLowerCase();
}
