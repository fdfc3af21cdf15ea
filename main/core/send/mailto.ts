// A mailto: URI (RFC 6068) as the message an unsubscribe sends: its addresses, and its
// subject and body. Other header fields it may name (cc, bcc, in-reply-to, ...) are left
// out: a list has no need to have the user's mail copied to anyone else.
import { MaildockError } from '../../../common/errors.js';

export interface MailtoMessage {
  to: string[];
  subject: string;
  text: string;
}

/** A list's mailto: names one address, seldom two; more is not an unsubscribe. */
const MAX_RECIPIENTS = 5;
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new MaildockError('INVALID_INPUT', 'The unsubscribe address is not a valid mailto: URI.');
  }
}

const addresses = (list: string) =>
  list
    .split(',')
    .map((a) => decode(a).trim())
    .filter(Boolean);

/** Throws INVALID_INPUT when the URI names no address, or something that is not one. */
export function parseMailto(uri: string): MailtoMessage {
  if (!/^mailto:/i.test(uri))
    throw new MaildockError('INVALID_INPUT', 'The unsubscribe address is not a mailto: URI.');
  const rest = uri.slice('mailto:'.length);
  const q = rest.indexOf('?');
  const to = addresses(q < 0 ? rest : rest.slice(0, q));
  let subject: string | null = null;
  let text: string | null = null;
  for (const field of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const name = decode(field.slice(0, eq)).toLowerCase();
    const value = decode(field.slice(eq + 1));
    if (name === 'to') to.push(...addresses(field.slice(eq + 1)));
    else if (name === 'subject' && subject === null) subject = value;
    else if (name === 'body' && text === null) text = value;
  }
  const unique = [...new Set(to)];
  if (!unique.length || unique.length > MAX_RECIPIENTS || !unique.every((a) => ADDRESS.test(a)))
    throw new MaildockError('INVALID_INPUT', 'The unsubscribe mailto: names no usable address.');
  // One line of subject; RFC 6068 writes line breaks in a body as %0D%0A.
  return {
    to: unique,
    subject: (subject ?? 'unsubscribe').replace(/[\r\n]+/g, ' ').slice(0, 998) || 'unsubscribe',
    text: (text ?? 'unsubscribe').replace(/\r\n/g, '\n'),
  };
}
