// `mailto:` links handed to Maildock by the system (RFC 6068): on the command line of the
// first or a second launch (Linux, Windows) or by open-url (macOS), or clicked in a message.
// Only RFC 6068's fields are taken, and only addresses that are addresses: `attach=`, which
// some mail programs honour (`?attach=/etc/passwd`), never reaches a draft or another program.
import { emailSchema } from '../../common/types.js';

export interface MailtoDraft {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
}

const MAX_LENGTH = 64 * 1024;
const MAX_ADDRESSES = 100;

function addresses(raw: string): string[] {
  return raw
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0 && a.length <= 320 && emailSchema.safeParse(a).success)
    .slice(0, MAX_ADDRESSES);
}

/** A Message-ID as in-reply-to names it: one `<…>` without spaces or control characters. */
const MESSAGE_ID = /^<[^<>\s\p{Cc}]{1,995}>$/u;

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The draft a mailto: URL describes, or null when it is not one (or is malformed). */
export function parseMailto(raw: string): MailtoDraft | null {
  return parseFields(raw)?.draft ?? null;
}

/**
 * The same link rebuilt from what parseMailto kept (plus a well-formed in-reply-to), so
 * every other field (`attach`, `x-…`) and every address that is not one is gone; null when
 * it is not a mailto: link or nothing of it is left.
 */
export function cleanMailto(raw: string): string | null {
  const parsed = parseFields(raw);
  if (!parsed) return null;
  const { draft, inReplyTo } = parsed;
  // RFC 6068 lets `@` stand as it is; everything else that is not plain is escaped.
  const enc = (v: string) => encodeURIComponent(v).replace(/%40/g, '@');
  const query = [
    ...(['cc', 'bcc'] as const).map((f) =>
      draft[f].length ? `${f}=${draft[f].map(enc).join(',')}` : '',
    ),
    draft.subject ? `subject=${enc(draft.subject)}` : '',
    draft.body ? `body=${enc(draft.body)}` : '',
    inReplyTo ? `in-reply-to=${enc(inReplyTo)}` : '',
  ].filter(Boolean);
  if (!draft.to.length && !query.length) return null;
  return `mailto:${draft.to.map(enc).join(',')}${query.length ? `?${query.join('&')}` : ''}`;
}

function parseFields(raw: string): { draft: MailtoDraft; inReplyTo: string | null } | null {
  if (typeof raw !== 'string' || raw.length > MAX_LENGTH) return null;
  if (!/^mailto:/i.test(raw)) return null;
  const rest = raw.slice('mailto:'.length);
  const q = rest.indexOf('?');
  const draft: MailtoDraft = { to: [], cc: [], bcc: [], subject: '', body: '' };
  let inReplyTo: string | null = null;
  const to = decode(q < 0 ? rest : rest.slice(0, q));
  if (to === null) return null;
  draft.to = addresses(to);
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).toLowerCase();
      const value = decode(pair.slice(eq + 1));
      if (value === null) return null;
      if (name === 'to') draft.to.push(...addresses(value));
      else if (name === 'cc') draft.cc.push(...addresses(value));
      else if (name === 'bcc') draft.bcc.push(...addresses(value));
      else if (name === 'subject') draft.subject = value.replace(/[\r\n]+/g, ' ');
      else if (name === 'body') draft.body = value;
      else if (name === 'in-reply-to' && MESSAGE_ID.test(value)) inReplyTo = value;
    }
  }
  // Within what a compose command carries (common/types.ts uiCommandSchema).
  for (const f of ['to', 'cc', 'bcc'] as const) draft[f] = draft[f].slice(0, MAX_ADDRESSES);
  draft.subject = draft.subject.slice(0, 998);
  draft.body = draft.body.slice(0, MAX_LENGTH);
  return { draft, inReplyTo };
}

/** The mailto: URL among a launch's arguments (the last one, as a second launch passes it). */
export function mailtoFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    const a = argv[i]!;
    if (/^mailto:/i.test(a)) return a;
  }
  return null;
}
