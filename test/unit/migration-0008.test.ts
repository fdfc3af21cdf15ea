// Migration 0008 links each harvested address to the accounts whose mail named it, from a
// store of the schema before it: removing an account then takes the addresses only it saw.
// An address no stored message names any more goes with the last account.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../main/core/store/db.js';
import { Store } from '../../main/core/store/index.js';
import { migrations } from '../../main/core/store/migrations/index.js';
import { headerRecord } from '../support/headers.js';

function storeBefore0008(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maildock-0008-')), 'm.db');
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version < 8) });
  expect(schemaVersion(db)).toBeLessThan(8);
  for (const id of [1, 2]) {
    db.prepare(
      `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
       VALUES (?, ?, 'h', 1, 'none', 'me')`,
    ).run(id, `me${id}@x.test`);
    db.prepare(
      "INSERT INTO mailboxes (id, account_id, path, name) VALUES (?, ?, 'INBOX', 'INBOX')",
    ).run(id, id);
  }
  const message = db.prepare(
    `INSERT INTO messages (id, account_id, mailbox_id, uid, from_json, to_json, cc_json, date)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1000)`,
  );
  const who = (address: string) => JSON.stringify([{ name: '', address }]);
  message.run(1, 1, 1, 1, who('Only-One@x.test'), who('me1@x.test'), who('both@x.test'));
  message.run(2, 2, 2, 1, who('only-two@x.test'), who('me2@x.test'), '[]');
  message.run(3, 2, 2, 2, who(' Both@X.test '), '[]', '[]');
  // Indexed as the writer does (account removal takes the rows out of the index).
  db.exec(
    `INSERT INTO message_fts (rowid, subject, sender, recipients, body)
     SELECT id, subject, sender, recipients, body FROM message_fts_content`,
  );
  const contact = db.prepare(
    "INSERT OR IGNORE INTO contacts (address, name, seen, last_seen) VALUES (?, '', 1, 1000)",
  );
  // As 0005 and the writer left them, plus one whose message was deleted since.
  for (const a of ['only-one@x.test', 'only-two@x.test', 'both@x.test', 'me1@x.test'])
    contact.run(a);
  contact.run('me2@x.test');
  contact.run('gone@x.test');
  db.close();
  return file;
}

const addresses = (store: Store) =>
  store.contacts
    .suggest('', 50)
    .map((c) => c.address)
    .sort();

describe('migration 0008 (contacts linked to accounts)', () => {
  it('backfills the links, so each account’s removal takes the addresses only it saw', () => {
    const store = Store.open(storeBefore0008());
    expect(schemaVersion(store.db)).toBe(migrations.at(-1)!.version);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.accounts.remove(1)).toEqual({ removed: true, cachedAttachments: [] });
    expect(addresses(store)).toEqual([
      'both@x.test',
      'gone@x.test',
      'me2@x.test',
      'only-two@x.test',
    ]);
    expect(store.accounts.remove(2).removed).toBe(true);
    expect(addresses(store)).toEqual([]);
    store.close();
  });

  it('links what the writer harvests after it to the account it came in', () => {
    const store = Store.open(':memory:');
    const ids = [1, 2].map((n) => {
      const a = store.accounts.add({
        email: `me${n}@x.test`,
        imap: { host: 'h', port: 1, security: 'none', user: 'me' },
      });
      const box = store.mailboxes.upsert(a.id, {
        path: 'INBOX',
        name: 'INBOX',
        delimiter: '/',
        role: 'inbox',
      });
      return { account: a.id, box };
    });
    const header = (uid: number, from: string) =>
      headerRecord(uid, { from: [{ name: '', address: from }], to: [] });
    store.tx(() => {
      store.messages.insertHeaders(ids[0]!.account, ids[0]!.box, [
        header(1, 'a@x.test'),
        header(2, 'shared@x.test'),
      ]);
      store.messages.insertHeaders(ids[1]!.account, ids[1]!.box, [header(1, 'shared@x.test')]);
    });
    store.accounts.remove(ids[0]!.account);
    expect(addresses(store)).toEqual(['shared@x.test']);
    store.close();
  });
});
