// The list pages the UI reads: by cursor and by offset alike, several folders as one, one row
// per conversation with its size, the conversation across folders, the counts, and the
// plans of those queries (no sort of the whole list); plus the addresses kept for completion.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HeaderRecord } from '../../main/core/store/index.js';
import { openDatabase } from '../../main/core/store/sqlite/db.js';
import { pageSql, totalSql } from '../../main/core/store/sqlite/message-lists.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import type { Store } from '../../main/core/store/index.js';
import { closeEngineStores, stopEngines, storeEngines } from '../support/engines.js';
import { headerRecord } from '../support/headers.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { sqliteStore, storeWithInbox, withInbox } from '../support/store.js';

afterAll(stopEngines);

function header(uid: number, over: Partial<HeaderRecord> = {}): HeaderRecord {
  return headerRecord(uid, {
    from: [{ name: 'Alice Liddell', address: 'alice@example.test' }],
    to: [{ name: '', address: 'me@example.test' }],
    flags: ['\\Seen'],
    ...over,
  });
}

/** The engine's store with an Inbox and a Sent folder. */
async function withSent(open: () => Promise<Store>) {
  const { store, accountId, inbox } = await withInbox(await open());
  const sent = await store.mailboxes.upsert(accountId, {
    path: 'Sent',
    name: 'Sent',
    delimiter: '/',
    role: 'sent',
  });
  return { store, accountId, inbox, sent };
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

afterEach(async () => {
  await closeEngineStores();
  removeTempStoreFiles();
});

describe.each(storeEngines)('message list pages (%s)', (_engine, open) => {
  const setup = () => withSent(open);

  it('offset pages and cursor pages walk the same rows, newest first, and the total counts all', async () => {
    const { store, accountId, inbox } = await setup();
    await store.messages.insertHeaders(
      accountId,
      inbox,
      Array.from({ length: 250 }, (_, i) => header(i + 1)),
    );
    const q = { mailboxIds: [inbox], limit: 100, threads: false };
    const byOffset: number[] = [];
    for (const offset of [0, 100, 200])
      byOffset.push(...ids((await store.messages.page({ ...q, offset })).rows));
    const byCursor: number[] = [];
    let before: number | undefined;
    for (;;) {
      const { rows } = await store.messages.page({ ...q, before });
      byCursor.push(...ids(rows));
      if (rows.length < q.limit) break;
      before = rows.at(-1)!.id;
    }
    expect(byOffset).toHaveLength(250);
    expect(byOffset).toEqual(byCursor);
    expect(byOffset).toEqual([...byOffset].sort((a, b) => b - a));
    // Counted with a page of rows, and with an empty page past the end; not counted unasked.
    expect((await store.messages.page({ ...q, count: true })).total).toBe(250);
    expect(await store.messages.page({ ...q, offset: 300, count: true })).toEqual({
      rows: [],
      total: 250,
    });
    expect((await store.messages.page({ ...q, offset: 240 })).total).toBeNull();
    // Summaries by id keep the order asked for and leave out what is not stored.
    const some = [byOffset[5]!, 999, byOffset[1]!];
    expect(ids(await store.messages.summaries(some))).toEqual([byOffset[5], byOffset[1]]);
    expect(await store.messages.summaries([])).toEqual([]);
  });

  it('several folders read as one list, interleaved by date', async () => {
    const { store, accountId, inbox, sent } = await setup();
    await store.messages.insertHeaders(accountId, inbox, [header(1), header(3), header(5)]);
    await store.messages.insertHeaders(accountId, sent, [header(2), header(4)]);
    const q = { mailboxIds: [inbox, sent], limit: 10, threads: false };
    expect((await store.messages.page(q)).rows.map((m) => m.uid)).toEqual([5, 4, 3, 2, 1]);
    const last = await store.messages.page({ ...q, offset: 3, count: true });
    expect(last.rows.map((m) => m.uid)).toEqual([2, 1]);
    expect(last.total).toBe(5);
  });

  it('in conversation view a conversation is one row, its newest message here, with its size and unread count', async () => {
    const { store, accountId, inbox, sent } = await setup();
    const reply = (uid: number, to: number, over: Partial<HeaderRecord> = {}) =>
      header(uid, {
        inReplyTo: `<m${to}@t>`,
        references: [`<m${to}@t>`],
        subject: 'Re: plan',
        ...over,
      });
    await store.messages.insertHeaders(accountId, inbox, [
      header(1, { subject: 'plan' }),
      reply(3, 2, { flags: [] }),
      header(4, { subject: 'alone' }),
    ]);
    // The newest of the conversation is in Sent: in the Inbox its newest there stands for it.
    await store.messages.insertHeaders(accountId, sent, [reply(2, 1), reply(5, 3)]);
    const inInbox = { mailboxIds: [inbox], limit: 10, threads: true, count: true };
    const { rows, total } = await store.messages.page(inInbox);
    expect(rows.map((r) => [r.uid, r.threadSize, r.threadUnread])).toEqual([
      [4, 1, 0],
      [3, 2, 1],
    ]);
    expect(total).toBe(2);
    expect((await store.messages.page({ ...inInbox, offset: 5 })).total).toBe(2);
    const both = (
      await store.messages.page({
        mailboxIds: [inbox, sent],
        limit: 10,
        threads: true,
        count: true,
      })
    ).rows;
    expect(both.map((r) => [r.uid, r.threadSize])).toEqual([
      [5, 4],
      [4, 1],
    ]);
    // The conversation itself: every folder, oldest first.
    expect((await store.threads.messages(both[0]!.id)).map((m) => [m.mailbox, m.uid])).toEqual([
      ['INBOX', 1],
      ['Sent', 2],
      ['INBOX', 3],
      ['Sent', 5],
    ]);
  });
});

describe('SQLite plans of the list queries', () => {
  it('pages walk an index newest first, never sorting the whole list', async () => {
    const { store } = await storeWithInbox(tempStoreFile());
    const plan = (sql: string) =>
      besideStore(store, (db) =>
        (
          db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all({ mailbox: 1, mailboxes: '[1,2]', before: 1, limit: 1, offset: 0 }) as {
            detail: string;
          }[]
        )
          .map((r) => r.detail)
          .join('\n'),
      );
    for (const threads of [false, true]) {
      const one = plan(pageSql(false, threads));
      expect(one).toContain('messages_mailbox (mailbox_id=? AND id<?)');
      expect(one).not.toContain('TEMP B-TREE');
      const many = plan(pageSql(true, threads));
      expect(many).toContain('USING INTEGER PRIMARY KEY (rowid<?)');
      expect(many).not.toContain('TEMP B-TREE');
      if (threads) expect(one).toContain('messages_thread (thread_id=? AND rowid>?)');
    }
    // The folder list's unread count reads the partial index, not the folder's rows.
    const unread = besideStore(store, (db) =>
      db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT count(*) FROM messages m WHERE m.mailbox_id = ? AND (m.flags & 1) = 0',
        )
        .all(1),
    ) as { detail: string }[];
    expect(unread.map((r) => r.detail).join()).toContain('COVERING INDEX messages_unread');
    const count = besideStore(store, (db) =>
      db.prepare(`EXPLAIN QUERY PLAN ${totalSql(false, false)}`).all({ mailbox: 1 }),
    ) as { detail: string }[];
    expect(count.map((r) => r.detail).join()).toContain('COVERING INDEX messages_mailbox');
    await store.close();
  });
});

