// Body batches are sized by the bytes the server will send, not by their count: a batch of
// newsletters holds about as much memory as a batch of short notes, and a message too large
// for any batch still goes, alone.
import type { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { failedBody, type ParsedBody } from '../../main/core/mime/limits.js';
import type { PendingBody } from '../../main/core/store/index.js';
import { fetchBodiesIn, takeBatch } from '../../main/core/sync/bodies.js';

const KB = 1024;
let next = 1;
function pending(size: number, attachments: number[] = []): PendingBody {
  const structure = attachments.length
    ? JSON.stringify({
        textParts: ['1'],
        attachments: attachments.map((s, i) => ({
          part: String(i + 2),
          type: 'application/pdf',
          size: s,
          filename: `f${i}.pdf`,
          contentId: null,
          inline: false,
        })),
      })
    : null;
  return { id: next++, mailboxId: 1, path: 'INBOX', uid: next, size, structure };
}

const opts = { batchSize: 1000, batchBytes: 100 * KB, maxFetchBytes: 4096 * KB };

describe('body batches', () => {
  it('stops once the batch holds its bytes', () => {
    const small = Array.from({ length: 50 }, () => pending(5 * KB));
    expect(takeBatch(small, opts)).toHaveLength(20);
    const large = Array.from({ length: 50 }, () => pending(60 * KB));
    expect(takeBatch(large, opts)).toHaveLength(2);
  });

  it('stops at its count, however small the messages', () => {
    const tiny = Array.from({ length: 50 }, () => pending(100));
    expect(takeBatch(tiny, { ...opts, batchSize: 30 })).toHaveLength(30);
  });

  it('takes a message larger than a batch alone, and never an empty batch', () => {
    const huge = [pending(3000 * KB), pending(KB)];
    expect(takeBatch(huge, opts).map((p) => p.id)).toEqual([huge[0]!.id]);
    expect(takeBatch([], opts)).toEqual([]);
  });

  it('counts a message fetched as its text parts by those parts only', () => {
    // 400 KB of attachments are left on the server: the text around them is what comes.
    const withAttachment = Array.from({ length: 10 }, () => pending(560 * KB, [400 * KB]));
    expect(takeBatch(withAttachment, opts).length).toBeGreaterThan(1);
    // Without a structure, the whole message (up to the fetch limit) is counted.
    const whole = Array.from({ length: 10 }, () => pending(560 * KB));
    expect(takeBatch(whole, opts)).toHaveLength(1);
  });

  // The sync fetches the next batch while the parser works through this one: the fetch must
  // not wait for the parser (an async function that returns a promise waits for it).
  it('hands the batch over once fetched, before its messages are parsed', async () => {
    const items = [pending(KB), pending(KB)];
    const client = {
      getMailboxLock: () => Promise.resolve({ release: () => undefined }),
      async *fetch() {
        for (const p of items) yield { uid: p.uid, size: KB, source: Buffer.from(`m${p.uid}`) };
      },
    } as unknown as ImapFlow;
    const waiting: ((body: ParsedBody) => void)[] = [];
    const parser = { parse: () => new Promise<ParsedBody>((resolve) => waiting.push(resolve)) };
    let fetched = false;
    const fetching = fetchBodiesIn(client, parser, 'INBOX', items, 4096 * KB);
    void fetching.then(() => (fetched = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiting).toHaveLength(2);
    expect(fetched).toBe(true);
    for (const resolve of waiting) resolve(failedBody('not parsed in this test'));
    const { parsed } = await fetching;
    expect((await parsed).map((r) => r.id)).toEqual(items.map((p) => p.id));
  });
});
