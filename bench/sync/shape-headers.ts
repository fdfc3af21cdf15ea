// Headers for the bench's mail shapes: the header block of a message (its values encoded by
// bench/mail-kit.ts), with the trace headers of mail that came from outside.
import {
  chance,
  fold,
  formatAddress,
  headerText,
  hex,
  int,
  MAILERS,
  pick,
  rfc5322Date,
  type Rng,
} from '../mail-kit.js';
import { token } from './shape-kit.js';

export interface Person {
  name: string;
  address: string;
  /** minutes east of UTC */
  tz: number;
}

export function received(rng: Rng, domain: string, to: string, date: Date): string {
  return `Received: from mx${1 + int(rng, 4)}.${domain} (mx.${domain} [198.51.100.${1 + int(rng, 250)}])\r\n\tby mail.maildock.test (Postfix) with ESMTPS id ${hex(rng, 10).toUpperCase()}\r\n\tfor <${to}>; ${rfc5322Date(new Date(date.getTime() + 1000 * (1 + int(rng, 30))), 0, false)}`;
}

export function dkim(rng: Rng, domain: string): string {
  const base64 = (n: number) => token(rng, n).replace(/-/g, '+').replace(/_/g, '/');
  const b = base64(172);
  return `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=s${1 + int(rng, 3)};\r\n\th=from:to:subject:date:message-id:mime-version; bh=${base64(43)}=;\r\n\tb=${b.slice(0, 60)}\r\n\t ${b.slice(60, 130)}\r\n\t ${b.slice(130)}`;
}

export const OWNER: Person = { name: 'Alex Morgan', address: 'alex@maildock.test', tz: 60 };

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
  out.push(`Date: ${rfc5322Date(h.date, h.from.tz, false)}`);
  out.push(`From: ${formatAddress(h.from, mode)}`);
  out.push(`To: ${formatAddress(h.to, mode)}`);
  if (h.cc?.length) out.push(`Cc: ${h.cc.map((p) => formatAddress(p, mode)).join(',\r\n ')}`);
  out.push(`Subject: ${headerText('Subject', h.subject, mode, { listTag: true })}`);
  out.push(`Message-ID: ${h.messageId}`);
  if (h.inReplyTo) out.push(`In-Reply-To: ${h.inReplyTo}`);
  if (h.references?.length) out.push(`References: ${fold('References', h.references.join(' '))}`);
  out.push(...(h.extra ?? []));
  out.push('MIME-Version: 1.0');
  if (!h.extra?.some((l) => /^x-mailer:/i.test(l)))
    out.push(`${chance(rng, 0.5) ? 'X-Mailer' : 'User-Agent'}: ${pick(rng, MAILERS)}`);
  return out.join('\r\n') + '\r\n';
}
