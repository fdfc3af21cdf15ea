// Headers for the bench's mail shapes: addresses and subjects in RFC 2047 encoded words where
// they need them, folded lines, dates with zones, trace headers of mail that came from outside.
import { chance, hex, HEXC, int, isAscii, pick, token, type Rng } from './shape-kit.js';

export function encodeWords(text: string, mode: 'B' | 'Q', firstBudget = 60): string {
  const overhead = 12; // =?UTF-8?Q?...?=
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let len = 0;
  const cost = (b: Buffer): number => {
    if (mode === 'B') return b.length;
    let n = 0;
    for (const x of b) n += isQpWordSafe(x) ? 1 : 3;
    return n;
  };
  const flush = (): void => {
    if (!chunk.length) return;
    const data = Buffer.concat(chunk);
    let enc = '';
    if (mode === 'B') enc = data.toString('base64');
    else
      for (const x of data)
        enc +=
          x === 32
            ? '_'
            : isQpWordSafe(x)
              ? String.fromCharCode(x)
              : `=${String.fromCharCode(HEXC[x >> 4] as number, HEXC[x & 15] as number)}`;
    words.push(`=?UTF-8?${mode}?${enc}?=`);
    chunk = [];
    len = 0;
  };
  for (const ch of text) {
    const b = Buffer.from(ch, 'utf8');
    const c = cost(b);
    const budget = (words.length ? 75 : firstBudget) - overhead;
    const encoded = (n: number): number => (mode === 'B' ? Math.ceil(n / 3) * 4 : n);
    if (len > 0 && encoded(len + c) > budget) flush();
    chunk.push(b);
    len += c;
  }
  flush();
  return words.join('\r\n ');
}

function isQpWordSafe(x: number): boolean {
  return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 32;
}

/** Folds an ASCII header value at spaces so lines stay within 78 characters. */
export function fold(name: string, value: string): string {
  if (name.length + 2 + value.length <= 78) return value;
  const lines: string[] = [];
  let line = '';
  let limit = 78 - name.length - 2;
  for (const t of value.split(' ')) {
    if (line && line.length + 1 + t.length > limit) {
      lines.push(line);
      line = t;
      limit = 77;
    } else line = line ? `${line} ${t}` : t;
  }
  lines.push(line);
  return lines.join('\r\n ');
}

/** A header's value: as is when ASCII, encoded words otherwise (an ASCII "Re: " kept). */
export function headerText(name: string, text: string, mode: 'B' | 'Q'): string {
  if (isAscii(text)) return fold(name, text);
  const m = /^((?:(?:Re|RE|Fwd|AW): |\[[\w.-]+\] )*)(.*)$/s.exec(text);
  const prefix = m?.[1] ?? '';
  return prefix + encodeWords(m?.[2] ?? text, mode, 76 - name.length - 2 - prefix.length);
}

export interface Person {
  name: string;
  address: string;
  /** minutes east of UTC */
  tz: number;
}

export function formatAddress(p: { name: string; address: string }, mode: 'B' | 'Q'): string {
  if (!p.name) return p.address;
  if (!isAscii(p.name)) return `${encodeWords(p.name, mode)} <${p.address}>`;
  return /[,.'"()]/.test(p.name)
    ? `"${p.name.replace(/"/g, '\\"')}" <${p.address}>`
    : `${p.name} <${p.address}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function rfc5322Date(d: Date, tzMinutes: number): string {
  const l = new Date(d.getTime() + tzMinutes * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const abs = Math.abs(tzMinutes);
  return `${DAYS[l.getUTCDay()]}, ${l.getUTCDate()} ${MONTHS[l.getUTCMonth()]} ${l.getUTCFullYear()} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())} ${tzMinutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}

export function received(rng: Rng, domain: string, to: string, date: Date): string {
  return `Received: from mx${1 + int(rng, 4)}.${domain} (mx.${domain} [198.51.100.${1 + int(rng, 250)}])\r\n\tby mail.maildock.test (Postfix) with ESMTPS id ${hex(rng, 10).toUpperCase()}\r\n\tfor <${to}>; ${rfc5322Date(new Date(date.getTime() + 1000 * (1 + int(rng, 30))), 0)}`;
}

export function dkim(rng: Rng, domain: string): string {
  const base64 = (n: number) => token(rng, n).replace(/-/g, '+').replace(/_/g, '/');
  const b = base64(172);
  return `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=s${1 + int(rng, 3)};\r\n\th=from:to:subject:date:message-id:mime-version; bh=${base64(43)}=;\r\n\tb=${b.slice(0, 60)}\r\n\t ${b.slice(60, 130)}\r\n\t ${b.slice(130)}`;
}

export const OWNER: Person = { name: 'Alex Morgan', address: 'alex@maildock.test', tz: 60 };
const MAILERS = [
  'Thunderbird 115.6.0',
  'Apple Mail (2.3774)',
  'Microsoft Outlook 16.0',
  'Mutt/2.2.9',
  'Roundcube Webmail/1.6.5',
  'K-9 Mail for Android',
];

export interface HeaderFields {
  from: Person;
  to: Person;
  cc?: Person[];
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Trace headers (Received, DKIM) for mail that came from outside. */
  incoming: boolean;
  /** More header lines, already folded, placed before MIME-Version. */
  extra?: string[];
}

/** The header block of a message, CRLF-terminated, names and subjects encoded as needed. */
export function headerBlock(rng: Rng, h: HeaderFields): string {
  const mode: 'B' | 'Q' = chance(rng, 0.5) ? 'B' : 'Q';
  const domain = h.from.address.split('@')[1] as string;
  const out: string[] = [];
  if (h.incoming) {
    out.push(`Return-Path: <${h.from.address}>`);
    out.push(received(rng, domain, h.to.address, h.date));
    if (chance(rng, 0.6)) out.push(dkim(rng, domain));
  }
  out.push(`Date: ${rfc5322Date(h.date, h.from.tz)}`);
  out.push(`From: ${formatAddress(h.from, mode)}`);
  out.push(`To: ${formatAddress(h.to, mode)}`);
  if (h.cc?.length) out.push(`Cc: ${h.cc.map((p) => formatAddress(p, mode)).join(',\r\n ')}`);
  out.push(`Subject: ${headerText('Subject', h.subject, mode)}`);
  out.push(`Message-ID: ${h.messageId}`);
  if (h.inReplyTo) out.push(`In-Reply-To: ${h.inReplyTo}`);
  if (h.references?.length) out.push(`References: ${fold('References', h.references.join(' '))}`);
  out.push(...(h.extra ?? []));
  out.push('MIME-Version: 1.0');
  if (!h.extra?.some((l) => /^x-mailer:/i.test(l)))
    out.push(`${chance(rng, 0.5) ? 'X-Mailer' : 'User-Agent'}: ${pick(rng, MAILERS)}`);
  return out.join('\r\n') + '\r\n';
}

export function messageId(rng: Rng, i: number, domain: string): string {
  return `<${hex(rng, 16)}.${i.toString(36)}@${domain}>`;
}
