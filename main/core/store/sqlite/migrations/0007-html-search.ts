// The index held only the text part of each message, so HTML-only mail (and mail whose text
// part is a stub of its HTML) had an empty body in it. The text search reads from HTML now
// goes in bodies.search_text, and the index's content view reads it first. Stored bodies
// keep their HTML, so the text is derived again from it, in batches after the store opens
// (body-reindex.ts): body_reindex lists the messages still to do.
import type { Migration } from './migration.js';

export const migration0007: Migration = {
  version: 7,
  name: 'html-search',
  // FTS5 reserves the name of the content view (message_fts_content) once the index exists.
  unsafe: true,
  up: `
ALTER TABLE bodies ADD COLUMN search_text TEXT;

DROP VIEW message_fts_content;
CREATE VIEW message_fts_content AS
  SELECT m.id AS id, m.subject AS subject, m.sender AS sender, m.recipients AS recipients,
         coalesce(b.search_text, b.text, '') AS body
    FROM messages m LEFT JOIN bodies b ON b.message_id = m.id;

CREATE TABLE body_reindex (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
);
-- Every message whose HTML may hold words its text part lacks: no text part, or a short one
-- (body-text.ts decides, per message, with the HTML at hand).
INSERT INTO body_reindex (message_id)
  SELECT message_id FROM bodies
   WHERE html IS NOT NULL AND (text IS NULL OR length(text) < 2048);
`,
};
