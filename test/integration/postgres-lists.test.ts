// The plans Postgres makes for the message lists at 30,000 messages: pages walk an index
// newest first and never sort the list. What the lists return, on every engine, is checked
// in store-lists.test.ts.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { startupOptions } from '../../main/core/store/postgres/connect.js';
import { SUMMARIES_SQL, pageSql, totalSql } from '../../main/core/store/postgres/message-lists.js';
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

  it('walk one person’s folder newest first and count it from the index alone, among many people', async () => {
    const { url } = await setup();
    // 20 people of 5 tenants, 500 messages each over three folders (300 in the Inbox), a
    // twentieth unread: the bench's make-up (bench/server/seed.ts). The planner cannot tell
    // that a folder belongs to one person and expects a row or two: under (mailbox_id, id),
    // or at the default random_page_cost, it read and sorted the whole folder for each page.
    await query(
      url,
      `INSERT INTO tenants (name) SELECT 'tenant' || g FROM generate_series(1, 5) g;
       INSERT INTO users (tenant_id, email)
         SELECT t.id, 'p' || g || '@example.test'
           FROM generate_series(1, 20) g JOIN tenants t ON t.name = 'tenant' || (1 + g % 5);
       INSERT INTO accounts (tenant_id, user_id, email, imap_host, imap_port, imap_security, imap_user)
         SELECT tenant_id, id, email, '127.0.0.1', 143, 'none', email FROM users WHERE email LIKE 'p%';
       INSERT INTO mailboxes (tenant_id, user_id, account_id, path, name)
         SELECT a.tenant_id, a.user_id, a.id, f, f
           FROM accounts a, unnest(ARRAY['INBOX', 'Archive', 'Sent']) f WHERE a.email LIKE 'p%';
       INSERT INTO messages (tenant_id, user_id, id, account_id, mailbox_id, uid, date, flags)
         SELECT mb.tenant_id, mb.user_id, g * 1024, mb.account_id, mb.id, g, g,
                CASE WHEN g % 20 = 0 THEN 0 ELSE 1 END
           FROM mailboxes mb, generate_series(1, 500) g
          WHERE mb.user_id > 1 AND g % 10 < CASE mb.path WHEN 'INBOX' THEN 6 WHEN 'Archive' THEN 9 ELSE 10 END
            AND g % 10 >= CASE mb.path WHEN 'INBOX' THEN 0 WHEN 'Archive' THEN 6 ELSE 9 END;`,
    );
    await query(url, 'VACUUM ANALYZE messages');
    const [person] = await query<{ tenantId: number; userId: number; inbox: number }>(
      url,
      `SELECT tenant_id AS "tenantId", user_id AS "userId", id AS inbox
         FROM mailboxes WHERE user_id > 1 AND path = 'INBOX' ORDER BY id LIMIT 1`,
    );
    const owner = { tenantId: Number(person!.tenantId), userId: Number(person!.userId) };
    const inbox = Number(person!.inbox);
    const explain = async (sql: string, params: unknown[]) =>
      (
        await query<{ 'QUERY PLAN': string }>(url, `EXPLAIN (ANALYZE) ${sql}`, params, {
          asStore: true,
          owner,
        })
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    // 50 of the person's messages over their folders, as a search's hits are.
    const ids = (
      await query<{ id: string }>(
        url,
        `SELECT id FROM messages WHERE user_id = $1 AND (id / 1024) % 10 IN (1, 7, 9)
          ORDER BY id LIMIT 50`,
        [owner.userId],
      )
    ).map((r) => Number(r.id));
    expect(ids).toHaveLength(50);
    const found = await explain(SUMMARIES_SQL, [ids]);
    expect(found).toMatch(/messages_pkey .*actual time=\S+ rows=50 loops=1\)/);
    expect(found).not.toContain('messages_mailbox');
    const page = await explain(pageSql(false, false), [inbox, Number.MAX_SAFE_INTEGER, 50, 0]);
    expect(page).toContain('Index Scan Backward using messages_mailbox');
    expect(page).not.toMatch(/Sort|Bitmap/);
    // It stopped at the page: 50 rows read, not the folder's 300.
    expect(page).toMatch(/Index Scan Backward using messages_mailbox .*actual time=\S+ rows=50 /);
    // Counted in the same statement: the count is read once, from the index alone.
    const counted = await explain(pageSql(false, false, true), [
      inbox,
      Number.MAX_SAFE_INTEGER,
      50,
      0,
    ]);
    expect(counted).toMatch(
      /Index Scan Backward using messages_mailbox .*actual time=\S+ rows=50 /,
    );
    expect(counted).toMatch(/Index Only Scan using messages_mailbox .*rows=300 loops=1\)/);
    expect(counted).not.toMatch(/Sort|Bitmap/);
    expect(await explain(totalSql(false, false), [inbox])).toContain(
      'Index Only Scan using messages_mailbox',
    );
    expect(
      await explain(
        'SELECT count(*) FROM messages m WHERE m.mailbox_id = $1 AND (m.flags & 1) = 0',
        [inbox],
      ),
    ).toContain('Index Only Scan using messages_unread');

    // The page and the count are kept prepared (db.ts `prepared`): once Postgres plans them
    // for any folder and any limit, that generic plan walks and counts by the index too.
    const client = new pg.Client({
      connectionString: url,
      options: startupOptions({ role: appRoleName(new URL(url).pathname.slice(1)), scope: owner }),
    });
    await client.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      const generic = async (name: string, sql: string, args: unknown[]) => {
        await client.query(`PREPARE ${name} AS ${sql}`);
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE ${name}(${args.join(', ')})`,
        );
        return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      };
      const genericPage = await generic('page', pageSql(false, false), [
        inbox,
        Number.MAX_SAFE_INTEGER,
        50,
        0,
      ]);
      expect(genericPage).toContain('Index Scan Backward using messages_mailbox');
      expect(genericPage).not.toMatch(/Sort|Bitmap/);
      const countedPage = await generic('counted', pageSql(false, false, true), [
        inbox,
        Number.MAX_SAFE_INTEGER,
        50,
        0,
      ]);
      expect(countedPage).toContain('Index Scan Backward using messages_mailbox');
      expect(countedPage).toContain('Index Only Scan using messages_mailbox');
      expect(countedPage).not.toMatch(/Sort|Bitmap/);
      expect(await generic('total', totalSql(false, false), [inbox])).toContain(
        'Index Only Scan using messages_mailbox',
      );
      // A search's hits are looked up by key, not found by reading the person's folders.
      const hits = `'{${ids.join(',')}}'`;
      const summaries = await generic('summaries', SUMMARIES_SQL, [hits]);
      expect(summaries).toMatch(
        /Index Scan using messages_pkey|Bitmap Index Scan on messages_pkey/,
      );
      expect(summaries).not.toContain('messages_mailbox');
    } finally {
      await client.end();
    }
  });
});
