// Accounts as the user configured them. Passwords never enter this table: they live in
// the SecretStore under the account's id.
import type { Account, AccountInput, Identity } from '../../../../common/types.js';
import { ContactStore } from './contacts.js';
import type { Db } from './db.js';
import { FTS_COLUMNS } from './fts.js';
import type { RemovedAccount } from '../types.js';
import {
  ACCOUNT_SETTING_COLUMNS,
  accountSettingValues,
  accountValues,
  alreadyExists,
  identitiesValue,
  toAccount,
  type AccountRow,
  type AccountSettings,
} from '../rows/accounts.js';

const SET_SETTINGS = ACCOUNT_SETTING_COLUMNS.map((c) => `${c} = ?`).join(', ');

export class AccountStore {
  private readonly contacts: ContactStore;

  constructor(private readonly db: Db) {
    this.contacts = new ContactStore(db);
  }

  add(input: Omit<AccountInput, 'password'>): Account {
    const exists = this.db.prepare('SELECT 1 FROM accounts WHERE email = ?').get(input.email);
    if (exists) throw alreadyExists(input.email);
    const info = this.db
      .prepare(
        `INSERT INTO accounts (email, name, imap_host, imap_port, imap_security, imap_user,
           smtp_host, smtp_port, smtp_security, smtp_user, imap_tls_cert, smtp_tls_cert)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...accountValues(input));
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Account | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as
      AccountRow | undefined;
    return row ? toAccount(row) : null;
  }

  list(): Account[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[]).map(
      toAccount,
    );
  }

  /** Replaces the name and the servers; null when there is no such account. */
  update(id: number, settings: AccountSettings): Account | null {
    const changed = this.db
      .prepare(`UPDATE accounts SET ${SET_SETTINGS} WHERE id = ?`)
      .run(...accountSettingValues(settings), id).changes;
    return changed ? this.get(id) : null;
  }

  /** Replaces the identities and the name; null when there is no such account. */
  setIdentities(id: number, name: string | null, identities: readonly Identity[]): Account | null {
    const changed = this.db
      .prepare('UPDATE accounts SET name = ?, identities = ? WHERE id = ?')
      .run(name, identitiesValue(identities), id).changes;
    return changed ? this.get(id) : null;
  }

  /** Trusts a new certificate for the account's servers that pinned `before` (the stack made a new one). */
  repin(before: string, after: string): number {
    return this.db.transaction(
      () =>
        this.db
          .prepare('UPDATE accounts SET imap_tls_cert = ? WHERE imap_tls_cert = ?')
          .run(after, before).changes +
        this.db
          .prepare('UPDATE accounts SET smtp_tls_cert = ? WHERE smtp_tls_cert = ?')
          .run(after, before).changes,
    )();
  }

  /**
   * Removes the account and, through the foreign keys, everything synced for it; with it the
   * addresses only its mail named. Its cached attachment files are named for the caller.
   */
  remove(id: number): RemovedAccount {
    return this.db.transaction(() => {
      const cachedAttachments = this.db
        .prepare(
          `SELECT DISTINCT a.content_hash FROM attachments a JOIN messages m ON m.id = a.message_id
            WHERE m.account_id = @id AND a.content_hash IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM attachments b JOIN messages n ON n.id = b.message_id
                               WHERE b.content_hash = a.content_hash AND n.account_id != @id)`,
        )
        .pluck()
        .all({ id }) as string[];
      this.contacts.forgetAccount(id);
      // The FTS index has external content: its rows must go before the messages do.
      this.db
        .prepare(
          `INSERT INTO message_fts (message_fts, rowid, ${FTS_COLUMNS})
           SELECT 'delete', id, ${FTS_COLUMNS} FROM message_fts_content
            WHERE id IN (SELECT id FROM messages WHERE account_id = ?)`,
        )
        .run(id);
      this.db.prepare('DELETE FROM thread_refs WHERE account_id = ?').run(id);
      const removed = this.db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
      return { removed, cachedAttachments };
    })();
  }
}
