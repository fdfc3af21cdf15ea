// Message HTML for API clients, sanitized on the server by the reader's own rules
// (common/mail-html/policy.ts), so that a client which shows it as it comes is safe.
// DOMPurify needs a DOM: one jsdom window, made on first use and kept. jsdom is loaded only
// then, since it costs about half a second and 100 MB to load, which a desktop app (its
// reader sanitizes for itself) need never pay. jsdom runs no script and fetches nothing
// unless told to, and it is told neither.
import type { WindowLike } from 'dompurify';
import {
  mailPolicy,
  mailPurifyConfig,
  type MailSanitizer,
  type SanitizedMail,
  type SanitizeOptions,
} from '../../../common/mail-html/policy.js';

let loading: Promise<MailSanitizer> | undefined;

async function create(): Promise<MailSanitizer> {
  const [{ default: DOMPurify }, { JSDOM }] = await Promise.all([
    import('dompurify'),
    import('jsdom'),
  ]);
  const purify = DOMPurify(new JSDOM('').window as unknown as WindowLike);
  const policy = mailPolicy();
  purify.addHook('uponSanitizeElement', (node, data) => policy.styleElement(node, data.tagName));
  purify.addHook('afterSanitizeAttributes', (node) => policy.attributes(node));
  // Each call is synchronous from start to end, so one instance serves every request in turn.
  return (html, opts) => policy.run(opts, () => purify.sanitize(html, mailPurifyConfig()));
}

/** The shared sanitizer, made on first use. */
export function mailSanitizer(): Promise<MailSanitizer> {
  loading ??= create().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

export async function sanitizeMailHtml(
  html: string,
  opts: SanitizeOptions,
): Promise<SanitizedMail> {
  return (await mailSanitizer())(html, opts);
}
