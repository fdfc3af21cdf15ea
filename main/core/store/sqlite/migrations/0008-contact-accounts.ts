// Which account saw each harvested address, so removing an account removes the addresses
// only it saw. Backfilled from the mail stored so far; an address none of it names any
// more (its messages deleted) is linked to every account, to go with the last of them.
import type { Migration } from './migration.js';

const from = (column: string) => `
  SELECT lower(trim(json_extract(j.value, '$.address'))) AS address, m.account_id AS account_id
    FROM messages m, json_each(m.${column}) j`;

export const migration0008: Migration = {
  version: 8,
  name: 'contact-accounts',
  up: `
CREATE TABLE contact_accounts (
  address    TEXT NOT NULL REFERENCES contacts(address) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (address, account_id)
) WITHOUT ROWID;
CREATE INDEX contact_accounts_account ON contact_accounts (account_id);

INSERT OR IGNORE INTO contact_accounts (address, account_id)
  SELECT DISTINCT address, account_id FROM (
    ${from('from_json')} UNION ALL ${from('to_json')} UNION ALL ${from('cc_json')}
  ) WHERE address IN (SELECT address FROM contacts);

INSERT INTO contact_accounts (address, account_id)
  SELECT c.address, a.id FROM contacts c, accounts a
   WHERE NOT EXISTS (SELECT 1 FROM contact_accounts l WHERE l.address = c.address);

-- Account removal asks which cached files no other account's attachment still uses.
CREATE INDEX attachments_content ON attachments (content_hash) WHERE content_hash IS NOT NULL;
`,
};
