// A message exactly as the server keeps it (view source, save as .eml). The store keeps no
// raw messages, so it is fetched each time: BODY.PEEK[] in a folder opened read-only, so
// looking at the source never marks the message read.
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';

export interface SourceAt {
  path: string;
  uid: number;
  /** The folder's UIDVALIDITY as stored here: a different one means another message. */
  uidValidity: string | null;
}

export async function fetchSource(
  client: ImapFlow,
  at: SourceAt,
  maxBytes: number,
): Promise<Buffer> {
  const lock = await client.getMailboxLock(at.path, { readOnly: true });
  try {
    const validity = client.mailbox ? client.mailbox.uidValidity.toString() : null;
    if (at.uidValidity !== null && validity !== null && validity !== at.uidValidity)
      throw new MaildockError(
        'MAILBOX_GONE',
        `The folder ${at.path} was reset on the server; its messages are fetched again.`,
        { path: at.path, uidValidity: validity },
      );
    const gone = () =>
      new MaildockError('NOT_FOUND', `The message is no longer in ${at.path} on the server.`, {
        path: at.path,
        uid: at.uid,
      });
    // The size first: a message too large to hand over is not downloaded at all.
    const meta = await client.fetchOne(String(at.uid), { uid: true, size: true }, { uid: true });
    if (!meta) throw gone();
    if ((meta.size ?? 0) > maxBytes)
      throw new MaildockError(
        'TOO_LARGE',
        `The message is ${meta.size} bytes, more than the ${maxBytes} its source is shown for.`,
        { size: meta.size ?? 0, maxBytes },
      );
    const msg = await client.fetchOne(String(at.uid), { uid: true, source: true }, { uid: true });
    if (!msg || !msg.source) throw gone();
    return msg.source;
  } finally {
    lock.release();
  }
}
