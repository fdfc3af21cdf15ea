// The Postgres store's accounts, mailboxes, settings and transactions on a private server,
// with the behaviour of the SQLite store's: an address added once, an account removed with
// what only it had, mailboxes with their counts and sync state. Certificates repinned, on
// every engine, are checked in store.test.ts.
import { describe, expect, it } from 'vitest';
import { headerRecord } from '../support/headers.js';
import { postgresStores, query } from '../support/postgres-store.js';

const { setup } = postgresStores();
const header = headerRecord;

const body = { html: null, snippet: 's', attachments: [], parseError: null };

describe('accounts', () => {
  it('adds, refuses a second of the same address, and removes with what only it had', async () => {
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
      local: false,
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
