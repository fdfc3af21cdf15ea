// Addresses seen in mail (migration 0005), for completion while composing. The writer folds
// a whole batch into one upsert per distinct address, so a sync of a thousand messages from
// a handful of people costs a handful of rows. Each address is linked to the accounts whose
// mail named it (0008): removing an account takes the addresses only it saw.
import type { Contact } from '../../../../common/types.js';
import type { Db } from './db.js';
import type { SeenAddresses } from '../types.js';
import { foldAddresses, likeEscape, toContact, type ContactRow } from '../rows/contacts.js';

export class ContactStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO contacts (address, name, seen, last_seen) VALUES (@address, @name, @seen, @lastSeen)
         ON CONFLICT (address) DO UPDATE SET seen = seen + excluded.seen,
           name = CASE WHEN excluded.name != '' AND (excluded.last_seen >= last_seen OR name = '')
                       THEN excluded.name ELSE name END,
           last_seen = max(last_seen, excluded.last_seen)`,
      ),
      link: db.prepare(
        'INSERT OR IGNORE INTO contact_accounts (address, account_id) VALUES (?, ?)',
      ),
      // Before the account goes: its links go with it (ON DELETE CASCADE), and these with them.
      forget: db.prepare(
        `DELETE FROM contacts WHERE address IN (
           SELECT address FROM contact_accounts mine WHERE mine.account_id = @accountId
              AND NOT EXISTS (SELECT 1 FROM contact_accounts other
                               WHERE other.address = mine.address AND other.account_id != @accountId))`,
      ),
      // Address prefix, or the prefix of any word of the name; the most seen first.
      suggest: db.prepare(
        `SELECT address, name, seen, last_seen FROM contacts
          WHERE address LIKE @prefix ESCAPE '\\' OR name LIKE @prefix ESCAPE '\\'
             OR name LIKE @word ESCAPE '\\'
          ORDER BY seen DESC, last_seen DESC LIMIT @limit`,
      ),
    };
  }

  /** Counts every address of these messages (of one account) once per message. */
  record(accountId: number, messages: Iterable<SeenAddresses>): void {
    const batch = foldAddresses(messages);
    for (const [address, e] of batch) {
      this.statements.upsert.run({ address, ...e });
      this.statements.link.run(address, accountId);
    }
  }

  /** Removes the addresses only this account's mail named; returns how many. */
  forgetAccount(accountId: number): number {
    return this.statements.forget.run({ accountId }).changes;
  }

  suggest(query: string, limit: number): Contact[] {
    const q = likeEscape(query.trim().toLowerCase());
    const rows = this.statements.suggest.all({
      prefix: `${q}%`,
      word: `% ${q}%`,
      limit,
    }) as ContactRow[];
    return rows.map(toContact);
  }
}
