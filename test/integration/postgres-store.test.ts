// The Postgres store's repositories on a private server, with the assertions the SQLite
// store's tests make (test/unit/store.test.ts, message-lists.test.ts): ids that sort like
// dates, idempotent batches, threads, the search vector kept exact, pages and conversations,
// addresses for completion, accounts, mailboxes, bodies, settings and transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageSql, totalSql } from '../../main/core/store/postgres/message-lists.js';
import { messageIdBase } from '../../main/core/store/sqlite/messages.js';
import type { HeaderRecord } from '../../main/core/store/types.js';
import { headerRecord } from '../support/headers.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { postgresWithInbox, query } from '../support/postgres-store.js';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

const header = headerRecord;

async function setup() {
  const ctx = await postgresWithInbox(server);
  opened.push(ctx.store);
  return ctx;
}
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

/** How many messages the search vector finds for a tsquery. */
const matches = async (url: string, tsquery: string) =>
  Number(
    (
      await query<{ n: string }>(
        url,
        'SELECT count(*) AS n FROM messages WHERE search @@ $1::tsquery',
        [tsquery],
      )
    )[0]!.n,
  );

const body = { html: null, snippet: 's', attachments: [], parseError: null };

describe('messages', () => {
  it('gives ids that sort like dates, even for equal dates', async () => {
    const { store, accountId, inbox } = await setup();
    const same = Date.UTC(2024, 5, 1);
    const ids = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { date: same }),
      header(2, { date: same }),
      header(3, { date: same - 1 }),
      header(4, { date: NaN }),
    ]);
    expect(ids[0]).toBe(messageIdBase(same));
    expect(ids[1]).toBe(messageIdBase(same) + 1);
    expect(ids[2]!).toBeLessThan(ids[0]!);
    expect(ids[3]).toBe(0);
    // A later batch with the same date takes the next free id.
    const [later] = await store.messages.insertHeaders(accountId, inbox, [
      header(5, { date: same }),
    ]);
    expect(later).toBe(messageIdBase(same) + 2);
    expect((await store.messages.list(inbox, 10)).map((m) => m.uid)).toEqual([5, 2, 1, 3, 4]);
    expect((await store.messages.list(inbox, 10, ids[1]!)).map((m) => m.uid)).toEqual([1, 3, 4]);
  });

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

  it('joins a parent that arrives after its reply, merges threads a message links, and falls back on the subject for replies', async () => {
    const t = await threadsOf([linked()]);
    expect(t.get(1)).toBe(t.get(3));
    expect(t.get(2)).toBe(t.get(4));
    expect(t.get(5)).toBe(t.get(2));
    expect(t.get(1)).not.toBe(t.get(2));
    // Not a reply: the same subject alone does not join.
    expect(t.get(6)).not.toBe(t.get(7));
  });

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

describe('message list pages', () => {
  const seen = (uid: number, over: Partial<HeaderRecord> = {}) =>
    header(uid, { flags: ['\\Seen'], to: [{ name: '', address: 'me@example.test' }], ...over });

  it('offset pages and cursor pages walk the same rows, newest first, and the total counts all', async () => {
    const { store, accountId, inbox } = await setup();
    await store.messages.insertHeaders(
      accountId,
      inbox,
      Array.from({ length: 250 }, (_, i) => seen(i + 1)),
    );
    const q = { mailboxIds: [inbox], limit: 100, threads: false };
    const byOffset: number[] = [];
    for (const offset of [0, 100, 200])
      byOffset.push(...(await store.messages.page({ ...q, offset })).map((m) => m.id));
    const byCursor: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await store.messages.page({ ...q, before });
      byCursor.push(...page.map((m) => m.id));
      if (page.length < q.limit) break;
      before = page.at(-1)!.id;
    }
    expect(byOffset).toHaveLength(250);
    expect(byOffset).toEqual(byCursor);
    expect(byOffset).toEqual([...byOffset].sort((a, b) => b - a));
    expect(await store.messages.total(q)).toBe(250);
    const some = [byOffset[5]!, 999, byOffset[1]!];
    expect((await store.messages.summaries(some)).map((m) => m.id)).toEqual([
      byOffset[5],
      byOffset[1],
    ]);
    expect(await store.messages.summaries([])).toEqual([]);
  });

  it('several folders read as one list, interleaved by date', async () => {
    const { store, accountId, inbox, sent } = await setup();
    await store.messages.insertHeaders(accountId, inbox, [seen(1), seen(3), seen(5)]);
    await store.messages.insertHeaders(accountId, sent, [seen(2), seen(4)]);
    const q = { mailboxIds: [inbox, sent], limit: 10, threads: false };
    expect((await store.messages.page(q)).map((m) => m.uid)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.messages.page({ ...q, offset: 3 })).map((m) => m.uid)).toEqual([2, 1]);
    expect(await store.messages.total(q)).toBe(5);
  });

  it('in conversation view a conversation is one row, its newest message here, with its size and unread count', async () => {
    const { store, accountId, inbox, sent } = await setup();
    const reply = (uid: number, to: number, over: Partial<HeaderRecord> = {}) =>
      seen(uid, {
        inReplyTo: `<m${to}@t>`,
        references: [`<m${to}@t>`],
        subject: 'Re: plan',
        ...over,
      });
    await store.messages.insertHeaders(accountId, inbox, [
      seen(1, { subject: 'plan' }),
      reply(3, 2, { flags: [] }),
      seen(4, { subject: 'alone' }),
    ]);
    await store.messages.insertHeaders(accountId, sent, [reply(2, 1), reply(5, 3)]);
    const rows = await store.messages.page({ mailboxIds: [inbox], limit: 10, threads: true });
    expect(rows.map((r) => [r.uid, r.threadSize, r.threadUnread])).toEqual([
      [4, 1, 0],
      [3, 2, 1],
    ]);
    expect(await store.messages.total({ mailboxIds: [inbox], threads: true })).toBe(2);
    const both = await store.messages.page({ mailboxIds: [inbox, sent], limit: 10, threads: true });
    expect(both.map((r) => [r.uid, r.threadSize])).toEqual([
      [5, 4],
      [4, 1],
    ]);
    expect((await store.threads.messages(both[0]!.id)).map((m) => [m.mailbox, m.uid])).toEqual([
      ['INBOX', 1],
      ['Sent', 2],
      ['INBOX', 3],
      ['Sent', 5],
    ]);
  });
});

