// Addresses as the writer types or pastes them: "Ann <ann@x>, "Lee, Bo" <bo@y>; cy@z" split
// where a comma or semicolon stands outside quotes, angle brackets and comments, each part
// read as a name and an address, and checked as the core checks it (compose.ts) so that
// what is marked valid here is what the core accepts.

export interface Recipient {
  name: string;
  address: string;
  valid: boolean;
}

// The core's own rule: one @, no spaces, no angle brackets; the server judges the rest.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export const isAddress = (s: string): boolean => ADDRESS.test(s);

/** Splits a list on commas, semicolons and line breaks that separate addresses. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '<') angle++;
    else if (c === '>' && angle > 0) angle--;
    else if (c === '(') comment++;
    else if (c === ')' && comment > 0) comment--;
    else if ((c === ',' || c === ';' || c === '\n' || c === '\r') && !angle && !comment) {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

const unquote = (s: string) => {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
    ? t.slice(1, -1).replace(/\\(.)/g, '$1')
    : t;
};

/** One "Name <address>", "<address>" or bare address. */
export function parseOne(item: string): Recipient {
  const text = item.trim().replace(/\s*\([^()]*\)\s*$/, '');
  const m = /^(.*?)<([^<>]*)>\s*$/s.exec(text);
  if (m) {
    const address = m[2]!.trim();
    return { name: unquote(m[1]!).trim(), address, valid: isAddress(address) };
  }
  const address = unquote(text);
  return { name: '', address, valid: isAddress(address) };
}

export function parseList(text: string): Recipient[] {
  return splitList(text).map(parseOne);
}

/** As the core reads it back with nodemailer's addressparser: a name with specials quoted. */
export function formatRecipient(r: { name: string; address: string }): string {
  if (!r.name) return r.address;
  const name = /^[\w\s.'-]*$/u.test(r.name) ? r.name : `"${r.name.replace(/(["\\])/g, '\\$1')}"`;
  return `${name} <${r.address}>`;
}

export const sameAddress = (a: { address: string }, b: { address: string }): boolean =>
  a.address.toLowerCase() === b.address.toLowerCase();
