// Migration 0011 gives messages a column for what their List-Unsubscribe headers offer: a
// store of the schema before it keeps its messages, which offer nothing until synced again,
// and new headers keep what they offer.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { headerRecord } from '../support/headers.js';
import { schemaVersionOf } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeBefore0011(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-0011-'));
  dirs.push(dir);
  const file = path.join(dir, 'm.db');
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version < 11) });
  expect(schemaVersion(db)).toBe(10);
  db.prepare(
    `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
     VALUES (1, 'me@x.test', 'h', 1, 'none', 'me')`,
  ).run();
  db.prepare(
    "INSERT INTO mailboxes (id, account_id, path, name) VALUES (1, 1, 'INBOX', 'INBOX')",
  ).run();
  db.prepare(
    `INSERT INTO messages (id, account_id, mailbox_id, uid, from_json, to_json, cc_json, date)
     VALUES (1024, 1, 1, 1, '[]', '[]', '[]', 1)`,
  ).run();
  db.close();
  return file;
}

describe('migration 0011 (List-Unsubscribe)', () => {
  it('keeps the messages stored before it, and stores what new headers offer', async () => {
    const store = sqliteStore(storeBefore0011());
    try {
      expect(schemaVersionOf(store)).toBe(migrations.at(-1)!.version);
      expect((await store.messages.detail(1024))?.unsubscribe).toBeNull();
      const offer = { https: 'https://l.example.com/u', mailto: null, oneClick: true };
      const [id] = await store.messages.insertHeaders(1, 1, [
        headerRecord(2, { unsubscribe: offer }),
      ]);
      expect((await store.messages.detail(id!))?.unsubscribe).toEqual(offer);
    } finally {
      await store.close();
    }
  });
});
