// Local drafts on Postgres, as SQLite keeps them (sqlite/drafts.ts): saved here first, so
// typing never waits on the network; the sync carries the newest version to the server.
import type { DraftRepository } from '../repositories.js';
import type { DraftRecord } from '../types.js';
import { text, type Db } from './db.js';
import { toDraft, type DraftRow } from '../rows/drafts.js';

export class DraftRepo implements DraftRepository {
  constructor(private readonly db: Db) {}

  async add(
    d: { accountId: number; messageId: string; compose: unknown; subject: string; raw: Buffer },
    now = Date.now(),
  ): Promise<DraftRecord> {
    const rows = await this.db.rows<DraftRow>(
      `INSERT INTO drafts (account_id, message_id, compose, subject, raw, updated_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [d.accountId, text(d.messageId), JSON.stringify(d.compose), text(d.subject), d.raw, now],
    );
    return toDraft(rows[0]!);
  }

  async update(
    id: number,
    d: { compose: unknown; subject: string; raw: Buffer },
    now = Date.now(),
  ): Promise<DraftRecord | null> {
    await this.db.run(
      `UPDATE drafts SET compose = $1, subject = $2, raw = $3, version = version + 1, updated_at = $4
        WHERE id = $5 AND deleted = 0`,
      [JSON.stringify(d.compose), text(d.subject), d.raw, now, id],
    );
    return this.get(id);
  }

  async get(id: number): Promise<DraftRecord | null> {
    const rows = await this.db.rows<DraftRow>('SELECT * FROM drafts WHERE id = $1', [id]);
    return rows[0] ? toDraft(rows[0]) : null;
  }

  async list(accountId?: number): Promise<DraftRecord[]> {
    const rows = await this.db.rows<DraftRow>(
      `SELECT * FROM drafts WHERE deleted = 0 AND ($1::bigint IS NULL OR account_id = $1)
        ORDER BY updated_at DESC, id DESC`,
      [accountId ?? null],
    );
    return rows.map(toDraft);
  }

  async unsynced(accountId: number): Promise<DraftRecord[]> {
    const rows = await this.db.rows<DraftRow>(
      `SELECT * FROM drafts WHERE account_id = $1 AND (deleted = 1 OR version > synced_version)
        ORDER BY id`,
      [accountId],
    );
    return rows.map(toDraft);
  }

  async markSynced(id: number, version: number, path: string, uid: number | null): Promise<void> {
    await this.db.run(
      `UPDATE drafts SET synced_version = greatest(synced_version, $1), server_path = $2,
           server_uid = $3 WHERE id = $4`,
      [version, text(path), uid, id],
    );
  }

  async markDeleted(id: number): Promise<boolean> {
    const changed = await this.db.run('UPDATE drafts SET deleted = 1 WHERE id = $1', [id]);
    return changed > 0;
  }

  async remove(id: number): Promise<void> {
    await this.db.run('DELETE FROM drafts WHERE id = $1', [id]);
  }

  async messageIds(accountId?: number): Promise<Set<string>> {
    const rows = await this.db.rows<{ message_id: string }>(
      'SELECT message_id FROM drafts WHERE $1::bigint IS NULL OR account_id = $1',
      [accountId ?? null],
    );
    return new Set(rows.map((r) => r.message_id));
  }
}