describe.each(storeEngines)('addresses for completion (%s)', (_engine, open) => {
  const setup = () => withSent(open);

  it('are counted once per message, ranked by how often they were seen, matched by address or name word', async () => {
    const { store, accountId, inbox } = await setup();
    const bob = { name: 'Bob Stone', address: 'Bob@Example.test' };
    const carol = { name: 'Carol 100%', address: 'carol@example.test' };
    await store.messages.insertHeaders(accountId, inbox, [
      header(1, { to: [bob, bob], cc: [carol] }),
      header(2, { to: [bob] }),
      header(3, { from: [{ name: '', address: 'not an address' }] }),
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
    // LIKE's wildcards typed by the user match only themselves.
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

describe('SQLite migration 0005', () => {
  it('collects the addresses of the mail stored before it', async () => {
    const file = tempStoreFile('maildock-contacts-');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.version < 5) });
    before
      .prepare(
        "INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user) VALUES (1, 'me@x.test', 'h', 1, 'none', 'me')",
      )
      .run();
    before
      .prepare("INSERT INTO mailboxes (id, account_id, path, name) VALUES (1, 1, 'INBOX', 'INBOX')")
      .run();
    const row = before.prepare(
      'INSERT INTO messages (id, account_id, mailbox_id, uid, from_json, to_json, date) VALUES (?, 1, 1, ?, ?, ?, ?)',
    );
    row.run(1, 1, JSON.stringify([{ name: 'Dana', address: 'Dana@X.test' }]), '[]', 1000);
    row.run(2, 2, JSON.stringify([{ name: 'Dana Q', address: 'dana@x.test' }]), '[]', 2000);
    before.close();
    const store = sqliteStore(file);
    expect(await store.contacts.suggest('dan', 5)).toEqual([
      { address: 'dana@x.test', name: 'Dana Q', count: 2, lastSeen: new Date(2000).toISOString() },
    ]);
    await store.close();
  });
});
