// Migration 0015 makes the search index again with prefixes and the Cc, Bcc and List-Id
// columns: a store of the schema before it keeps every message findable as before, finds
// its words by prefix, its Cc by cc:, the Bcc of its mail sent from here (by the outbox's
// recipients) by bcc:, and the index it leaves holds exactly what its content says.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
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

const person = (name: string, address: string) => ({ name, address });

function storeBefore0015(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-0015-'));
  dirs.push(dir);
  const file = path.join(dir, 'm.db');
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version < 15) });
  expect(schemaVersion(db)).toBe(14);
  db.exec(`
    INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
      VALUES (1, 'me@x.test', 'h', 1, 'none', 'me');
    INSERT INTO mailboxes (id, account_id, path, name, role) VALUES
      (1, 1, 'INBOX', 'INBOX', 'inbox'), (2, 1, 'Sent', 'Sent', 'sent');
    INSERT INTO outbox (account_id, message_id, env_from, env_to, subject, size, send_at, state, created_at)
      VALUES (1, '<sent@x.test>', 'me@x.test',
              '["bob@x.test","Carol@X.test","secret@hidden.example"]', 'Plans', 10, 1, 'sent', 1);`);
  const insert = db.prepare(
    `INSERT INTO messages (id, account_id, mailbox_id, uid, message_id, subject, from_json, to_json,
       cc_json, sender, recipients, date)
     VALUES (@id, 1, @mailbox, @uid, @messageId, @subject, @from, @to, @cc, @sender, @recipients, 1)`,
  );
  const fts = db.prepare(
    `INSERT INTO message_fts (rowid, subject, sender, recipients, body) VALUES (?, ?, ?, ?, ?)`,
  );
  const rows = [
    {
      id: 1024,
      mailbox: 1,
      uid: 1,
      messageId: '<in@x.test>',
      subject: 'Quarterly numbers',
      from: [person('Alice Archer', 'alice@x.test')],
      to: [person('Me', 'me@x.test')],
      cc: [person('Dave Dunn', 'dave@x.test'), person('', 'erin@x.test')],
      body: 'The numbers are attached.',
    },
    {
      id: 2048,
      mailbox: 2,
      uid: 1,
      messageId: '<sent@x.test>',
      subject: 'Plans',
      from: [person('Me', 'me@x.test')],
      to: [person('Bob', 'bob@x.test')],
      cc: [person('Carol', 'carol@x.test')],
      body: 'See you there.',
    },
  ];
  for (const r of rows) {
    const sender = r.from.map((a) => `${a.name} ${a.address}`).join(' ');
    const recipients = [...r.to, ...r.cc].map((a) => `${a.name} ${a.address}`).join(' ');
    insert.run({
      ...r,
      from: JSON.stringify(r.from),
      to: JSON.stringify(r.to),
      cc: JSON.stringify(r.cc),
      sender,
      recipients,
    });
    db.prepare('INSERT INTO bodies (message_id, text) VALUES (?, ?)').run(r.id, r.body);
    fts.run(r.id, r.subject, sender, recipients, r.body);
  }
  db.close();
  return file;
}

describe('migration 0015 (search prefixes, Cc, Bcc, List-Id)', () => {
  it('rebuilds the index: old messages found as before, by prefix, by Cc and by Bcc', async () => {
    const file = storeBefore0015();
    const store = sqliteStore(file);
    try {
      expect(schemaVersionOf(store)).toBe(migrations.at(-1)!.version);
      const found = async (q: string) =>
        (await store.search.search(q, { limit: 10 })).hits.map((h) => h.id);
      expect(await found('numbers ')).toEqual([1024]);
      expect(await found('from:alice ')).toEqual([1024]);
      expect(await found('to:carol ')).toEqual([2048]);
      expect(await found('quart')).toEqual([1024]);
      expect(await found('cc:dave')).toEqual([1024]);
      expect(await found('cc:erin@x.test')).toEqual([1024]);
      expect(await found('cc:alice')).toEqual([]);
      // Sent from here: the outbox's recipients that To and Cc do not name (in any case).
      expect(await found('bcc:secret@hidden.example')).toEqual([2048]);
      expect(await found('bcc:bob')).toEqual([]);
      expect(await found('bcc:carol')).toEqual([]);
      expect(await found('list:anything')).toEqual([]);
      // New headers bring their own List-Id and Bcc.
      const [id] = await store.messages.insertHeaders(1, 1, [
        headerRecord(9, {
          listId: 'Dev list <dev.lists.x.test>',
          bcc: [person('Frank', 'frank@x.test')],
        }),
      ]);
      expect(await found('list:dev.lists.x.test')).toEqual([id]);
      expect(await found('bcc:frank')).toEqual([id]);
    } finally {
      await store.close();
    }
    // The index holds what its content view says, with the prefix option.
    const db = new Database(file, { readonly: true });
    try {
      const sql = db
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'message_fts'")
        .pluck()
        .get();
      expect(sql).toMatch(/prefix = '2 3'/);
      expect(db.prepare('SELECT cc, bcc FROM message_fts_content WHERE id = 1024').get()).toEqual({
        cc: 'Dave Dunn dave@x.test  erin@x.test',
        bcc: '',
      });
    } finally {
      db.close();
    }
    const rw = new Database(file);
    try {
      rw.prepare("INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)").run();
    } finally {
      rw.close();
    }
  });
});
