// What the planner needs to choose between the two ways to "the newest 50 that match": the
// GIN index then a sort of its few matches (a rare word), or the primary key walked newest
// first until 50 match (a common word, or a flag). Postgres guesses 0.5% for a word missing
// from its sample of frequent words, and for `(flags & 1) = 0` alike: a rare word would then
// walk the whole table, and a read-mail filter would read every unread message before
// sorting. A bigger sample of words, and statistics on the flag bits, give it real numbers.
import type { Migration } from './migration.js';

export const migration0002: Migration = {
  version: 2,
  name: 'search-statistics',
  up: `
ALTER TABLE messages ALTER COLUMN search SET STATISTICS 1000;
CREATE STATISTICS messages_seen ON ((flags & 1)) FROM messages;
CREATE STATISTICS messages_flagged ON ((flags & 2)) FROM messages;
`,
};
