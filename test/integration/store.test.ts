// The store on its own: message ids that sort like dates, idempotent inserts, threads, pinned
// certificates, on every engine; and SQLite's own: migrations, the external-content index
// kept exact, and the plans of the hot queries.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../main/core/store/index.js';
import { decodeFlags, encodeFlags } from '../../main/core/store/flags.js';
import { migrate, openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { messageIdBase } from '../../main/core/store/rows.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { subjectKey } from '../../main/core/store/rows.js';
import { closeEngineStores, stopEngines, storeEngines } from '../support/engines.js';
import { headerRecord } from '../support/headers.js';
import {
  besideStore,
  ftsCount,
  ftsIntegrityCheck as integrityCheck,
  removeTempStoreFiles,
  tempStoreFile,
} from '../support/sqlite-file.js';
import { storeWithInbox, withInbox } from '../support/store.js';

afterAll(stopEngines);

const header = headerRecord;

afterEach(async () => {
  await closeEngineStores();
  removeTempStoreFiles();
});

describe('SQLite migrations', () => {
  it('each migration applies on top of the previous one and records its version', () => {
    const file = tempStoreFile('maildock-mig-');
    for (let i = 1; i <= migrations.length; i++) {
      const db = openDatabase(file, { migrations: migrations.slice(0, i) });
      expect(schemaVersion(db)).toBe(migrations[i - 1]!.version);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }
    const db = openDatabase(file);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'accounts',
        'mailboxes',
        'messages',
        'bodies',
        'attachments',
        'threads',
        'message_fts',
      ]),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(8192);
    db.close();
  });

  it('refuses a store written by a newer Maildock', () => {
    const db = openDatabase(':memory:');
    db.pragma('user_version = 999');
    expect(() => migrate(db, migrations)).toThrow(/newer Maildock/);
  });
});

describe.each(storeEngines)('accounts (%s)', (_engine, open) => {
  it('keeps a pinned certificate per account for IMAP and SMTP, and repins both', async () => {
    const store = await open();
    const pem = (n: string) => `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`;
    const server = { host: '127.0.0.1', port: 1993, security: 'tls' as const, user: 'a@x.test' };
    const pinned = await store.accounts.add({
      email: 'a@x.test',
      imap: { ...server, tlsCert: pem('old') },
      smtp: { ...server, port: 1587, security: 'starttls', tlsCert: pem('old') },
    });
    const plain = await store.accounts.add({
      email: 'b@x.test',
      imap: { ...server, user: 'b@x.test' },
    });
    expect(pinned.imap.tlsCert).toBe(pem('old'));
    expect(pinned.smtp?.tlsCert).toBe(pem('old'));
    expect(plain.imap).not.toHaveProperty('tlsCert');
    expect(await store.accounts.repin(pem('old'), pem('new'))).toBe(2);
    expect((await store.accounts.get(pinned.id))!.imap.tlsCert).toBe(pem('new'));
    expect((await store.accounts.get(pinned.id))!.smtp!.tlsCert).toBe(pem('new'));
    expect((await store.accounts.get(plain.id))!.imap).not.toHaveProperty('tlsCert');
  });

  it('replaces the name and servers of one account, keeping its address and the others', async () => {
    const store = await open();
    const server = { host: '127.0.0.1', port: 1993, security: 'tls' as const, user: 'a@x.test' };
    const a = await store.accounts.add({ email: 'a@x.test', name: 'A', imap: server });
    const b = await store.accounts.add({ email: 'b@x.test', imap: { ...server, user: 'b' } });
    const smtp = { host: 'smtp.x.test', port: 587, security: 'starttls' as const, user: 'a' };
    const imap = { ...server, host: 'imap.x.test', port: 143, security: 'none' as const };
    const edited = await store.accounts.update(a.id, { name: 'A. Person', imap, smtp });
    const own = (name: string | null) => [
      { email: 'a@x.test', name, signature: null, primary: true },
    ];
    expect(edited).toEqual({ ...a, name: 'A. Person', imap, smtp, identities: own('A. Person') });
    expect(await store.accounts.get(a.id)).toEqual(edited);
    expect(await store.accounts.update(a.id, { name: null, imap, smtp: null })).toEqual({
      ...a,
      name: null,
      imap,
      smtp: null,
      identities: own(null),
    });
    expect(await store.accounts.get(b.id)).toEqual(b);
    expect(await store.accounts.update(987_654, { name: 'x', imap, smtp: null })).toBeNull();
  });

  it("keeps an account's identities with it: the own address first, named by the account", async () => {
    const store = await open();
    const server = { host: '127.0.0.1', port: 1993, security: 'tls' as const, user: 'a@x.test' };
    const a = await store.accounts.add({ email: 'a@x.test', name: 'A', imap: server });
    const b = await store.accounts.add({ email: 'b@x.test', imap: { ...server, user: 'b' } });
    expect(a.identities).toEqual([
      { email: 'a@x.test', name: 'A', signature: null, primary: true },
    ]);
    const signature = { text: 'A\n-- from A', html: '<b>A</b>' };
    const alias = { email: 'sales@x.test', name: 'Sales', signature: null, primary: false };
    const saved = await store.accounts.setIdentities(a.id, 'A. Person', [
      { email: 'a@x.test', name: 'ignored', signature, primary: true },
      alias,
    ]);
    expect(saved?.name).toBe('A. Person');
    expect(saved?.identities).toEqual([
      { email: 'a@x.test', name: 'A. Person', signature, primary: true },
      alias,
    ]);
    expect(await store.accounts.get(a.id)).toEqual(saved);
    // An edit of the servers keeps them; the name stays the primary identity's.
    const edited = await store.accounts.update(a.id, { name: 'A. B.', imap: server, smtp: null });
    expect(edited?.identities).toEqual([
      { email: 'a@x.test', name: 'A. B.', signature, primary: true },
      alias,
    ]);
    // Without a signature or aliases there is nothing to keep.
    const bare = await store.accounts.setIdentities(a.id, null, [
      { email: 'a@x.test', name: null, signature: null, primary: true },
    ]);
    expect(bare?.identities).toEqual([
      { email: 'a@x.test', name: null, signature: null, primary: true },
    ]);
    expect(await store.accounts.get(b.id)).toEqual(b);
    expect(await store.accounts.setIdentities(987_654, null, [])).toBeNull();
  });
});