describe('query plans of the hot paths', () => {
  it('pages walk an index newest first, never sorting the list; unread counts read their partial index', async () => {
    const { store, url, accountId, inbox, sent } = await setup();
    const small = await store.mailboxes.upsert(accountId, {
      path: 'Small',
      name: 'Small',
      delimiter: '/',
      role: null,
    });
    // 30,000 rows, most in the Inbox, a tenth in Small, a twentieth unread: as a real store.
    await query(
      url,
      `INSERT INTO messages (id, account_id, mailbox_id, uid, date, flags, thread_id)
       SELECT g * 1024, $1, CASE WHEN g % 10 < 7 THEN $2::bigint WHEN g % 10 < 9 THEN $3::bigint ELSE $4::bigint END,
              g, g, CASE WHEN g % 20 = 0 THEN 0 ELSE 1 END, g / 3
         FROM generate_series(1, 30000) g`,
      [accountId, inbox, sent, small],
    );
    await query(url, 'ANALYZE');
    const explain = async (sql: string, params: unknown[]) =>
      (await query<{ 'QUERY PLAN': string }>(url, `EXPLAIN ${sql}`, params))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    for (const threads of [false, true]) {
      for (const box of [inbox, small]) {
        const one = await explain(pageSql(false, threads), [box, Number.MAX_SAFE_INTEGER, 50, 0]);
        expect(one).toMatch(/Index Scan Backward using messages_(mailbox|pkey)/);
        expect(one).not.toMatch(/Sort|Seq Scan on messages/);
        if (threads) expect(one).toContain('messages_thread');
      }
      const many = await explain(pageSql(true, threads), [
        [inbox, sent],
        Number.MAX_SAFE_INTEGER,
        50,
        0,
      ]);
      expect(many).toContain('Index Scan Backward using messages_pkey');
      expect(many).not.toMatch(/Sort|Seq Scan on messages/);
    }
    const unread = await explain(
      'SELECT count(*) FROM messages m WHERE m.mailbox_id = $1 AND (m.flags & 1) = 0',
      [inbox],
    );
    expect(unread).toContain('messages_unread');
    const total = await explain(totalSql(false, false), [small]);
    expect(total).not.toContain('Sort');
  });
});

