// Local folders: folders of an account kept only in this store, never on its server
// (common/local-folders.ts). A column marks them, and their UIDs come from uid_next, which the
// sync never writes for them; columns and tables are added, mailboxes is never made again
// (dropping it would cascade to every message).
//
// Changes made in local folders are kept for undo alone, apart from the operations replayed
// to the server. A message moved out of a local folder is an operation of its own, 'append':
// SQLite changes the kinds' CHECK only by making the operations table again (nothing refers
// to it), copied whole with its ids and the counter that keeps an old id from coming back.
import type { Migration } from './migration.js';

export const migration0014: Migration = {
  version: 14,
  name: 'local-folders',
  up: `
ALTER TABLE mailboxes ADD COLUMN local INTEGER NOT NULL DEFAULT 0;

CREATE TABLE local_changes (
  id         INTEGER PRIMARY KEY,
  action_id  INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'delete')),
  -- The folder the messages were in (a move's source).
  mailbox_id INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
  -- JSON [{uid, id, msgid, flags, keywords}], as an operation's items.
  items      TEXT NOT NULL,
  -- JSON: flags {add, remove}; move {toMailboxId, toPath}.
  args       TEXT NOT NULL
);
CREATE INDEX local_changes_action ON local_changes (action_id);

CREATE TABLE operations_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  action_id    INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'expunge',
                 'mailbox-create', 'mailbox-rename', 'mailbox-delete', 'append')),
  mailbox_id   INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
  path         TEXT NOT NULL,
  uid_validity TEXT,
  items        TEXT NOT NULL,
  args         TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
  step         TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  result       TEXT,
  created_at   INTEGER NOT NULL,
  done_at      INTEGER
);
INSERT INTO operations_new (id, action_id, account_id, kind, mailbox_id, path, uid_validity,
    items, args, state, step, attempts, error, result, created_at, done_at)
  SELECT id, action_id, account_id, kind, mailbox_id, path, uid_validity,
    items, args, state, step, attempts, error, result, created_at, done_at FROM operations;

DELETE FROM sqlite_sequence WHERE name = 'operations_new';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'operations_new', seq FROM sqlite_sequence WHERE name = 'operations';

DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_pending ON operations (account_id, id) WHERE state = 'pending';
CREATE INDEX operations_action ON operations (action_id);
`,
};