describe.each(storeEngines)('messages (%s)', (_engine, open) => {
  const setup = async () => withInbox(await open());

  it('gives ids that sort like dates, even for equal dates', async () => {
    const { store, accountId, inbox } = await setup();
    const same = Date.UTC(2024, 5, 1);
    const ids = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [
        header(1, { date: same }),
        header(2, { date: same }),
        header(3, { date: same - 1 }),
        header(4, { date: NaN }),
      ]),
    );
    expect(ids[0]).toBe(messageIdBase(same));
    expect(ids[1]).toBe(messageIdBase(same) + 1);
    expect(ids[2]!).toBeLessThan(ids[0]!);
    expect(ids[3]).toBe(0);
    expect(Number.isSafeInteger(messageIdBase(Date.UTC(9999, 0, 1)))).toBe(true);
    // A later batch with the same date takes the next free id.
    const [later] = await store.messages.insertHeaders(accountId, inbox, [
      header(5, { date: same }),
    ]);
    expect(later).toBe(messageIdBase(same) + 2);
    expect((await store.messages.list(inbox, 10)).map((m) => m.uid)).toEqual([5, 2, 1, 3, 4]);
    expect((await store.messages.list(inbox, 10, ids[1]!)).map((m) => m.uid)).toEqual([1, 3, 4]);
  });
});

/** The store in a file, so a second connection can look at the index beside it. */
const fileSetup = () => storeWithInbox(tempStoreFile());