describe('addresses for completion', () => {
  it('are counted once per message, ranked by how often they were seen, matched by address or name word', async () => {
    const { store, accountId, inbox } = await setup();
    const bob = { name: 'Bob Stone', address: 'Bob@Example.test' };
    const carol = { name: 'Carol 100%', address: 'carol@example.test' };
    const me = { name: '', address: 'me@example.test' };
    await store.messages.insertHeaders(accountId, inbox, [
      header(1, {
        from: [{ name: 'Alice Liddell', address: 'alice@example.test' }],
        to: [bob, bob],
        cc: [carol],
      }),
      header(2, { from: [{ name: 'Alice Liddell', address: 'alice@example.test' }], to: [bob] }),
      header(3, { from: [{ name: '', address: 'not an address' }], to: [me] }),
    ]);
    expect(await store.contacts.suggest('bo', 5)).toEqual([
      expect.objectContaining({ address: 'bob@example.test', name: 'Bob Stone', count: 2 }),
    ]);
    expect((await store.contacts.suggest('sto', 5)).map((c) => c.address)).toEqual([
      'bob@example.test',
    ]);
    expect((await store.contacts.suggest('', 5)).map((c) => c.address)).toEqual([
      'alice@example.test',
      'bob@example.test',
      'me@example.test',
      'carol@example.test',
    ]);
    expect(await store.contacts.suggest('%', 5)).toEqual([]);
    expect((await store.contacts.suggest('carol 100%', 5)).map((c) => c.address)).toEqual([
      'carol@example.test',
    ]);
    expect(await store.contacts.suggest('nobody', 5)).toEqual([]);
    const [alice] = await store.contacts.suggest('alice', 1);
    expect(alice).toEqual({
      address: 'alice@example.test',
      name: 'Alice Liddell',
      count: 2,
      lastSeen: new Date(header(2).date).toISOString(),
    });
  });
});

describe('accounts', () => {
  it('adds, refuses a second of the same address, repins, and removes with what only it had', async () => {
    const { store, url, accountId, inbox } = await setup();
    const pem = (n: string) => `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`;
    const imap = { host: '127.0.0.1', port: 1993, security: 'tls' as const, user: 'b@x.test' };
    const other = await store.accounts.add({
      email: 'b@x.test',
      name: 'B',
      imap: { ...imap, tlsCert: pem('old') },
      smtp: { ...imap, port: 1587, security: 'starttls', tlsCert: pem('old') },
    });
    expect(other).toMatchObject({ email: 'b@x.test', name: 'B', imap: { tlsCert: pem('old') } });
    expect(other.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expect(store.accounts.add({ email: 'b@x.test', imap })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { email: 'b@x.test' },
    });
    expect(await store.accounts.repin(pem('old'), pem('new'))).toBe(2);
    expect((await store.accounts.get(other.id))!.smtp!.tlsCert).toBe(pem('new'));
    expect((await store.accounts.list()).map((a) => a.email)).toEqual([
      'me@example.test',
      'b@x.test',
    ]);

    const shared = { name: 'Shared', address: 'shared@example.test' };
    const [mine] = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { to: [shared], from: [{ name: 'Only', address: 'only@example.test' }] }),
    ]);
    const otherBox = await store.mailboxes.upsert(other.id, {
      path: 'INBOX',
      name: 'INBOX',
      delimiter: '/',
      role: 'inbox',
    });
    await store.messages.insertHeaders(other.id, otherBox, [header(1, { to: [shared] })]);
    const attachment = {
      partId: '2',
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 3,
      contentId: null,
      inline: false,
    };
    await store.bodies.save(mine!, { ...body, text: 't', attachments: [attachment] });
    const [stored] = (await store.messages.detail(mine!))!.attachments;
    await store.bodies.setAttachmentHash(stored!.id, 'hash-only-mine');

    expect(await store.accounts.remove(accountId)).toEqual({
      removed: true,
      cachedAttachments: ['hash-only-mine'],
    });
    expect(await store.accounts.remove(accountId)).toEqual({
      removed: false,
      cachedAttachments: [],
    });
    expect((await store.messages.counts()).messages).toBe(1);
    expect((await store.contacts.suggest('only', 5)).length).toBe(0);
    expect((await store.contacts.suggest('shared', 5)).length).toBe(1);
    expect(
      await query(url, 'SELECT * FROM thread_refs WHERE account_id = $1', [accountId]),
    ).toEqual([]);
    expect(await store.accounts.get(accountId)).toBeNull();
  });
});

