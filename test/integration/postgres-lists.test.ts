// The Postgres store's message lists on a private server, with the assertions of the SQLite
// store's (test/unit/message-lists.test.ts): pages by cursor and by offset, several folders
// as one, conversations with their sizes, the plans of those queries at 30,000 messages, and
// the addresses kept for completion.
import { describe, expect, it } from 'vitest';
import { pageSql, totalSql } from '../../main/core/store/postgres/message-lists.js';
import type { HeaderRecord } from '../../main/core/store/types.js';
import { headerRecord } from '../support/headers.js';
import { postgresStores, query } from '../support/postgres-store.js';

const { setup } = postgresStores();
const header = headerRecord;

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
