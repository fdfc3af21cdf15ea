// The outbox and local drafts. A message gets its Message-ID and its final bytes when it
// enters the outbox; what happened on the wire is recorded before the next step can
// happen, so a crash at any point leaves a row that says whether the message may have left.
import type { Migration } from './migration.js';

export const migration0003: Migration = {
  version: 3,
  name: 'outbox',
  up: `
CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  message_id    TEXT NOT NULL UNIQUE,
  env_from      TEXT NOT NULL,
  -- JSON array of addresses: To, Cc and Bcc together (Bcc is not in the raw message)
  env_to        TEXT NOT NULL,
  subject       TEXT NOT NULL DEFAULT '',
  -- bytes of the message, kept in outbox_raw (below)
  size          INTEGER NOT NULL,
  in_reply_to   TEXT,
  refs          TEXT,
  state         TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'retrying', 'failed', 'maybe-sent', 'sent', 'cancelled')),
  -- ms since the epoch: the undo-send delay or "send later"
  send_at       INTEGER NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER,
  last_error    TEXT,
  -- The process sending it now ("pid:token") and since when: a row left in 'sending' by a
  -- process that is gone is recovered by the next one.
  owner         TEXT,
  claimed_at    INTEGER,
  -- Set before the final "." of DATA can leave: a row with it may have been delivered.
  data_sent_at  INTEGER,
  sent_at       INTEGER,
  -- 0 pending, 1 done, 2 left to the server (it saves sent mail itself), 3 APPEND under way:
  -- a row found in 3 after a crash is looked up in Sent by Message-ID before another APPEND.
  sent_copy     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
-- The message's bytes stay out of the row whose state changes three times per send: an
-- UPDATE rewrites the whole record, overflow pages included, into the WAL each time.
CREATE TABLE outbox_raw (
  outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
  raw       BLOB NOT NULL
);
CREATE INDEX outbox_due ON outbox (account_id, send_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX outbox_sent_copy ON outbox (account_id, id) WHERE state = 'sent' AND sent_copy IN (0, 3);

CREATE TABLE drafts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  message_id        TEXT NOT NULL UNIQUE,
  -- JSON: what the user wrote (recipients, subject, text, html, attachments, reference)
  compose           TEXT NOT NULL,
  subject           TEXT NOT NULL DEFAULT '',
  raw               BLOB NOT NULL,
  -- The local version; synced_version is the one the server's Drafts holds.
  version           INTEGER NOT NULL DEFAULT 1,
  synced_version    INTEGER NOT NULL DEFAULT 0,
  server_path       TEXT,
  server_uid        INTEGER,
  server_uidvalidity TEXT,
  -- Deleted here (or sent): the server copy is removed by the next sync, then the row.
  deleted           INTEGER NOT NULL DEFAULT 0,
  updated_at        INTEGER NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX drafts_account ON drafts (account_id, id);

ALTER TABLE accounts ADD COLUMN server_saves_sent INTEGER NOT NULL DEFAULT 0;
`,
};
