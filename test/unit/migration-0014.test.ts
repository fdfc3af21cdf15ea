// Migration 0014 adds local folders to a store that has mail: the mailboxes table only gains a
// column (made again, it would take every message with it), every folder of before is one of
// the server's, and the operations, made again for the 'append' kind, come through whole (ids,
// states, the counter that keeps an old id from coming back, their links).
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

afterEach(removeTempStoreFiles);

function storeBefore0014(): string {
  const file = tempStoreFile('maildock-0014-');
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version < 14) });
  expect(schemaVersion(db)).toBe(13);
  db.prepare(
    `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
     VALUES (1, 'me@x.test', 'h', 1, 'none', 'me')`,
  ).run();
  db.prepare(
    "INSERT INTO mailboxes (id, account_id, path, name, uid_next) VALUES (7, 1, 'INBOX', 'INBOX', 40)",
  ).run();
  db.prepare(
    `INSERT INTO messages (id, account_id, mailbox_id, uid, subject, date)
     VALUES (1024, 1, 7, 3, 'kept', 1)`,
  ).run();
  const action = db.prepare(
    'INSERT INTO actions (id, kind, description, created_at) VALUES (?, ?, ?, 1000)',
  );
  action.run(1, 'flags', 'Marked 1 message as read');
  action.run(2, 'move', 'Moved 1 message');
  db.prepare(
    `INSERT INTO operations (id, action_id, account_id, kind, mailbox_id, path, uid_validity,
       items, args, state, step, attempts, error, result, created_at, done_at)
     VALUES (5, 1, 1, 'flags', 7, 'INBOX', '42', '[{"id":1024,"uid":3,"msgid":null,"flags":0,"keywords":null}]',
       '{"add":["\\\\Seen"],"remove":[]}', 'pending', NULL, 2, NULL, NULL, 1000, NULL),
            (9, 2, 1, 'move', 7, 'INBOX', '42', '[]', '{"toMailboxId":7,"toPath":"INBOX"}',
       'done', 'copied', 1, NULL, '{"uidMap":[[3,9]]}', 1000, 2000)`,
  ).run();
  // The newest operation was pruned: its id must not come back.
  db.prepare(
    `INSERT INTO operations (id, action_id, account_id, kind, path, items, args, created_at)
     VALUES (12, 2, 1, 'expunge', 'INBOX', '[]', '{}', 1000)`,
  ).run();
  db.prepare('DELETE FROM operations WHERE id = 12').run();
  db.close();
  return file;
}

describe('migration 0014 (local folders)', () => {
  it('keeps every folder, message and operation, and takes appends and local changes', async () => {
    const store = sqliteStore(storeBefore0014());
    try {
      const after = besideStore(store, (db) => ({
        foreignKeys: db.pragma('foreign_key_check'),
        operations: db.prepare('SELECT id, kind, state, step, attempts FROM operations').all(),
        indexes: db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations'",
          )
          .pluck()
          .all(),
      }));
      expect(after.foreignKeys).toEqual([]);
      expect(after.indexes.sort()).toEqual(['operations_action', 'operations_pending']);
      expect(after.operations).toEqual([
        { id: 5, kind: 'flags', state: 'pending', step: null, attempts: 2 },
        { id: 9, kind: 'move', state: 'done', step: 'copied', attempts: 1 },
      ]);
      expect(await store.mailboxes.get(7)).toMatchObject({ path: 'INBOX', local: false, total: 1 });
      expect((await store.messages.summary(1024))!.subject).toBe('kept');
      expect((await store.mailboxes.states(1)).map((m) => m.id)).toEqual([7]);

      const actionId = await store.operations.addAction('move', 'Moved 1 message out');
      const next = await store.operations.add(actionId, {
        accountId: 1,
        kind: 'append',
        mailboxId: 7,
        path: 'INBOX',
        uidValidity: null,
        items: [],
        args: { toMailboxId: 7, toPath: 'INBOX' },
      });
      expect(next).toBe(13);
      await store.operations.addLocal(actionId, {
        kind: 'flags',
        mailboxId: 7,
        items: [],
        args: { add: ['\\Seen'], remove: [] },
      });
      expect(await store.operations.localOfAction(actionId)).toHaveLength(1);
      // Local changes go with their action.
      besideStore(store, (db) => db.prepare('DELETE FROM actions WHERE id = ?').run(actionId));
      expect(await store.operations.localOfAction(actionId)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
