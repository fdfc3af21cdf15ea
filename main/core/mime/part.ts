// One attachment's content out of a whole message, for messages no server holds (a local
// folder's): the same parser, walked the same way as parse.ts walks it, so the attachment
// at `index` is the one the stored list has at that place.
import type { AttachmentStream, MessageText } from 'mailparser';
import { MaildockError } from '../../../common/errors.js';
import { DEFAULT_MIME_LIMITS } from './limits.js';
import { createMailParser } from './mail-parser.js';

export function attachmentContent(raw: Buffer, index: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { parser } = createMailParser(DEFAULT_MIME_LIMITS);
    let seen = 0;
    let found: Buffer | null = null;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) {
        parser.destroy();
        reject(err);
      } else if (found) resolve(found);
      else
        reject(
          new MaildockError('NOT_FOUND', `The message has no attachment ${index + 1}.`, {
            part: String(index + 1),
          }),
        );
    };
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') return;
      const mine = seen++ === index;
      const chunks: Buffer[] = [];
      let size = 0;
      data.content.on('data', (chunk: Buffer) => {
        if (!mine) return;
        size += chunk.length;
        if (size > maxBytes)
          settle(
            new MaildockError('TOO_LARGE', `The attachment is larger than ${maxBytes} bytes.`, {
              maxBytes,
            }),
          );
        else chunks.push(chunk);
      });
      data.content.once('end', () => {
        if (mine) found = Buffer.concat(chunks);
        data.release?.();
      });
      data.content.on('error', (err: Error) => settle(err));
    });
    parser.on('error', (err: Error) => settle(err));
    parser.once('end', () => settle(null));
    parser.end(raw);
  });
}
