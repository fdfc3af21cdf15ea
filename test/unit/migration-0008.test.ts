// Migration 0008 links each harvested address to the accounts whose mail named it, from a
// store of the schema before it: removing an account then takes the addresses only it saw.
// An address no stored message names any more goes with the last account.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../main/core/store/index.js';
import { openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { headerRecord } from '../support/headers.js';
import { besideStore, schemaVersionOf } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

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

const addresses = async (store: Store) =>
  (await store.contacts.suggest('', 50)).map((c) => c.address).sort();

describe('migration 0008 (contacts linked to accounts)', () => {
  it('backfills the links, so each account’s removal takes the addresses only it saw', async () => {
    const store = sqliteStore(storeBefore0008());
    expect(schemaVersionOf(store)).toBe(migrations.at(-1)!.version);
    expect(besideStore(store, (db) => db.pragma('foreign_key_check'))).toEqual([]);
    expect(await store.accounts.remove(1)).toEqual({ removed: true, cachedAttachments: [] });
    expect(await addresses(store)).toEqual([
      'both@x.test',
      'gone@x.test',
      'me2@x.test',
      'only-two@x.test',
    ]);
    expect((await store.accounts.remove(2)).removed).toBe(true);
    expect(await addresses(store)).toEqual([]);
    await store.close();
  });

  it('links what the writer harvests after it to the account it came in', async () => {
    const store = sqliteStore();
    const ids: { account: number; box: number }[] = [];
    for (const n of [1, 2]) {
      const a = await store.accounts.add({
        email: `me${n}@x.test`,
        imap: { host: 'h', port: 1, security: 'none', user: 'me' },
      });
      const box = await store.mailboxes.upsert(a.id, {
        path: 'INBOX',
        name: 'INBOX',
        delimiter: '/',
        role: 'inbox',
      });
      ids.push({ account: a.id, box });
    }
    const header = (uid: number, from: string) =>
      headerRecord(uid, { from: [{ name: '', address: from }], to: [] });
    await store.transaction(async (tx) => {
      await tx.messages.insertHeaders(ids[0]!.account, ids[0]!.box, [
        header(1, 'a@x.test'),
        header(2, 'shared@x.test'),
      ]);
      await tx.messages.insertHeaders(ids[1]!.account, ids[1]!.box, [header(1, 'shared@x.test')]);
    });
    await store.accounts.remove(ids[0]!.account);
    expect(await addresses(store)).toEqual(['shared@x.test']);
    await store.close();
  });
});