describe('mailboxes', () => {
  it('keep their listing, counts and sync state', async () => {
    const { store, accountId, inbox, sent } = await setup();
    const trash = await store.mailboxes.upsert(accountId, {
      path: 'Trash',
      name: 'Trash',
      delimiter: '/',
      role: 'trash',
    });
    const plain = await store.mailboxes.upsert(accountId, {
      path: 'A folder',
      name: 'A folder',
      delimiter: '/',
      role: null,
    });
    expect(
      await store.mailboxes.upsert(accountId, {
        path: 'Trash',
        name: 'Bin',
        delimiter: '.',
        role: 'trash',
      }),
    ).toBe(trash);
    expect((await store.mailboxes.list(accountId)).map((m) => m.path)).toEqual([
      'INBOX',
      'Sent',
      'Trash',
      'A folder',
    ]);
    await store.messages.insertHeaders(accountId, inbox, [
      header(1),
      header(2, { flags: ['\\Seen'] }),
    ]);
    expect(await store.mailboxes.get(inbox)).toMatchObject({ total: 2, unread: 1, role: 'inbox' });
    expect(await store.mailboxes.byPath(accountId, 'Trash')).toMatchObject({
      name: 'Bin',
      delimiter: '.',
      total: 0,
    });
    expect(await store.mailboxes.info(sent)).toEqual({
      id: sent,
      accountId,
      path: 'Sent',
      role: 'sent',
      uidValidity: null,
    });
    expect(await store.mailboxes.byRole(accountId, 'trash')).toMatchObject({ id: trash });
    expect(await store.mailboxes.byRole(accountId, 'junk')).toBeNull();
    expect((await store.mailboxes.withRole('inbox')).map((m) => m.id)).toEqual([inbox]);
    expect(await store.mailboxes.withRole('inbox', accountId + 100)).toEqual([]);
    expect(await store.mailboxes.infoByPath(accountId, 'nothing')).toBeNull();

    await store.mailboxes.setServerStatus(inbox, {
      uidValidity: '77',
      uidNext: 3,
      highestModseq: '12345678901234',
      total: 2,
    });
    await store.mailboxes.setServerStatus(inbox, { uidNext: 4 });
    await store.mailboxes.setCursor(inbox, {
      headUid: 3,
      lowUid: 1,
      syncedModseq: '12345678901234',
    });
    await store.mailboxes.setCursor(inbox, { lowUid: null });
    expect(await store.mailboxes.state(inbox)).toEqual({
      id: inbox,
      accountId,
      path: 'INBOX',
      uidValidity: '77',
      uidNext: 4,
      highestModseq: '12345678901234',
      headUid: 3,
      lowUid: null,
      syncedModseq: '12345678901234',
    });
    expect((await store.mailboxes.states(accountId)).length).toBe(4);
    await store.mailboxes.resetSync(inbox, '78');
    expect(await store.mailboxes.state(inbox)).toMatchObject({
      uidValidity: '78',
      uidNext: null,
      headUid: 0,
      lowUid: null,
    });

    await store.mailboxes.rename(plain, {
      path: 'Renamed',
      name: 'Renamed',
      delimiter: '/',
      role: 'archive',
    });
    expect(await store.mailboxes.infoByPath(accountId, 'Renamed')).toMatchObject({
      id: plain,
      role: 'archive',
    });
    await store.mailboxes.remove(inbox);
    expect(await store.mailboxes.count()).toBe(3);
    expect((await store.messages.counts()).messages).toBe(0);
  });
});

describe('bodies', () => {
  it('wait newest first, are stored with their attachments, and give back the structure', async () => {
    const { store, accountId, inbox } = await setup();
    const structure = { type: 'multipart/mixed', childNodes: [{ part: '1', type: 'text/plain' }] };
    const [older, newer] = await store.messages.insertHeaders(accountId, inbox, [
      header(1, { structure }),
      header(2),
    ]);
    expect(await store.bodies.pendingCount(accountId)).toBe(2);
    expect(await store.bodies.pending(accountId, 10)).toEqual([
      { id: newer, mailboxId: inbox, path: 'INBOX', uid: 2 },
      { id: older, mailboxId: inbox, path: 'INBOX', uid: 1 },
    ]);
    expect(await store.bodies.structure(older!)).toEqual(structure);
    expect(await store.bodies.structure(newer!)).toBeNull();
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

describe('settings and transactions', () => {
  it('settings keep a value per key', async () => {
    const { store } = await setup();
    expect(await store.settings.get('ui')).toBeNull();
    await store.settings.set('ui', '{"a":1}');
    await store.settings.set('ui', '{"a":2}');
    expect(await store.settings.get('ui')).toBe('{"a":2}');
    await store.settings.remove('ui');
    expect(await store.settings.get('ui')).toBeNull();
  });

  it('a transaction commits all of its writes, or none when it throws', async () => {
    const { store, accountId, inbox } = await setup();
    await expect(
      store.transaction(async (tx) => {
        await tx.messages.insertHeaders(accountId, inbox, [header(1)]);
        await tx.settings.set('k', 'v');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await store.messages.counts()).messages).toBe(0);
    expect(await store.settings.get('k')).toBeNull();
    const ids = await store.transaction(async (tx) => {
      const added = await tx.messages.insertHeaders(accountId, inbox, [header(1)]);
      // Inside, the transaction sees its own writes; outside, nothing yet.
      expect((await tx.messages.counts()).messages).toBe(1);
      expect((await store.messages.counts()).messages).toBe(0);
      return added;
    });
    expect((await store.messages.summary(ids[0]!))!.uid).toBe(1);
  });
});