describe('SQLite messages and the full-text index', () => {
  it('a replayed batch refreshes flags and adds nothing twice, in the table or the index', async () => {
    const { store, accountId, inbox } = await fileSetup();
    await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(1), header(2)]),
    );
    const again = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(1, { flags: ['\\Seen'] }), header(2)]),
    );
    expect(again).toEqual([]);
    expect((await store.messages.counts()).messages).toBe(2);
    expect(ftsCount(store, 'subject')).toBe(2);
    expect((await store.messages.list(inbox, 10)).find((m) => m.uid === 1)!.flags).toEqual([
      '\\Seen',
    ]);
    await store.close();
  });

  it('keeps the full-text index exact through body updates and deletes', async () => {
    const { store, accountId, inbox } = await fileSetup();
    const [id] = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(1)]),
    );
    const body = { html: null, snippet: 's', attachments: [], parseError: null };
    await store.transaction((tx) => tx.bodies.save(id!, { ...body, text: 'first words' }));
    await store.transaction((tx) => tx.bodies.save(id!, { ...body, text: 'second words' }));
    expect(ftsCount(store, 'first')).toBe(0);
    expect(ftsCount(store, 'second')).toBe(1);
    await store.transaction((tx) => tx.messages.deleteUids(inbox, [1]));
    expect(ftsCount(store, 'second OR alice OR subject')).toBe(0);
    await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(2), header(3)]),
    );
    // Compares the index with the content it was built from; throws when they differ.
    expect(() => integrityCheck(store)).not.toThrow();
    besideStore(store, (db) =>
      db.prepare("UPDATE messages SET subject = 'changed behind the index' WHERE uid = 2").run(),
    );
    expect(() => integrityCheck(store)).toThrow(/malformed/);
    await store.close();
  });

  it('removing an account removes its messages from the index too', async () => {
    const { store, accountId, inbox } = await fileSetup();
    await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(1), header(2)]),
    );
    expect(await store.accounts.remove(accountId)).toMatchObject({ removed: true });
    expect((await store.messages.counts()).messages).toBe(0);
    expect(ftsCount(store, 'alice')).toBe(0);
    expect(() => integrityCheck(store)).not.toThrow();
    await store.close();
  });

  it('stores a failed parse with its error and the raw fallback', async () => {
    const { store, accountId, inbox } = await fileSetup();
    const [id] = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [header(1)]),
    );
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
    expect(
      besideStore(store, (db) =>
        db.prepare('SELECT raw FROM bodies WHERE message_id = ?').pluck().get(id),
      ),
    ).toEqual(Buffer.from('raw bytes'));
    await store.close();
  });
});

describe('thread subjects', () => {
  it('normalises reply and forward prefixes and list tags', () => {
    expect(subjectKey('Re: Fwd: [team] RE[2]:  Budget  plan')).toEqual({
      key: 'budget plan',
      isReply: true,
    });
    expect(subjectKey('Budget plan')).toEqual({ key: 'budget plan', isReply: false });
  });
});

describe.each(storeEngines)('threads (%s)', (_engine, open) => {
  const setup = async () => withInbox(await open());

  it('joins a parent that arrives after its reply, merges threads a message links, and falls back on the subject for replies', async () => {
    const { store, accountId, inbox } = await setup();
    await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [
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
      ]),
    );
    const t = new Map((await store.messages.list(inbox, 10)).map((m) => [m.uid, m.threadId]));
    expect(t.get(1)).toBe(t.get(3));
    expect(t.get(2)).toBe(t.get(4));
    expect(t.get(5)).toBe(t.get(2));
    expect(t.get(1)).not.toBe(t.get(2));
  });

  it('does not join unrelated messages that merely share a subject', async () => {
    const { store, accountId, inbox } = await setup();
    await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [
        header(1, { subject: 'Hello' }),
        header(2, { subject: 'Hello' }),
      ]),
    );
    const [a, b] = await store.messages.list(inbox, 10);
    expect(a!.threadId).not.toBe(b!.threadId);
  });
});

describe('flags', () => {
  it('round-trips system flags and keywords', () => {
    const enc = encodeFlags(['\\Seen', '\\Flagged', '$Label1', '\\Recent']);
    expect(decodeFlags(enc.bits, enc.keywords)).toEqual(['\\Seen', '\\Flagged', '$Label1']);
  });
});

describe('SQLite query plans of the hot paths', () => {
  const plan = (store: Store, sql: string, ...args: unknown[]) =>
    besideStore(store, (db) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n'),
    );

  it('the message list and the body queue use their indexes without sorting', async () => {
    const { store } = await fileSetup();
    const list = plan(
      store,
      'SELECT m.id FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id WHERE m.mailbox_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?',
      1,
      1,
      1,
    );
    expect(list).toContain('messages_mailbox');
    expect(list).not.toContain('TEMP B-TREE');
    const pending = plan(
      store,
      'SELECT m.id FROM messages m WHERE m.account_id = ? AND m.body_state = 0 ORDER BY m.id DESC LIMIT ?',
      1,
      1,
    );
    expect(pending).toContain('messages_pending');
    expect(pending).not.toContain('TEMP B-TREE');
    const byUid = plan(store, 'SELECT id FROM messages WHERE mailbox_id = ? AND uid = ?', 1, 1);
    expect(byUid).toMatch(/sqlite_autoindex_messages|USING INDEX/);
    await store.close();
  });
});
