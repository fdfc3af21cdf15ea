// Messages of a local folder, written to the store as the sync writes a server's: the same
// rows (threads, search, addresses), with the header read from the bytes (mime/envelope.ts and
// the raw fields a transfer reads) since no server's ENVELOPE describes them, the body parsed
// at once, and the bytes themselves kept: a local folder holds the only copy there is.
import { MaildockError } from '../../../common/errors.js';
import { headerValue, parseListUnsubscribe } from '../mime/list-unsubscribe.js';
import type { ParsedBody } from '../mime/limits.js';
import type { BodyRecord, HeaderRecord, MailboxInfo, Transaction } from '../store/index.js';
import { parseReferences } from '../sync/envelope.js';
import {
  firstField,
  headerBlock,
  headerFields,
  messageIdOf,
  parseDate,
} from '../transfer/message-bytes.js';

const MSGID = /<[^<>\s]{1,998}>/;

/** A message to keep in a local folder: its bytes (CRLF), parsed with its envelope. */
export interface LocalMessage {
  raw: Buffer;
  body: ParsedBody;
  flags: readonly string[];
  /** The date its source gives (arrival), when its header has none that reads. */
  date: Date | null;
}

/** The row the header sync would have made of it, under a UID of the folder's own counter. */
export function localRecord(m: LocalMessage, uid: number): HeaderRecord {
  const head = headerBlock(m.raw);
  const fields = headerFields(head);
  // Unfolded, as the header sync hands its fetched lines to the same readers.
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const env = m.body.envelope;
  const date = parseDate(firstField(fields, 'date')) ?? m.date;
  return {
    uid,
    messageId: messageIdOf(fields),
    inReplyTo: MSGID.exec(firstField(fields, 'in-reply-to') ?? '')?.[0] ?? null,
    references: parseReferences(Buffer.from(head, 'latin1')),
    subject: env?.subject ?? '',
    from: env?.from ?? [],
    to: env?.to ?? [],
    cc: env?.cc ?? [],
    date: date ? date.getTime() : Date.now(),
    flags: [...m.flags],
    modseq: null,
    size: m.raw.length,
    // Set from the parsed body when it is stored.
    hasAttachments: false,
    structure: null,
    unsubscribe: parseListUnsubscribe(
      headerValue(unfolded, 'list-unsubscribe'),
      headerValue(unfolded, 'list-unsubscribe-post'),
    ),
  };
}

/** The parsed body as stored, with the whole message beside it. */
export function localBody(raw: Buffer, body: ParsedBody): BodyRecord {
  const { envelope: _envelope, ...rest } = body;
  return { ...rest, raw };
}

/**
 * Stores messages in a local folder, in the caller's transaction: new UIDs from the folder's
 * counter, the rows, and their bodies with their bytes. Returns their ids, in order, and the
 * first of their UIDs (the others follow it).
 */
export async function addLocalMessages(
  tx: Transaction,
  box: MailboxInfo,
  messages: readonly LocalMessage[],
): Promise<{ ids: number[]; firstUid: number }> {
  if (!messages.length) return { ids: [], firstUid: 0 };
  const first = await tx.mailboxes.takeLocalUids(box.id, messages.length);
  const ids = await tx.messages.insertHeaders(
    box.accountId,
    box.id,
    messages.map((m, i) => localRecord(m, first + i)),
  );
  // Fresh UIDs are never stored already: every record is a new row, in order.
  if (ids.length !== messages.length)
    throw new MaildockError(
      'INTERNAL',
      `The local folder ${box.path} took ${ids.length} of ${messages.length} messages.`,
    );
  for (const [i, id] of ids.entries())
    await tx.bodies.save(id, localBody(messages[i]!.raw, messages[i]!.body));
  return { ids, firstUid: first };
}
