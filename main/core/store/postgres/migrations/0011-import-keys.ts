// What an import has put in a folder: one key per message (its Message-ID and the SHA-256 of
// its bytes), written before its APPEND and completed with the UID the server gave it, so an
// import run again after a cancel or a crash goes on without appending anything twice. A row
// still without a UID was under way when the import stopped: the next run looks for it on
// the server above `since_uid`, the folder's next UID when it was written. Owned by one
// person, with the row policy of every table of mail (0003).
import type { Migration } from './migration.js';

export const migration0011: Migration = {
  version: 11,
  name: 'import-keys',
  up: `
CREATE TABLE import_keys (
  mailbox_id bigint NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  key        text NOT NULL,
  uid        bigint,
  since_uid  bigint NOT NULL,
  tenant_id  bigint NOT NULL DEFAULT maildock_tenant(),
  user_id    bigint NOT NULL DEFAULT maildock_user(),
  PRIMARY KEY (user_id, mailbox_id, key)
);
CREATE INDEX import_keys_pending ON import_keys (user_id, mailbox_id) WHERE uid IS NULL;
ALTER TABLE import_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY owner ON import_keys
  USING (tenant_id = maildock_tenant() AND user_id = maildock_user())
  WITH CHECK (tenant_id = maildock_tenant() AND user_id = maildock_user());
`,
};
