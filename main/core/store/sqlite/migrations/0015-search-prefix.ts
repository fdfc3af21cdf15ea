// Search that finds what people type (issue 26): prefixes, and the Cc, Bcc and List-Id
// fields. The index is made again, once, inside this migration:
// - FTS5 answers a prefix query by merging the doclists of every word with that prefix:
//   measured on 100,000 generated messages (150 words each, Zipf-distributed), a two-letter
//   prefix took 120–130 ms and a three-letter one 18 ms. With prefix='2 3' FTS5 keeps the
//   words' first two and three letters as words of their own: both take 0.15 ms, and four
//   letters or more stay under 12 ms (fewer words share them), and less once the search
//   asks them as the OR of the words they start (message_fts_words, below). It costs index
//   size and writing: building the index of those messages took 10.8 s instead of 6.6 s
//   (about 40 µs more per message a sync writes). Shorter prefixes are never asked
//   (search-query.ts).
// - Cc, Bcc and the List-Id get columns of their own: `to:` keeps To and Cc (recipients),
//   `cc:` needs Cc alone. Their text is kept in messages (the index has external content,
//   and FTS5 cannot rebuild through a view that reads JSON): Cc from cc_json, as
//   rows.ts addressText writes it; Bcc for mail sent from here from the outbox's recipients
//   that To and Cc do not name (rows.ts bccText); the List-Id of mail stored before is
//   unknown (it was never kept).
// Rebuilding reads every stored body once, at the first start of the new version: about
// the 10.8 s above per 100,000 messages, inside this migration's transaction (the index is
// whole or untouched).
import type { Migration } from './migration.js';

export const migration0015: Migration = {
  version: 15,
  name: 'search-prefix',
  // FTS5 reserves the name of the content view (message_fts_content) once the index exists.
  unsafe: true,
  up: `
ALTER TABLE messages ADD COLUMN cc_text TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN bcc_text TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN list_id TEXT;

UPDATE messages SET cc_text = coalesce((
    SELECT group_concat(coalesce(json_extract(c.value, '$.name'), '') || ' ' ||
                        coalesce(json_extract(c.value, '$.address'), ''), ' ')
      FROM json_each(messages.cc_json) c), '')
 WHERE json_valid(cc_json) AND cc_json <> '[]';

UPDATE messages SET bcc_text = coalesce((
    SELECT group_concat(e.value, ' ')
      FROM outbox o, json_each(o.env_to) e
     WHERE o.account_id = messages.account_id AND o.message_id = messages.message_id
       AND lower(e.value) NOT IN (
         SELECT lower(coalesce(json_extract(t.value, '$.address'), '')) FROM json_each(messages.to_json) t
         UNION ALL
         SELECT lower(coalesce(json_extract(t.value, '$.address'), '')) FROM json_each(messages.cc_json) t)), '')
 WHERE message_id IN (SELECT message_id FROM outbox WHERE json_valid(env_to))
   AND json_valid(to_json) AND json_valid(cc_json);

DROP TABLE message_fts;
DROP VIEW message_fts_content;
CREATE VIEW message_fts_content AS
  SELECT m.id AS id, m.subject AS subject, m.sender AS sender, m.recipients AS recipients,
         coalesce(b.search_text, b.text, '') AS body, m.cc_text AS cc, m.bcc_text AS bcc,
         coalesce(m.list_id, '') AS list
    FROM messages m LEFT JOIN bodies b ON b.message_id = m.id;
CREATE VIRTUAL TABLE message_fts USING fts5(
  subject, sender, recipients, body, cc, bcc, list,
  content = 'message_fts_content', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
INSERT INTO message_fts (message_fts) VALUES ('rebuild');
-- The index's words, for a longer prefix to be asked as the OR of the words it starts
-- (sqlite/fts-query.ts): a view of the index, nothing stored.
CREATE VIRTUAL TABLE message_fts_words USING fts5vocab(message_fts, 'row');
`,
};
