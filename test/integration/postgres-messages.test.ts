// The Postgres store's messages, threads and bodies on a private server, where Postgres does
// its own work: idempotent batches and the search vector kept exact and labelled by field,
// threads assigned a batch at a time as one by one, two writers taking turns, bodies and
// their reindex queue. What every engine does alike is in store.test.ts.
import { describe, expect, it } from 'vitest';
import { messageIdBase } from '../../main/core/store/rows.js';
import type { HeaderRecord } from '../../main/core/store/types.js';
import { headerRecord } from '../support/headers.js';
import { postgresStores, query, vectorMatches as matches } from '../support/postgres-store.js';

const { setup } = postgresStores();
const header = headerRecord;

const body = { html: null, snippet: 's', attachments: [], parseError: null };

describe('messages', () => {
  it('a replayed batch refreshes flags and adds nothing twice, in the table or the index', async () => {
    const { store, url, accountId, inbox } = await setup();
    await store.messages.insertHeaders(accountId, inbox, [header(1), header(2)]);
    const again = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { flags: ['\\Seen'], modseq: '7' }),
      header(2),
      header(2, { flags: ['\\Flagged'] }),
    ]);
    expect(again).toEqual([]);
    expect(await store.messages.counts()).toEqual({ messages: 2, bodies: 0 });
    expect(await matches(url, 'subject')).toBe(2);
    const rows = await store.messages.list(inbox, 10);
    expect(rows.find((m) => m.uid === 1)!.flags).toEqual(['\\Seen']);
    expect(rows.find((m) => m.uid === 2)!.flags).toEqual(['\\Flagged']);
    // The sender's address is its words, as SQLite's index cuts it.
    expect(await matches(url, "'alice' <-> 'example' <-> 'test'")).toBe(2);
  });

  it('keeps the search vector exact through body updates, labelled by field', async () => {
    const { store, url, accountId, inbox } = await setup();
    const [id] = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { subject: 'Café plans', to: [{ name: 'Bob', address: 'bob@example.test' }] }),
    ]);
    expect(await store.bodies.save(id!, { ...body, text: 'first words' })).toBe(true);
    expect(
      await store.bodies.save(id!, { ...body, text: 'second words', searchText: 'html words' }),
    ).toBe(true);
    expect(await matches(url, 'first')).toBe(0);
    expect(await matches(url, 'second')).toBe(0);
    expect(await matches(url, "'html' <-> 'words'")).toBe(1);
    expect(await matches(url, 'cafe:A')).toBe(1);
    expect(await matches(url, 'alice:B')).toBe(1);
    expect(await matches(url, 'alice:D')).toBe(0);
    expect(await matches(url, 'bob:D')).toBe(1);
    expect(await matches(url, 'words:C')).toBe(1);
    // A phrase does not span two fields.
    expect(await matches(url, "'plans' <-> 'alice'")).toBe(0);
    await store.messages.deleteUids(inbox, [1]);
    expect(await matches(url, 'html | alice | cafe')).toBe(0);
    expect(await store.bodies.save(id!, { ...body, text: 'gone' })).toBe(false);
  });

  it('a body too big for one tsvector is stored, and its first words are searched', async () => {
    const { store, url, accountId, inbox } = await setup();
    const [id] = await store.messages.insertHeaders(accountId, inbox, [header(1)]);
    const words = Array.from({ length: 120_000 }, (_, n) => `w${n.toString(36)}x`).join(' ');
    expect(await store.bodies.save(id!, { ...body, text: `needle ${words}\0` })).toBe(true);
    expect(await matches(url, 'needle')).toBe(1);
    expect((await store.messages.detail(id!))!.text).toBe(`needle ${words}`);
  });

  it('stores a failed parse with its error and the raw fallback', async () => {
    const { store, url, accountId, inbox } = await setup();
    const [id] = await store.messages.insertHeaders(accountId, inbox, [header(1)]);
    await store.bodies.save(id!, {
      text: null,
      html: null,
      snippet: '',
      attachments: [],
      parseError: 'broken boundary',
      raw: Buffer.from('raw bytes'),
    });
    const d = (await store.messages.detail(id!))!;
    expect(d.parseError).toBe('broken boundary');
    expect(d.message.bodyState).toBe('failed');
    const [row] = await query<{ raw: Buffer }>(
      url,
      'SELECT raw FROM bodies WHERE message_id = $1',
      [id],
    );
    expect(row!.raw).toEqual(Buffer.from('raw bytes'));
  });

  it('moves, places and picks messages for actions', async () => {
    const { store, accountId, inbox, sent } = await setup();
    const [a, b, c] = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { messageId: '<a@t>' }),
      header(2, {
        messageId: '<b@t>',
        inReplyTo: '<a@t>',
        references: ['<a@t>'],
        subject: 'Re: subject 1',
      }),
      header(3, { messageId: '<c@t>' }),
    ]);
    const thread = (await store.messages.summary(a!))!.threadId!;
    const rows = await store.messages.actionRows([c!], [thread]);
    expect(rows.map((r) => [r.id, r.uid, r.msgid])).toEqual([
      [a, 1, '<a@t>'],
      [b, 2, '<b@t>'],
      [c, 3, '<c@t>'],
    ]);
    expect(rows[0]).toMatchObject({ accountId, mailboxId: inbox, flags: 0, keywords: null });
    expect(await store.messages.idsByMessageId(accountId, '<b@t>')).toEqual([b]);
    expect(await store.messages.idsByMessageId(accountId, '<nothing@t>')).toEqual([]);

    await store.messages.setLocalFlags(a!, 3, '["$Label"]');
    expect((await store.messages.summary(a!))!.flags).toEqual(['\\Seen', '\\Flagged', '$Label']);
    expect(await store.messages.setFlags(inbox, 1, ['\\Answered'], '9')).toBe(true);
    expect(await store.messages.setFlags(inbox, 99, ['\\Seen'], null)).toBe(false);
    expect((await store.messages.summary(a!))!.flags).toEqual(['\\Answered']);

    // Moved locally: a placeholder UID until the server's is known.
    expect(await store.messages.place(a!, sent, -1)).toBe(true);
    expect(await store.messages.isPlaceholder(a!, sent)).toBe(true);
    expect(await store.messages.uidIn(a!)).toBe(-1);
    expect(await store.messages.uidIn(a!, inbox)).toBeNull();
    expect(await store.messages.localUids(sent)).toEqual([]);
    expect(await store.messages.place(a!, sent, 40)).toBe(true);
    expect(await store.messages.isPlaceholder(a!, sent)).toBe(false);
    expect(await store.messages.localUids(sent)).toEqual([40]);
    // The sync stored it under that UID first: the local row gives way.
    const [synced] = await store.messages.insertHeaders(accountId, sent, [header(41)]);
    expect(await store.messages.place(b!, sent, 41)).toBe(false);
    expect(await store.messages.summary(b!)).toBeNull();
    expect(await store.messages.uidIn(synced!, sent)).toBe(41);

    expect(await store.messages.localUids(inbox)).toEqual([3]);
    expect(await store.messages.deleteIds([c!, 12345])).toBe(1);
    expect(await store.messages.deleteMailboxMessages(sent)).toBe(2);
    expect((await store.messages.counts()).messages).toBe(0);
  });
});

