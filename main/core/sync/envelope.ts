// What the header sync keeps of one FETCH response: the envelope, flags and a summary of
// BODYSTRUCTURE (which parts are text, which are attachments) so bodies can be fetched
// part by part later without asking the server again.
import type { FetchMessageObject, MessageAddressObject, MessageStructureObject } from 'imapflow';
import type { Address } from '../../../common/types.js';
import { headerValue, parseListUnsubscribe } from '../mime/list-unsubscribe.js';
import { contentTypeOf, isTextPart, shownInBody } from '../mime/part-roles.js';
import type { MessageStructure } from '../mime/structure.js';
import type { HeaderRecord } from '../store/index.js';

const MSGID = /<[^<>\s]{1,998}>/g;

function addresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/** The fetched header lines, unfolded; empty when the message has none of them. */
function unfoldedHeaders(headers: Buffer | undefined): string {
  return headers?.length ? headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ') : '';
}

/** A mailing list's List-Id (RFC 2919), `Name <id>`, as sent; long ones are cut. */
function listId(unfolded: string): string | null {
  const line = headerValue(unfolded, 'list-id')?.trim();
  return line ? line.slice(0, 500) : null;
}

function references(unfolded: string): string[] {
  const line = headerValue(unfolded, 'references');
  return line ? [...new Set(line.match(MSGID) ?? [])].slice(-100) : [];
}

export function parseReferences(headers: Buffer | undefined): string[] {
  return references(unfoldedHeaders(headers));
}

/** Transfer encodings under which mailparser reads a message/rfc822 part as a message. */
const EMBEDDED_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);

/**
 * Which parts are the message's text and which are attachments, as the parser reads the whole
 * message (mime/mail-parser.ts) and by the same rules (mime/part-roles.ts): a message that is
 * fetched as its text parts only is listed, searched and shown as it would be parsed whole.
 */
export function summarizeStructure(
  root: MessageStructureObject | undefined,
): MessageStructure | null {
  if (!root) return null;
  const out: MessageStructure = { textParts: [], attachments: [] };
  const walk = (
    node: MessageStructureObject,
    part: string,
    depth: number,
    inAlternative: boolean,
  ): void => {
    if (depth > 50) return;
    const raw = (node.type ?? '').toLowerCase();
    if (raw.startsWith('multipart/')) {
      for (const child of node.childNodes ?? [])
        walk(child, child.part ?? part, depth + 1, raw === 'multipart/alternative');
      return;
    }
    const type = contentTypeOf(raw);
    const disposition = node.disposition || null;
    const inner = node.childNodes?.[0];
    // A message forwarded in line is read as part of this one: its text is this message's
    // text, its attachments are listed with this message's. Attached, it is one file.
    if (
      type === 'message/rfc822' &&
      disposition === 'inline' &&
      inner &&
      EMBEDDED_ENCODINGS.has(node.encoding?.toLowerCase() ?? '')
    ) {
      // imapflow numbers the body of the message as the message itself; a body that is not
      // multipart is part 1 of it.
      const body = inner.type?.toLowerCase().startsWith('multipart/') ? part : `${part}.1`;
      walk(inner, body, depth + 1, false);
      return;
    }
    if (isTextPart(type, disposition)) {
      out.textParts.push(part);
      return;
    }
    const filename = node.dispositionParameters?.filename ?? node.parameters?.name ?? null;
    out.attachments.push({
      part,
      type,
      // BODYSTRUCTURE gives the encoded size; base64 takes 4 bytes (plus line breaks) per 3.
      size:
        node.encoding?.toLowerCase() === 'base64'
          ? Math.floor(((node.size ?? 0) * 57) / 78)
          : (node.size ?? 0),
      filename,
      contentId: node.id ?? null,
      inline: shownInBody({ type, disposition, filename, hasContentId: !!node.id, inAlternative }),
    });
  };
  walk(root, root.part ?? '1', 0, false);
  return out;
}

export function toHeaderRecord(msg: FetchMessageObject): HeaderRecord {
  const env = msg.envelope;
  const structure = summarizeStructure(msg.bodyStructure);
  const headerDate = env?.date instanceof Date ? env.date.getTime() : NaN;
  const internal =
    msg.internalDate instanceof Date
      ? msg.internalDate.getTime()
      : typeof msg.internalDate === 'string'
        ? Date.parse(msg.internalDate)
        : NaN;
  // The server sends only the header lines a message has: most have none of them.
  const fetched = unfoldedHeaders(msg.headers);
  return {
    uid: msg.uid,
    messageId: env?.messageId ?? null,
    inReplyTo: env?.inReplyTo?.match(MSGID)?.[0] ?? null,
    references: fetched ? references(fetched) : [],
    listId: fetched ? listId(fetched) : null,
    subject: env?.subject ?? '',
    from: addresses(env?.from),
    to: addresses(env?.to),
    cc: addresses(env?.cc),
    date: Number.isFinite(headerDate) ? headerDate : Number.isFinite(internal) ? internal : 0,
    flags: [...(msg.flags ?? [])],
    modseq: msg.modseq !== undefined ? msg.modseq.toString() : null,
    size: msg.size ?? 0,
    hasAttachments: !!structure?.attachments.some((a) => !a.inline),
    structure,
    unsubscribe: fetched
      ? parseListUnsubscribe(
          headerValue(fetched, 'list-unsubscribe'),
          headerValue(fetched, 'list-unsubscribe-post'),
        )
      : null,
  };
}
