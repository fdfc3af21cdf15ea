// Accounts as the user configured them. Passwords never enter this table: they live in
// the SecretStore under the account's id.
import type { Account, AccountInput, Identity } from '../../../../common/types.js';
import type { AccountRepository } from '../repositories.js';
import type { RemovedAccount } from '../types.js';
import { ContactRepo } from './contacts.js';
import type { Db } from './db.js';
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

const UNIQUE_VIOLATION = '23505';
const SET_SETTINGS = ACCOUNT_SETTING_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(', ');

export class AccountRepo implements AccountRepository {
  constructor(private readonly db: Db) {}

  async add(input: Omit<AccountInput, 'password'>): Promise<Account> {
    const exists = await this.db.value('SELECT 1 FROM accounts WHERE email = $1', [input.email]);
    if (exists !== null) throw alreadyExists(input.email);
    try {
      const row = await this.db.one<AccountRow>(
        `INSERT INTO accounts (email, name, imap_host, imap_port, imap_security, imap_user,
           smtp_host, smtp_port, smtp_security, smtp_user, imap_tls_cert, smtp_tls_cert)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
        accountValues(input),
      );
      return toAccount(row!);
    } catch (e) {
      // Another process added the same address between the check and the insert.
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw alreadyExists(input.email);
      throw e;
    }
  }

  async get(id: number): Promise<Account | null> {
    const row = await this.db.one<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
    return row ? toAccount(row) : null;
  }

  async list(): Promise<Account[]> {
    return (await this.db.rows<AccountRow>('SELECT * FROM accounts ORDER BY id')).map(toAccount);
  }

  /**
   * Replaces the name and the servers; null when there is no such account. The row-level
   * policy (migration 0003) is the WHERE on the owner: another person's id matches no row.
   */
  async update(id: number, settings: AccountSettings): Promise<Account | null> {
    const row = await this.db.one<AccountRow>(
      `UPDATE accounts SET ${SET_SETTINGS} WHERE id = $${ACCOUNT_SETTING_COLUMNS.length + 1}
       RETURNING *`,
      [...accountSettingValues(settings), id],
    );
    return row ? toAccount(row) : null;
  }

  /** Replaces the identities and the name; null when there is no such account (or another person's). */
  async setIdentities(
    id: number,
    name: string | null,
    identities: readonly Identity[],
  ): Promise<Account | null> {
    const row = await this.db.one<AccountRow>(
      'UPDATE accounts SET name = $1, identities = $2 WHERE id = $3 RETURNING *',
      [name, identitiesValue(identities), id],
    );
    return row ? toAccount(row) : null;
  }

  repin(before: string, after: string): Promise<number> {
    return this.db.atomic(
      async (db) =>
        (await db.run('UPDATE accounts SET imap_tls_cert = $1 WHERE imap_tls_cert = $2', [
          after,
          before,
        ])) +
        (await db.run('UPDATE accounts SET smtp_tls_cert = $1 WHERE smtp_tls_cert = $2', [
          after,
          before,
        ])),
    );
  }

  /** Everything synced for the account goes through the foreign keys. */
  remove(id: number): Promise<RemovedAccount> {
    return this.db.atomic(async (db) => {
      const cachedAttachments = await db.column<string>(
        `SELECT DISTINCT a.content_hash FROM attachments a JOIN messages m ON m.id = a.message_id
          WHERE m.account_id = $1 AND a.content_hash IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM attachments b JOIN messages n ON n.id = b.message_id
                             WHERE b.content_hash = a.content_hash AND n.account_id <> $1)`,
        [id],
      );
      await new ContactRepo(db).forgetAccount(id);
      const removed = (await db.run('DELETE FROM accounts WHERE id = $1', [id])) > 0;
      return { removed, cachedAttachments };
    });
  }
}
