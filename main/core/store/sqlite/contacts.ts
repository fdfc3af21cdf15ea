// Addresses seen in mail (migration 0005), for completion while composing. The writer folds
// a whole batch into one upsert per distinct address, so a sync of a thousand messages from
// a handful of people costs a handful of rows. Each address is linked to the accounts whose
// mail named it (0008): removing an account takes the addresses only it saw.
import type { Contact } from '../../../../common/types.js';
import type { Db } from './db.js';
import type { SeenAddresses } from '../types.js';

interface Row {
  address: string;
  name: string;
  seen: number;
  last_seen: number;
}

const plausible = (a: string) => a.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(a);
/** LIKE's own wildcards in what the user typed match themselves. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

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
    const batch = new Map<
      string,
      { address: string; name: string; seen: number; lastSeen: number }
    >();
    for (const m of messages) {
      const once = new Set<string>();
      for (const a of m.addresses) {
        const address = a.address.trim().toLowerCase();
        if (!plausible(address) || once.has(address)) continue;
        once.add(address);
        const e = batch.get(address);
        const name = a.name.trim().slice(0, 200);
        if (!e) batch.set(address, { address, name, seen: 1, lastSeen: m.date });
        else {
          e.seen++;
          if (name && (m.date >= e.lastSeen || !e.name)) e.name = name;
          e.lastSeen = Math.max(e.lastSeen, m.date);
        }
      }
    }
    for (const e of batch.values()) {
      this.statements.upsert.run(e);
      this.statements.link.run(e.address, accountId);
    }
  }

  /** Removes the addresses only this account's mail named; returns how many. */
  forgetAccount(accountId: number): number {
    return this.statements.forget.run({ accountId }).changes;
  }

  suggest(query: string, limit: number): Contact[] {
    const q = likeEscape(query.trim().toLowerCase());
    const rows = this.statements.suggest.all({ prefix: `${q}%`, word: `% ${q}%`, limit }) as Row[];
    return rows.map((r) => ({
      name: r.name,
      address: r.address,
      count: r.seen,
      lastSeen: new Date(r.last_seen).toISOString(),
    }));
  }
}
