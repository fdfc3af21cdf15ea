// The plans Postgres makes for the message lists at 30,000 messages: pages walk an index
// newest first and never sort the list. What the lists return, on every engine, is checked
// in store-lists.test.ts.
import { describe, expect, it } from 'vitest';
import { pageSql, totalSql } from '../../main/core/store/postgres/message-lists.js';
import { postgresStores, query } from '../support/postgres-store.js';

const { setup } = postgresStores();

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
      (await query<{ 'QUERY PLAN': string }>(url, `EXPLAIN ${sql}`, params, { asStore: true }))
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
