// Attachments on demand: one MIME part, decoded from its transfer encoding by imapflow.
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';

export async function downloadPart(
  client: ImapFlow,
  path: string,
  uid: number,
  part: string,
  maxBytes: number,
): Promise<Buffer> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const download = await client.download(String(uid), part, { uid: true });
    if (!download.content) {
      throw new MaildockError(
        'NOT_FOUND',
        `Part ${part} of message ${uid} is no longer on the server.`,
        { part },
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of download.content as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        download.content.destroy();
        throw new MaildockError('TOO_LARGE', `The attachment is larger than ${maxBytes} bytes.`, {
          maxBytes,
        });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } finally {
    lock.release();
  }
}
