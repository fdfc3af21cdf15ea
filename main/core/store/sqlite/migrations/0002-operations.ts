// Local changes waiting for the server. A user action (mark read, move, delete…) changes
// the store at once and records its operations in the same transaction; the sync engine
// replays them in id order and marks each one done in the transaction that records what
// the server answered, so a crash replays an operation rather than losing it.
import type { Migration } from './migration.js';

export const migration0002: Migration = {
  version: 2,
  name: 'operations',
  up: `
-- One row per user action: what undo works on.
CREATE TABLE actions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'delete')),
  description TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  undone      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE operations (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  action_id    INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('flags', 'move', 'expunge')),
  -- The source mailbox; its path and UIDVALIDITY when the operation was recorded, so a
  -- renamed folder is still found and stale UIDs are never applied.
  mailbox_id   INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
  path         TEXT NOT NULL,
  uid_validity TEXT,
  -- JSON [{uid, id, msgid, flags, keywords}]: the messages, with what undo needs.
  items        TEXT NOT NULL,
  -- JSON: flags {add, remove}; move {toMailboxId, toPath}.
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
CREATE INDEX operations_pending ON operations (account_id, id) WHERE state = 'pending';
CREATE INDEX operations_action ON operations (action_id);
`,
};
