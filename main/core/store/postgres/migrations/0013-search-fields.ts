// Search that finds what people type (issue 26): the Cc, Bcc and List-Id fields, in a
// tsvector of their own (`more`: a tsvector has four labels and `search` uses them all), with
// a GIN index that starts with the person as migration 0007's do. Prefixes need nothing
// new: the GIN index answers `word:*` by a range of its keys. An index of sizes lets
// `larger:` and its count read the few big messages only, and a partial index the flagged
// ones (the Flagged view is `is:flagged`): without them, counting `larger:5M` or
// `is:flagged` at 100,000 messages read every row (50 and 73 ms).
// `more` is filled for the mail already stored as the store writes it (search-vector.ts,
// which cuts words as SQLite's index does): Cc from cc_json, and Bcc for mail sent from here
// from the outbox's recipients that To and Cc do not name (rows.ts bccText). The List-Id of
// mail stored before is unknown (it was never kept).
import type pg from 'pg';
import type { Address } from '../../../../../common/types.js';
import { addressText, bccText } from '../../rows.js';
import { moreVector } from '../search-vector.js';
import type { Migration } from './migration.js';

const BATCH = 2000;

interface Row {
  user_id: string;
  id: string;
  to_json: string;
  cc_json: string;
  env_to: string | null;
}

const addresses = (json: string): Address[] => {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? (list as Address[]) : [];
  } catch {
    return [];
  }
};

async function fill(client: pg.ClientBase): Promise<void> {
  // Every person's rows: the owner lifts the row policies for this transaction alone (the
  // change is rolled back with it, or made again below before it commits).
  await client.query('ALTER TABLE messages NO FORCE ROW LEVEL SECURITY');
  await client.query('ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY');
  let after: [string, string] = ['-1', '-1'];
  for (;;) {
    const { rows } = await client.query<Row>(
      `SELECT m.user_id, m.id, m.to_json, m.cc_json, o.env_to FROM messages m
         LEFT JOIN outbox o ON o.user_id = m.user_id AND o.account_id = m.account_id
                           AND o.message_id = m.message_id
        WHERE (m.user_id, m.id) > ($1::bigint, $2::bigint)
          AND (m.cc_json <> '[]' OR o.env_to IS NOT NULL)
        ORDER BY m.user_id, m.id LIMIT ${BATCH}`,
      after,
    );
    if (!rows.length) break;
    const more = rows.map((r) => {
      const cc = addresses(r.cc_json);
      const sent = r.env_to ? (JSON.parse(r.env_to) as string[]) : null;
      return moreVector({
        cc: addressText(cc),
        bcc: bccText({ to: addresses(r.to_json), cc }, sent),
        list: '',
      });
    });
    await client.query(
      `UPDATE messages m SET more = v.more::tsvector
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(user_id, id, more)
        WHERE m.user_id = v.user_id AND m.id = v.id`,
      [rows.map((r) => r.user_id), rows.map((r) => r.id), more],
    );
    const last = rows.at(-1)!;
    after = [last.user_id, last.id];
  }
  await client.query('ALTER TABLE messages FORCE ROW LEVEL SECURITY');
  await client.query('ALTER TABLE outbox FORCE ROW LEVEL SECURITY');
}

export const migration0013: Migration = {
  version: 13,
  name: 'search-fields',
  up: `
ALTER TABLE messages ADD COLUMN list_id text;
ALTER TABLE messages ADD COLUMN more tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX messages_more ON messages USING gin (user_id, more)
  WITH (gin_pending_list_limit = 256);
-- larger: finds the few big messages without reading every row (a count must see them all).
CREATE INDEX messages_size ON messages (user_id, size);
-- is:flagged (the Flagged view) and its count: the few flagged messages, newest first.
CREATE INDEX messages_flagged ON messages (user_id, id) WHERE (flags & 2) <> 0;
`,
  fill,
};
