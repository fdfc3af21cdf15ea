// What imports have put in each folder (migration 0011), as SQLite keeps it
// (sqlite/import-keys.ts): a key per message, written before its APPEND and completed with
// its UID, so an import run again skips what went in.
import type { ImportKeyRepository } from '../repositories.js';
import { text, type Db } from './db.js';

export class ImportKeyRepo implements ImportKeyRepository {
  constructor(private readonly db: Db) {}

  async find(mailboxId: number, keys: readonly string[]): Promise<Map<string, number | null>> {
    if (!keys.length) return new Map();
    const rows = await this.db.rows<{ key: string; uid: number | null }>(
      'SELECT key, uid FROM import_keys WHERE mailbox_id = $1 AND key = ANY($2::text[])',
      [mailboxId, keys.map(text)],
    );
    return new Map(rows.map((r) => [r.key, r.uid]));
  }

  async begin(mailboxId: number, keys: readonly string[], sinceUid: number): Promise<void> {
    if (!keys.length) return;
    await this.db.run(
      `INSERT INTO import_keys (mailbox_id, key, uid, since_uid)
       SELECT $1, k, NULL, $3 FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING`,
      [mailboxId, keys.map(text), sinceUid],
    );
  }

  async done(mailboxId: number, entries: readonly { key: string; uid: number }[]): Promise<void> {
    if (!entries.length) return;
    await this.db.run(
      `UPDATE import_keys i SET uid = d.uid
         FROM unnest($2::text[], $3::bigint[]) AS d(key, uid)
        WHERE i.mailbox_id = $1 AND i.key = d.key`,
      [mailboxId, entries.map((e) => text(e.key)), entries.map((e) => e.uid)],
    );
  }

  async forget(mailboxId: number, keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    await this.db.run('DELETE FROM import_keys WHERE mailbox_id = $1 AND key = ANY($2::text[])', [
      mailboxId,
      keys.map(text),
    ]);
  }

  async pending(mailboxId: number): Promise<{ keys: string[]; sinceUid: number | null }> {
    const rows = await this.db.rows<{ key: string; since_uid: number }>(
      'SELECT key, since_uid FROM import_keys WHERE mailbox_id = $1 AND uid IS NULL',
      [mailboxId],
    );
    return {
      keys: rows.map((r) => r.key),
      sinceUid: rows.reduce<number | null>(
        (m, r) => (m === null ? r.since_uid : Math.min(m, r.since_uid)),
        null,
      ),
    };
  }
}