describe('threads', () => {
  const linked = (): HeaderRecord[] => [
    header(1, {
      messageId: '<c@t>',
      subject: 'Re: x',
      inReplyTo: '<b@t>',
      references: ['<a@t>', '<b@t>'],
    }),
    header(2, { messageId: '<z@t>', subject: 'other' }),
    header(3, { messageId: '<a@t>', subject: 'x' }),
    header(4, { messageId: '<y@t>', subject: 'Re: other', references: ['<z@t>'] }),
    // A reply whose client dropped the references joins by subject.
    header(5, { messageId: '<w@t>', subject: 'RE: Other' }),
    header(6, { messageId: '<v@t>', subject: 'Hello' }),
    header(7, { messageId: '<u@t>', subject: 'Hello' }),
  ];

  async function threadsOf(batches: HeaderRecord[][]) {
    const { store, accountId, inbox } = await setup();
    for (const batch of batches) await store.messages.insertHeaders(accountId, inbox, batch);
    return new Map((await store.messages.list(inbox, 10)).map((m) => [m.uid, m.threadId]));
  }

  it('a batch gives the same conversations as its messages one by one', async () => {
    const groups = (t: Map<number, number | null>) =>
      [...t.keys()]
        .sort()
        .map((uid) => [...t.keys()].filter((u) => t.get(u) === t.get(uid)).sort());
    const together = await threadsOf([linked()]);
    const apart = await threadsOf(linked().map((m) => [m]));
    expect(groups(apart)).toEqual(groups(together));
  });

  it('a message linking two stored threads merges them, in the table and the thread index', async () => {
    const { store, url, accountId, inbox } = await setup();
    await store.messages.insertHeaders(accountId, inbox, [
      header(1, { messageId: '<p@t>', subject: 'one' }),
      header(2, { messageId: '<q@t>', subject: 'two' }),
    ]);
    const [link] = await store.messages.insertHeaders(accountId, inbox, [
      header(3, { messageId: '<r@t>', subject: 'both', references: ['<p@t>', '<q@t>'] }),
    ]);
    const conversation = await store.threads.messages(link!);
    expect(conversation.map((m) => m.uid)).toEqual([1, 2, 3]);
    const threads = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM threads');
    expect(Number(threads[0]!.n)).toBe(1);
    const refs = await query<{ thread_id: string }>(
      url,
      'SELECT DISTINCT thread_id FROM thread_refs',
    );
    expect(refs.map((r) => Number(r.thread_id))).toEqual([conversation[0]!.threadId]);
  });
});

