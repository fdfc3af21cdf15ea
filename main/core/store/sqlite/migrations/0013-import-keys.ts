// What an import has put in a folder: one key per message (its Message-ID and the SHA-256 of
// its bytes), written before its APPEND and completed with the UID the server gave it, so an
// import run again after a cancel or a crash goes on without appending anything twice. A row
// still without a UID was under way when the import stopped: the next run looks for it on
// the server above `since_uid`, the folder's next UID when it was written.
import type { Migration } from './migration.js';

export const migration0013: Migration = {
  version: 13,
  name: 'import-keys',
  up: `
CREATE TABLE import_keys (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  uid        INTEGER,
  since_uid  INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, key)
) WITHOUT ROWID;
CREATE INDEX import_keys_pending ON import_keys (mailbox_id) WHERE uid IS NULL;
`,
};
