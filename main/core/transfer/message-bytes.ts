// A message's bytes as an import sends them and an export reads them: line ends made CRLF
// (IMAP and RFC 5322 want them; Dovecot returns CRLF whatever it was given), its header block
// checked and read for the few fields a transfer needs, and the key that says whether a
// folder has it already.
import { createHash } from 'node:crypto';

const CR = 13;
const LF = 10;

/** Every bare LF made CRLF; the same buffer when there is none. */
export function toCrlf(raw: Buffer): Buffer {
  let bare = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) if (raw[i - 1] !== CR) bare++;
  if (!bare) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let from = 0;
  let to = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    if (raw[i - 1] === CR) continue;
    to += raw.copy(out, to, from, i);
    out[to++] = CR;
    out[to++] = LF;
    from = i + 1;
  }
  raw.copy(out, to, from);
  return out;
}

/** Every CRLF made LF (an mbox file's line ends); a lone CR stays. */
export function toLf(raw: Buffer): Buffer {
  if (raw.indexOf('\r\n') < 0) return raw;
  const out = Buffer.allocUnsafe(raw.length);
  let from = 0;
  let to = 0;
  for (let i = raw.indexOf('\r\n'); i >= 0; i = raw.indexOf('\r\n', i + 2)) {
    to += raw.copy(out, to, from, i);
    out[to++] = LF;
    from = i + 2;
  }
  to += raw.copy(out, to, from);
  return out.subarray(0, to);
}

/** The header block of a CRLF message: everything before the first empty line. */
export function headerBlock(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.subarray(0, end);
  // latin1 keeps every byte as one character: 8-bit headers stay readable as bytes.
  return head.toString('latin1');
}

const FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** Why a message cannot be appended as mail, or null when its header block is RFC 5322's. */
export function malformed(raw: Buffer): string | null {
  if (!raw.length || !raw.toString('latin1', 0, 4096).trim()) return 'the message is empty';
  const lines = headerBlock(raw).split('\r\n');
  if (!FIELD.test(lines[0] ?? ''))
    return 'the message does not start with a header field (Name: value)';
  const bad = lines.findIndex((l) => !FIELD.test(l) && !/^[ \t]/.test(l));
  if (bad >= 0) return `header line ${bad + 1} is neither a field nor its continuation`;
  return null;
}

/** The fields of a header block by lower-case name, unfolded, in order. */
export function headerFields(head: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const field of head.split(/\r\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field
      .slice(colon + 1)
      .replace(/\r\n/g, '')
      .trim();
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return fields;
}

export const firstField = (fields: Map<string, string[]>, name: string): string | null =>
  fields.get(name)?.[0] ?? null;

/** The Message-ID without its angle brackets' surroundings; null when there is none. */
export function messageIdOf(fields: Map<string, string[]>): string | null {
  const value = firstField(fields, 'message-id');
  if (!value) return null;
  const id = (/<[^<>\s]+>/.exec(value)?.[0] ?? value).replace(/[^\x21-\x7e]/g, '');
  return id ? id.slice(0, 998) : null;
}

/**
 * What says a folder has this message already: its Message-ID and the SHA-256 of the bytes
 * appended. Two messages sharing a Message-ID (a resent copy, a forged one) differ in bytes.
 */
export function messageKey(raw: Buffer, messageId: string | null): string {
  const hash = createHash('sha256').update(raw).digest('hex');
  return messageId ? `${hash} ${messageId}` : hash;
}

/** A date of a Date header or an mbox From line, or null when it does not read as one. */
export function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? date : null;
}

const MOZILLA = { read: 0x1, replied: 0x2, marked: 0x4, expunged: 0x8 };

/**
 * Flags an mbox keeps in headers: Status/X-Status (mutt, Pine, Dovecot) and Thunderbird's
 * X-Mozilla-Status. `expunged`: Thunderbird deleted it and had not compacted the file yet.
 */
export function mboxFlags(fields: Map<string, string[]>): { flags: string[]; expunged: boolean } {
  const flags = new Set<string>();
  const status = firstField(fields, 'status') ?? '';
  const xStatus = firstField(fields, 'x-status') ?? '';
  if (status.includes('R')) flags.add('\\Seen');
  if (xStatus.includes('A')) flags.add('\\Answered');
  if (xStatus.includes('F')) flags.add('\\Flagged');
  if (xStatus.includes('D')) flags.add('\\Deleted');
  if (xStatus.includes('T')) flags.add('\\Draft');
  const mozilla = firstField(fields, 'x-mozilla-status');
  let expunged = false;
  if (mozilla && /^[0-9a-f]{1,4}$/i.test(mozilla)) {
    const bits = parseInt(mozilla, 16);
    if (bits & MOZILLA.read) flags.add('\\Seen');
    if (bits & MOZILLA.replied) flags.add('\\Answered');
    if (bits & MOZILLA.marked) flags.add('\\Flagged');
    expunged = (bits & MOZILLA.expunged) !== 0;
  }
  return { flags: [...flags], expunged };
}

const MAILDIR_FLAGS: Record<string, string> = {
  D: '\\Draft',
  F: '\\Flagged',
  R: '\\Answered',
  S: '\\Seen',
  T: '\\Deleted',
};

/** The flags of a Maildir file name's info (":2,FRS"; "!2," or ";2," where ":" is not allowed). */
export function maildirFlags(name: string): string[] {
  const info = /[:!;]2,([A-Za-z]*)$/.exec(name)?.[1] ?? '';
  return [...new Set([...info].map((c) => MAILDIR_FLAGS[c]).filter((f): f is string => !!f))];
}
