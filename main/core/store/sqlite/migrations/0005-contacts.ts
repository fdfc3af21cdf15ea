// Addresses seen in mail, for completion while composing: one row per address with how
// often and how lately it was seen. Filled from the mail already stored, then by the writer.
import type { Migration } from './migration.js';

const from = (column: string) => `
  SELECT lower(trim(json_extract(j.value, '$.address'))) AS address,
         coalesce(json_extract(j.value, '$.name'), '') AS name, m.date AS date
    FROM messages m, json_each(m.${column}) j`;

export const migration0005: Migration = {
  version: 5,
  name: 'contacts',
  up: `
CREATE TABLE contacts (
  address   TEXT PRIMARY KEY,
  name      TEXT NOT NULL DEFAULT '',
  seen      INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO contacts (address, name, seen, last_seen)
  SELECT address, name, count(*), max(date) FROM (
    ${from('from_json')} UNION ALL ${from('to_json')} UNION ALL ${from('cc_json')}
  ) WHERE address LIKE '%_@_%' AND length(address) <= 320
  GROUP BY address;
`,
};
