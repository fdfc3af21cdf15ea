import type { AccountDirectory, Owner } from '../../people.js';
import type { Db } from '../db.js';

interface OwnerRow {
  account_id: number;
  tenant_id: number;
  user_id: number;
}

// Tenant 1 is the local person of a one-person store: not the server's to sync.
export class DirectoryRepo implements AccountDirectory {
  constructor(private readonly db: Db) {}

  async all(): Promise<{ accountId: number; owner: Owner }[]> {
    const rows = await this.db.rows<OwnerRow>(
      'SELECT account_id, tenant_id, user_id FROM account_owners WHERE tenant_id <> 1 ORDER BY account_id',
    );
    return rows.map((r) => ({
      accountId: r.account_id,
      owner: { tenantId: r.tenant_id, userId: r.user_id },
    }));
  }

  ofOwner(owner: Owner): Promise<number[]> {
    return this.db.column<number>(
      'SELECT account_id FROM account_owners WHERE tenant_id = $1 AND user_id = $2 ORDER BY account_id',
      [owner.tenantId, owner.userId],
    );
  }

  async ownerOf(accountId: number): Promise<Owner | null> {
    const row = await this.db.one<OwnerRow>(
      'SELECT account_id, tenant_id, user_id FROM account_owners WHERE account_id = $1 AND tenant_id <> 1',
      [accountId],
    );
    return row ? { tenantId: row.tenant_id, userId: row.user_id } : null;
  }
}
