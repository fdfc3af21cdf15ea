// What HTML mail may keep, for every sanitizer of it: the reader's (DOMPurify in the page)
// and the server's (DOMPurify over jsdom, for API clients). The HTML profile only (no SVG or
// MathML), no forms, frames, media or document-level tags, links limited to absolute
// http(s) and mailto addresses, and remote content (images, CSS, backgrounds) taken out
// unless the user allowed it. The message's own styles stay (css.ts). Tracking pixels go
// either way. Each side only wires these rules to its own DOMPurify instance, so the two
// cannot drift apart.
import { cleanCss } from './css.js';
import { isTrackingPixel } from './trackers.js';

export interface SanitizeOptions {
  /** The user chose to load remote content for this message. */
  allowRemote: boolean;
}

export interface SanitizedMail {
  /** The body's markup. */
  html: string;
  /** Remote images, backgrounds and CSS references held back (0 when allowed). */
  remoteBlocked: number;
  trackersRemoved: number;
  /** Content-IDs of the message's own images the markup refers to (cid:…). */
  cids: string[];
}

export type MailSanitizer = (html: string, opts: SanitizeOptions) => SanitizedMail;

const FORBID_TAGS = [
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
];
const FORBID_ATTR = [
  'srcset',
  'ping',
  'action',
  'formaction',
  'poster',
  'lowsrc',
  'dynsrc',
  'longdesc',
];

/** DOMPurify's configuration, new for each call so that no caller can change another's. */
export function mailPurifyConfig() {
  return {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [...FORBID_TAGS],
    FORBID_ATTR: [...FORBID_ATTR],
    ALLOW_DATA_ATTR: false,
    // A <style> first in the body would otherwise be hoisted into <head> and lost.
    FORCE_BODY: true,
    RETURN_TRUSTED_TYPE: false as const,
  };
}

const REMOTE = /^https?:/i;
const LINK_OK = /^(?:https?:|mailto:)/i;

/** What the rules read and change on an element: the DOM's own members, in any window. */
export interface MailElement {
  readonly tagName?: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  remove(): void;
}

interface State {
  allowRemote: boolean;
  remoteBlocked: number;
  trackersRemoved: number;
  cids: Set<string>;
}

/**
 * The rules as DOMPurify hooks of one instance: `styleElement` for uponSanitizeElement,
 * `attributes` for afterSanitizeAttributes; `run` wraps one synchronous sanitize call so the
 * hooks count into that call's result.
 */
export interface MailPolicy {
  styleElement(node: { textContent: string | null }, tagName: string): void;
  attributes(el: MailElement): void;
  run(opts: SanitizeOptions, sanitize: () => string): SanitizedMail;
}

export function mailPolicy(): MailPolicy {
  let state: State | null = null;
  return {
    styleElement(node, tagName) {
      if (tagName !== 'style' || !state) return;
      const text = node.textContent ?? '';
      const { css, removed } = cleanCss(text, state.allowRemote);
      if (css !== text) node.textContent = css;
      state.remoteBlocked += removed;
    },
    attributes(el) {
      if (state) cleanElement(el, state);
    },
    run(opts, sanitize) {
      state = { ...opts, remoteBlocked: 0, trackersRemoved: 0, cids: new Set() };
      try {
        const html = sanitize();
        return {
          html,
          remoteBlocked: state.remoteBlocked,
          trackersRemoved: state.trackersRemoved,
          cids: [...state.cids],
        };
      } finally {
        state = null;
      }
    },
  };
}

function cleanElement(el: MailElement, state: State): void {
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
}

/** Whether an image address may stay; a remote one held back is counted. */
function keepImageUrl(url: string, state: State): boolean {
  if (/^data:image\//i.test(url)) return true;
  if (!REMOTE.test(url)) return false;
  if (!state.allowRemote) state.remoteBlocked++;
  return state.allowRemote;
}

function image(img: MailElement, state: State): void {
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

function link(a: MailElement): void {
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
