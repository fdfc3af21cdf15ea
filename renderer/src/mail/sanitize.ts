// HTML mail made harmless before it reaches the reader's frame, by the rules every sanitizer
// of mail shares (common/mail-html/policy.ts), applied by DOMPurify in the page. The frame's
// own sandbox and CSP (frame-doc.ts) hold even if something slipped through here.
import DOMPurify from 'dompurify';
import {
  mailPolicy,
  mailPurifyConfig,
  type MailSanitizer,
} from '../../../common/mail-html/policy.js';

export type {
  MailSanitizer,
  SanitizedMail,
  SanitizeOptions,
} from '../../../common/mail-html/policy.js';

/** One DOMPurify instance per window, its hooks reading the state of the current call. */
export function createMailSanitizer(win: Window & typeof globalThis): MailSanitizer {
  const purify = DOMPurify(win);
  const policy = mailPolicy();
  purify.addHook('uponSanitizeElement', (node, data) => policy.styleElement(node, data.tagName));
  purify.addHook('afterSanitizeAttributes', (node) => policy.attributes(node));
  return (html, opts) => policy.run(opts, () => purify.sanitize(html, mailPurifyConfig()));
}
