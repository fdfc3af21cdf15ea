// Addresses seen in mail, for completion while composing, as sqlite/contacts.ts keeps them:
// a batch is folded into one row per distinct address, written in one upsert, and each
// address is linked to the accounts whose mail named it.
import type { Contact } from '../../../../common/types.js';
import type { SeenAddresses } from '../types.js';
import { foldAddresses, likeEscape, toContact, type ContactRow } from '../rows/contacts.js';
import type { Db } from './db.js';
import { text } from './db.js';

export class ContactRepo {
  constructor(private readonly db: Db) {}

  /** Counts every address of these messages (of one account) once per message. */
  async record(accountId: number, messages: Iterable<SeenAddresses>): Promise<void> {
    const batch = foldAddresses(messages, text);
    if (!batch.size) return;
    // In address order: two writers that share addresses lock them in the same order.
    const rows = [...batch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const addresses = rows.map(([address]) => address);
    await this.db.run(
      `INSERT INTO contacts (address, name, seen, last_seen)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (user_id, address) DO UPDATE SET seen = contacts.seen + excluded.seen,
         name = CASE WHEN excluded.name <> '' AND (excluded.last_seen >= contacts.last_seen OR contacts.name = '')
                     THEN excluded.name ELSE contacts.name END,
         last_seen = greatest(contacts.last_seen, excluded.last_seen)`,
      [
        addresses,
        rows.map(([, e]) => e.name),
        rows.map(([, e]) => e.seen),
        rows.map(([, e]) => e.lastSeen),
      ],
    );
    await this.db.run(
      `INSERT INTO contact_accounts (address, account_id) SELECT unnest($1::text[]), $2
       ON CONFLICT DO NOTHING`,
      [addresses, accountId],
    );
  }

  /** Removes the addresses only this account's mail named; returns how many. */
  forgetAccount(accountId: number): Promise<number> {
    return this.db.run(
      `DELETE FROM contacts WHERE address IN (
         SELECT address FROM contact_accounts mine WHERE mine.account_id = $1
            AND NOT EXISTS (SELECT 1 FROM contact_accounts other
                             WHERE other.address = mine.address AND other.account_id <> $1))`,
      [accountId],
    );
  }

  /** Address prefix, or the prefix of any word of the name; the most seen first. */
  async suggest(query: string, limit: number): Promise<Contact[]> {
    const q = likeEscape(text(query.trim().toLowerCase()));
    const rows = await this.db.rows<ContactRow>(
      `SELECT address, name, seen, last_seen FROM contacts
        WHERE address LIKE $1 OR name ILIKE $1 OR name ILIKE $2
        ORDER BY seen DESC, last_seen DESC, address LIMIT $3`,
      [`${q}%`, `% ${q}%`, limit],
    );
    return rows.map(toContact);
  }
}