describe('two writers at once', () => {
  it('take turns on an account: a reply and its parent written together share a thread and a date', async () => {
    const { store, accountId, inbox, sent } = await setup();
    const date = Date.UTC(2024, 2, 1);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    const [[parent], [reply]] = await Promise.all([
      store.transaction(async (tx) => {
        const ids = await tx.messages.insertHeaders(accountId, inbox, [
          header(1, { messageId: '<p@t>', subject: 'plan', date }),
        ]);
        // Still open while the other writer starts.
        await pause();
        return ids;
      }),
      store.transaction((tx) =>
        tx.messages.insertHeaders(accountId, sent, [
          header(2, { messageId: '<q@t>', subject: 'Re: plan', inReplyTo: '<p@t>', date }),
        ]),
      ),
    ]);
    const [a, b] = await store.messages.summaries([parent!, reply!]);
    expect(a!.threadId).toBe(b!.threadId);
    expect([parent, reply].sort()).toEqual([messageIdBase(date), messageIdBase(date) + 1]);
  });
});

describe('bodies', () => {
  it('wait newest first, are stored with their attachments, and give back the structure', async () => {
    const { store, accountId, inbox } = await setup();
    const structure = {
      textParts: ['1'],
      attachments: [
        {
          part: '2',
          type: 'application/pdf',
          size: 3,
          filename: 'a.pdf',
          contentId: null,
          inline: false,
        },
      ],
    };
    const [older, newer] = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { structure }),
      header(2),
    ]);
    expect(await store.bodies.pendingCount(accountId)).toBe(2);
    // With what the body fetch plans from: the size and the structure as stored.
    expect(await store.bodies.pending(accountId, 10)).toEqual([
      { id: newer, mailboxId: inbox, path: 'INBOX', uid: 2, size: 100, structure: null },
      {
        id: older,
        mailboxId: inbox,
        path: 'INBOX',
        uid: 1,
        size: 100,
        structure: JSON.stringify(structure),
      },
    ]);
    const pdf = {
      partId: '2',
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 3,
      contentId: null,
      inline: false,
    };
    const logo = {
      partId: '3',
      filename: null,
      contentType: 'image/png',
      size: 9,
      contentId: '<logo>',
      inline: true,
    };
    await store.bodies.save(older!, {
      ...body,
      text: 'hello',
      html: '<p>hello</p>',
      snippet: 'hello',
      attachments: [pdf, logo],
    });
    expect(await store.bodies.pendingOne(older!)).toBeNull();
    expect(await store.bodies.pendingOne(newer!)).toEqual({
      id: newer,
      mailboxId: inbox,
      path: 'INBOX',
      uid: 2,
      size: 100,
      structure: null,
    });
    const detail = (await store.messages.detail(older!))!;
    expect(detail).toMatchObject({
      text: 'hello',
      html: '<p>hello</p>',
      parseError: null,
      references: [],
    });
    expect(detail.message).toMatchObject({
      bodyState: 'ready',
      snippet: 'hello',
      hasAttachments: true,
    });
    expect(detail.attachments.map((a) => [a.partId, a.filename, a.inline, a.contentId])).toEqual([
      ['2', 'a.pdf', false, null],
      ['3', null, true, '<logo>'],
    ]);
    // Stored again: the attachments are the new body's, not added to the old ones.
    await store.bodies.save(older!, { ...body, text: 'hello', attachments: [pdf] });
    const again = (await store.messages.detail(older!))!.attachments;
    expect(again).toHaveLength(1);
    await store.bodies.setAttachmentHash(again[0]!.id, 'abc');
    expect(await store.bodies.attachment(again[0]!.id)).toEqual({
      id: again[0]!.id,
      messageId: older,
      accountId,
      path: 'INBOX',
      uid: 1,
      partId: '2',
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 3,
      contentHash: 'abc',
    });
    expect(await store.bodies.attachment(123456)).toBeNull();
    expect(await store.messages.counts()).toEqual({ messages: 2, bodies: 1 });
  });

  it('are derived again from their stored HTML when queued, newest first', async () => {
    const { store, url, accountId, inbox } = await setup();
    const [a, b] = await store.messages.insertHeaders(accountId, inbox, [header(1), header(2)]);
    for (const id of [a!, b!])
      await store.bodies.save(id, { ...body, text: null, html: '<b>bold</b> words' });
    await query(url, 'INSERT INTO body_reindex (message_id) VALUES ($1), ($2)', [a, b]);
    expect(await store.bodies.reindexPending()).toEqual([{ accountId, count: 2 }]);
    expect(await store.bodies.reindexNext(accountId, 10)).toEqual([b, a]);
    const derive = (_text: string | null, html: string | null) => ({
      searchText: html!.replace(/<[^>]+>/g, ''),
      snippet: 'derived',
    });
    expect(await store.bodies.reindex(b!, derive)).toBe(true);
    expect(await store.bodies.reindex(b!, derive)).toBe(false);
    expect((await store.messages.summary(b!))!.snippet).toBe('derived');
    expect(await matches(url, "'bold' <-> 'words'")).toBe(1);
    // A new body meanwhile takes it off the queue.
    await store.bodies.save(a!, { ...body, text: 'fresh' });
    expect(await store.bodies.reindex(a!, derive)).toBe(false);
    expect(await store.bodies.reindexPending()).toEqual([]);
  });
});
