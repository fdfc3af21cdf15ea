// `mailto:` links handed to Maildock by the system (RFC 6068): on the command line of the
// first or a second launch (Linux, Windows) or by open-url (macOS). Only the fields a new
// message has are taken; addresses are checked again by compose.

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
    .filter((a) => a.length > 0 && a.length <= 320)
    .slice(0, MAX_ADDRESSES);
}

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The draft a mailto: URL describes, or null when it is not one (or is malformed). */
export function parseMailto(raw: string): MailtoDraft | null {
  if (typeof raw !== 'string' || raw.length > MAX_LENGTH) return null;
  if (!/^mailto:/i.test(raw)) return null;
  const rest = raw.slice('mailto:'.length);
  const q = rest.indexOf('?');
  const draft: MailtoDraft = { to: [], cc: [], bcc: [], subject: '', body: '' };
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
    }
  }
  // Within what a compose command carries (common/types.ts uiCommandSchema).
  for (const f of ['to', 'cc', 'bcc'] as const) draft[f] = draft[f].slice(0, MAX_ADDRESSES);
  draft.subject = draft.subject.slice(0, 998);
  return draft;
}

/** The mailto: URL among a launch's arguments (the last one, as a second launch passes it). */
export function mailtoFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    const a = argv[i]!;
    if (/^mailto:/i.test(a)) return a;
  }
  return null;
}
