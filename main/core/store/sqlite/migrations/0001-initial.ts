// The first schema. Message ids are allocated so that they sort like the message date
// (date in ms × 1024 + n): FTS5 walks its matches in rowid order for free, so "newest
// first" needs no sort, and a date range is a rowid range.
import type { Migration } from './migration.js';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT,
  imap_host     TEXT NOT NULL,
  imap_port     INTEGER NOT NULL,
  imap_security TEXT NOT NULL CHECK (imap_security IN ('none', 'starttls', 'tls')),
  imap_user     TEXT NOT NULL,
  smtp_host     TEXT,
  smtp_port     INTEGER,
  smtp_security TEXT CHECK (smtp_security IN ('none', 'starttls', 'tls')),
  smtp_user     TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE mailboxes (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  path           TEXT NOT NULL,
  name           TEXT NOT NULL,
  delimiter      TEXT,
  role           TEXT,
  uid_validity   TEXT,
  uid_next       INTEGER,
  highest_modseq TEXT,
  server_total   INTEGER,
  -- Every UID in [low_uid, head_uid] that exists on the server is stored; new mail is
  -- fetched above head_uid, the initial sync walks down from low_uid.
  head_uid       INTEGER NOT NULL DEFAULT 0,
  low_uid        INTEGER,
  -- Flags and expunges are applied up to this modseq (CONDSTORE/QRESYNC).
  synced_modseq  TEXT,
  UNIQUE (account_id, path)
);

CREATE TABLE threads (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  subject_key TEXT NOT NULL,
  last_date   INTEGER NOT NULL
);
CREATE INDEX threads_subject ON threads (account_id, subject_key, last_date);

-- Every Message-ID seen (own or referenced) mapped to its thread.
CREATE TABLE thread_refs (
  account_id INTEGER NOT NULL,
  msgid      TEXT NOT NULL,
  thread_id  INTEGER NOT NULL,
  PRIMARY KEY (account_id, msgid)
) WITHOUT ROWID;
CREATE INDEX thread_refs_thread ON thread_refs (thread_id);

CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  mailbox_id      INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid             INTEGER NOT NULL,
  message_id      TEXT,
  in_reply_to     TEXT,
  refs            TEXT,
  thread_id       INTEGER,
  subject         TEXT NOT NULL DEFAULT '',
  from_json       TEXT NOT NULL DEFAULT '[]',
  to_json         TEXT NOT NULL DEFAULT '[]',
  cc_json         TEXT NOT NULL DEFAULT '[]',
  -- Names and addresses as one text each, for the index (from; to and cc).
  sender          TEXT NOT NULL DEFAULT '',
  recipients      TEXT NOT NULL DEFAULT '',
  date            INTEGER NOT NULL,
  flags           INTEGER NOT NULL DEFAULT 0,
  keywords        TEXT,
  modseq          TEXT,
  size            INTEGER NOT NULL DEFAULT 0,
  snippet         TEXT NOT NULL DEFAULT '',
  has_attachments INTEGER NOT NULL DEFAULT 0,
  -- 0 pending, 1 ready, 2 failed
  body_state      INTEGER NOT NULL DEFAULT 0,
  -- MIME part ids of the text parts and the attachments, from BODYSTRUCTURE
  structure       TEXT,
  UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_mailbox ON messages (mailbox_id, id);
CREATE INDEX messages_pending ON messages (account_id, id) WHERE body_state = 0;
CREATE INDEX messages_thread ON messages (thread_id);

-- Bodies stay out of the hot rows: the list never reads them.
CREATE TABLE bodies (
  message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  text        TEXT,
  html        TEXT,
  parse_error TEXT,
  raw         BLOB
);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  part_id      TEXT,
  filename     TEXT,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  content_id   TEXT,
  inline       INTEGER NOT NULL DEFAULT 0,
  -- SHA-256 of the content once downloaded: the file is DATA_DIR/attachments/<hash>
  content_hash TEXT
);
CREATE INDEX attachments_message ON attachments (message_id);

-- External content: the index keeps no copy of the text, the view reads it back for
-- snippets, 'rebuild' and 'integrity-check'. Rows are added and removed explicitly by the
-- message repository. (A view may not use json_each: FTS5 cannot rebuild through it.)
CREATE VIEW message_fts_content AS
  SELECT m.id AS id, m.subject AS subject, m.sender AS sender, m.recipients AS recipients,
         coalesce(b.text, '') AS body
    FROM messages m LEFT JOIN bodies b ON b.message_id = m.id;

CREATE VIRTUAL TABLE message_fts USING fts5(
  subject, sender, recipients, body,
  content = 'message_fts_content', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
};
