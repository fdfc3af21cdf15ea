// Migration 0010 lets actions and operations be about folders. SQLite changes a CHECK only by
// making the tables again: every action and operation of a store before it comes through
// whole (ids, states, what undo needs), an old action's id is never given again, and the
// links between them and to mailboxes still hold.
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

afterEach(removeTempStoreFiles);

function storeBefore0010(): string {
  const file = tempStoreFile('maildock-0010-');
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version < 10) });
  expect(schemaVersion(db)).toBe(9);
  db.prepare(
    `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
     VALUES (1, 'me@x.test', 'h', 1, 'none', 'me')`,
  ).run();
  db.prepare(
    "INSERT INTO mailboxes (id, account_id, path, name) VALUES (7, 1, 'INBOX', 'INBOX')",
  ).run();
  const action = db.prepare(
    'INSERT INTO actions (id, kind, description, created_at, undone) VALUES (?, ?, ?, 1000, ?)',
  );
  action.run(1, 'flags', 'Marked 1 message as read', 0);
  action.run(2, 'move', 'Moved 1 message to Archive', 1);
  // The newest action was pruned: its id must not come back.
  action.run(3, 'delete', 'pruned', 0);
  db.prepare('DELETE FROM actions WHERE id = 3').run();
  db.prepare(
    `INSERT INTO operations (id, action_id, account_id, kind, mailbox_id, path, uid_validity,
       items, args, state, step, attempts, error, result, created_at, done_at)
     VALUES (5, 1, 1, 'flags', 7, 'INBOX', '42', '[{"id":1,"uid":3,"msgid":null,"flags":0,"keywords":null}]',
       '{"add":["$Label1"],"remove":[]}', 'pending', NULL, 2, NULL, NULL, 1000, NULL),
            (6, 2, 1, 'move', 7, 'INBOX', '42', '[]', '{"toMailboxId":7,"toPath":"INBOX"}',
       'done', 'copied', 1, NULL, '{"uidMap":[[3,9]]}', 1000, 2000)`,
  ).run();
  db.close();
  return file;
}

describe('migration 0010 (folder operations)', () => {
  it('carries every action and operation over whole, and takes the kinds of folders', async () => {
    const file = storeBefore0010();
    const store = sqliteStore(file);
    try {
      const dump = (db: Database.Database) => ({
        version: db.pragma('user_version', { simple: true }),
        actions: db.prepare('SELECT * FROM actions ORDER BY id').all(),
        operations: db.prepare('SELECT * FROM operations ORDER BY id').all(),
        foreignKeys: db.pragma('foreign_key_check'),
        indexes: db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations'",
          )
          .pluck()
          .all(),
      });
      const after = besideStore(store, dump);
      expect(after.version).toBe(migrations.at(-1)!.version);
      expect(after.foreignKeys).toEqual([]);
      expect(after.indexes.sort()).toEqual(['operations_action', 'operations_pending']);
      expect(after.actions).toEqual([
        {
          id: 1,
          kind: 'flags',
          description: 'Marked 1 message as read',
          created_at: 1000,
          undone: 0,
        },
        {
          id: 2,
          kind: 'move',
          description: 'Moved 1 message to Archive',
          created_at: 1000,
          undone: 1,
        },
      ]);
      expect(after.operations).toMatchObject([
        { id: 5, action_id: 1, kind: 'flags', state: 'pending', attempts: 2, uid_validity: '42' },
        { id: 6, action_id: 2, kind: 'move', state: 'done', step: 'copied', done_at: 2000 },
      ]);
      expect((await store.operations.pending(1)).map((o) => o.id)).toEqual([5]);

      // New actions count on from the old ones, and may be about folders.
      const next = await store.operations.addAction('mailbox', 'Created folder Projects');
      expect(next).toBe(4);
      const op = await store.operations.add(next, {
        accountId: 1,
        kind: 'mailbox-create',
        mailboxId: 7,
        path: 'Projects',
        uidValidity: null,
        items: [],
        args: { delimiter: '/' },
      });
      expect((await store.operations.pendingFolders(1)).map((o) => o.id)).toEqual([op]);
      // The operations still go with their action, and lose their folder's id with it.
      besideStore(store, (db) => {
        db.pragma('foreign_keys = ON');
        db.prepare('DELETE FROM actions WHERE id = 1').run();
        db.prepare('DELETE FROM mailboxes WHERE id = 7').run();
      });
      expect((await store.operations.pending(1)).map((o) => [o.id, o.mailboxId])).toEqual([
        [op, null],
      ]);
    } finally {
      await store.close();
    }
  });
});
