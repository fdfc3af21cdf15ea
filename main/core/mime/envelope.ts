// A message's envelope as mailparser decodes its header (encoded words, groups, quoting), for
// messages that no server's ENVELOPE describes: those imported into or moved to a local folder.
import type { AddressObject, EmailAddress, HeaderValue } from 'mailparser';
import type { Address } from '../../../common/types.js';
import type { ParsedEnvelope } from './limits.js';

/** Enough for any real list of recipients; a header of thousands is cut, not stored whole. */
const MAX_ADDRESSES = 1000;

function flatten(list: readonly EmailAddress[], out: Address[]): void {
  for (const a of list) {
    if (out.length >= MAX_ADDRESSES) return;
    if (a.group) flatten(a.group, out);
    else out.push({ name: a.name ?? '', address: a.address ?? '' });
  }
}

function addresses(value: HeaderValue | undefined): Address[] {
  if (!value || typeof value !== 'object' || value instanceof Date) return [];
  const objects = (Array.isArray(value) ? value : [value]) as unknown[];
  const out: Address[] = [];
  for (const o of objects)
    if (o && typeof o === 'object' && Array.isArray((o as AddressObject).value))
      flatten((o as AddressObject).value, out);
  return out;
}

export function envelopeOf(headers: ReadonlyMap<string, HeaderValue>): ParsedEnvelope {
  const subject = headers.get('subject');
  return {
    subject: typeof subject === 'string' ? subject.replace(/\0/g, '') : '',
    from: addresses(headers.get('from')),
    to: addresses(headers.get('to')),
    cc: addresses(headers.get('cc')),
  };
}
