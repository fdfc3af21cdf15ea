// Folders created, renamed and deleted in Maildock are journaled and replayed like the
// changes to messages: the kinds of actions and operations take them. SQLite changes a CHECK
// only by making the table again, so both tables are copied whole (ids, and the counter
// that keeps an old action's id from being given again) into new ones that replace them.
import type { Migration } from './migration.js';

export const migration0010: Migration = {
  version: 10,
  name: 'folder-operations',
  up: `
CREATE TABLE actions_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'delete', 'mailbox')),
  description TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  undone      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO actions_new (id, kind, description, created_at, undone)
  SELECT id, kind, description, created_at, undone FROM actions;

CREATE TABLE operations_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  action_id    INTEGER NOT NULL REFERENCES actions_new(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'expunge',
                 'mailbox-create', 'mailbox-rename', 'mailbox-delete')),
  -- The source mailbox; its path and UIDVALIDITY when the operation was recorded, so a
  -- renamed folder is still found and stale UIDs are never applied.
  mailbox_id   INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
  path         TEXT NOT NULL,
  uid_validity TEXT,
  -- JSON [{uid, id, msgid, flags, keywords}]: the messages, with what undo needs.
  items        TEXT NOT NULL,
  -- JSON: flags {add, remove}; move {toMailboxId, toPath}; a folder's {delimiter, toPath}.
  args         TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
  -- How far a replay of several commands got (an emulated move: 'copied').
  step         TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  -- JSON: what the server answered, e.g. the UIDs of moved messages in their new folder.
  result       TEXT,
  created_at   INTEGER NOT NULL,
  done_at      INTEGER
);
INSERT INTO operations_new (id, action_id, account_id, kind, mailbox_id, path, uid_validity,
    items, args, state, step, attempts, error, result, created_at, done_at)
  SELECT id, action_id, account_id, kind, mailbox_id, path, uid_validity,
    items, args, state, step, attempts, error, result, created_at, done_at FROM operations;

DELETE FROM sqlite_sequence WHERE name IN ('actions_new', 'operations_new');
INSERT INTO sqlite_sequence (name, seq)
  SELECT name || '_new', seq FROM sqlite_sequence WHERE name IN ('actions', 'operations');

DROP TABLE operations;
DROP TABLE actions;
ALTER TABLE actions_new RENAME TO actions;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_pending ON operations (account_id, id) WHERE state = 'pending';
CREATE INDEX operations_action ON operations (action_id);
`,
};
