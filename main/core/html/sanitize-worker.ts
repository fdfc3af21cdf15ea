// worker_threads entry of the server's HTML sanitizer: DOMPurify over one jsdom window, by the
// reader's rules (common/mail-html/policy.ts). Requests are sanitized one after another, in
// the order they came. It runs here rather than on the main thread because jsdom is slow: a
// 100 KB newsletter takes tens of milliseconds even so, and every other request of the
// instance would wait that long.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import DOMPurify, { type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';
import {
  mailPolicy,
  mailPurifyConfig,
  type SanitizedMail,
  type SanitizeOptions,
} from '../../../common/mail-html/policy.js';

export interface SanitizeRequest {
  id: number;
  html: string;
  opts: SanitizeOptions;
}

export type SanitizeReply =
  | { id: number; result: SanitizedMail }
  | { id: number; error: string }
  | { ready: true; inlineStylesSkipped: boolean };

interface ElementImpl {
  _attrModified(name: string, value: string | null, oldValue: string | null): void;
}

/**
 * jsdom parses every style attribute into a CSSStyleDeclaration as it is set, which is most
 * of its time on mail with inlined CSS (three to five times the rest). Nothing here reads
 * `element.style`: the rules read and write the attribute, and the attribute is what is
 * serialized. This thread's jsdom serves the sanitizer alone, so it skips that step. Should
 * jsdom's internals move, the step stays, and only speed is lost.
 */
function skipInlineStyleParsing(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const html = require('jsdom/lib/jsdom/living/nodes/HTMLElement-impl.js') as {
      implementation?: { prototype: ElementImpl };
    };
    const element = require('jsdom/lib/jsdom/living/nodes/Element-impl.js') as {
      implementation?: { prototype: ElementImpl };
    };
    const own = html.implementation?.prototype;
    const base = element.implementation?.prototype;
    if (!own || !base || own._attrModified === base._attrModified) return false;
    const original = own._attrModified;
    own._attrModified = function (name, value, oldValue) {
      if (name === 'style') base._attrModified.call(this, name, value, oldValue);
      else original.call(this, name, value, oldValue);
    };
    return true;
  } catch {
    // Another layout of jsdom: slower, not wrong.
    return false;
  }
}

const port = parentPort;
if (!port) throw new Error('main/core/html/sanitize-worker runs only as a worker thread');

// After jsdom has loaded (imports run first): its parts load in an order of their own.
const inlineStylesSkipped = skipInlineStyleParsing();
// jsdom runs no script and fetches nothing unless told to, and it is told neither.
const purify = DOMPurify(new JSDOM('').window as unknown as WindowLike);
const policy = mailPolicy();
purify.addHook('uponSanitizeElement', (node, data) => policy.styleElement(node, data.tagName));
purify.addHook('afterSanitizeAttributes', (node) => policy.attributes(node));
const sanitize = (html: string, opts: SanitizeOptions) =>
  policy.run(opts, () => purify.sanitize(html, mailPurifyConfig()));

port.on('message', (req: SanitizeRequest) => {
  try {
    port.postMessage({ id: req.id, result: sanitize(req.html, req.opts) } satisfies SanitizeReply);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    port.postMessage({ id: req.id, error } satisfies SanitizeReply);
  }
});
// The first call compiles DOMPurify's and jsdom's paths: done here, not on a caller's clock.
sanitize(
  '<p style="color: red"><a href="https://a.test">x</a><img src="https://a.test/i.png"></p>',
  {
    allowRemote: false,
  },
);
port.postMessage({ ready: true, inlineStylesSkipped } satisfies SanitizeReply);
