// What each leaf part of a message is to its reader: part of the text, a file to list, or
// something the body shows (an image of its HTML). The parser (mail-parser.ts) and the
// summary of the server's BODYSTRUCTURE (sync/envelope.ts) both decide it here, from facts
// both of them have, so the list's paperclip, the reader and search agree on every message,
// whether it was parsed whole or fetched part by part.

/** Leaf types whose content is the message's text, unless marked as an attachment. */
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);
/** `type/subtype` of RFC 2045's token characters. */
const VALID_TYPE = /^[a-z0-9!#$%&'*+.^_`{|}~-]+\/[a-z0-9!#$%&'*+.^_`{|}~-]+$/;

export interface PartFacts {
  /** Content-Type, lower case, as contentTypeOf gives it. */
  type: string;
  /** Content-Disposition's value, lower case; null when there is none. */
  disposition: string | null;
  filename: string | null;
  hasContentId: boolean;
  /** The part's parent is multipart/alternative. */
  inAlternative: boolean;
}

/**
 * The type to read a leaf part as: RFC 2045 reads a Content-Type that is not `type/subtype`
 * (`text; charset=utf-8`, or none at all) as text/plain.
 */
export function contentTypeOf(type: string | false | null | undefined): string {
  const value = (type || '').trim().toLowerCase();
  return VALID_TYPE.test(value) ? value : 'text/plain';
}

/** Whether the part is the message's text (as mailparser reads it: any other disposition is a file's). */
export function isTextPart(type: string, disposition: string | null): boolean {
  return TEXT_TYPES.has(type) && (!disposition || disposition === 'inline');
}

/**
 * Whether a part that is not text belongs to the body rather than to the files a reader lists
 * (as Thunderbird and Gmail read it):
 * - an image with a Content-ID, what the HTML shows by cid: (in multipart/related, or with
 *   or without a Content-Disposition: senders differ);
 * - another rendering of the text in a multipart/alternative (text/enriched, Apple Watch's
 *   text/watch-html), which no one saves; an invitation (text/calendar) stays a file, it is
 *   what the user answers.
 * Anything else is a file, Apple Mail's `inline; filename=contract.pdf` included: a reader
 * that shows it in line still lists it, and search finds it by has: and filename:.
 */
export function shownInBody(p: PartFacts): boolean {
  if (p.disposition === 'attachment') return false;
  if (p.inAlternative && p.filename === null && p.type.startsWith('text/'))
    return p.type !== 'text/calendar';
  return p.hasContentId && p.type.startsWith('image/');
}
