// Local drafts: saved here first, so typing never waits on the network; the sync carries the
// newest version to the server's Drafts and removes the copy it replaces.
import type { Db } from './db.js';
import type { DraftRecord } from '../types.js';
import { toDraft, type DraftRow } from '../rows/drafts.js';

export class DraftStore {
  constructor(private readonly db: Db) {}

  add(
    d: { accountId: number; messageId: string; compose: unknown; subject: string; raw: Buffer },
    now = Date.now(),
  ): DraftRecord {
    const id = this.db
      .prepare(
        `INSERT INTO drafts (account_id, message_id, compose, subject, raw, updated_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck()
      .get(
        d.accountId,
        d.messageId,
        JSON.stringify(d.compose),
        d.subject,
        d.raw,
        now,
        now,
      ) as number;
    return this.get(id)!;
  }

  /** A new local version; the server copy is replaced by the next sync. */
  update(
    id: number,
    d: { compose: unknown; subject: string; raw: Buffer },
    now = Date.now(),
  ): DraftRecord | null {
    this.db
      .prepare(
        `UPDATE drafts SET compose = ?, subject = ?, raw = ?, version = version + 1, updated_at = ?
          WHERE id = ? AND deleted = 0`,
      )
      .run(JSON.stringify(d.compose), d.subject, d.raw, now, id);
    return this.get(id);
  }

  get(id: number): DraftRecord | null {
    const row = this.db.prepare('SELECT * FROM drafts WHERE id = ?').get(id) as
      DraftRow | undefined;
    return row ? toDraft(row) : null;
  }

  list(accountId?: number): DraftRecord[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM drafts WHERE deleted = 0 AND (@account IS NULL OR account_id = @account)
            ORDER BY updated_at DESC`,
        )
        .all({ account: accountId ?? null }) as DraftRow[]
    ).map(toDraft);
  }

  /** Drafts whose server copy is behind (or must go): what the next sync does. */
  unsynced(accountId: number): DraftRecord[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM drafts WHERE account_id = ? AND (deleted = 1 OR version > synced_version) ORDER BY id',
        )
        .all(accountId) as DraftRow[]
    ).map(toDraft);
  }

  /** Records the server copy of a version, unless a newer version was saved meanwhile. */
  markSynced(id: number, version: number, path: string, uid: number | null): void {
    this.db
      .prepare(
        `UPDATE drafts SET synced_version = max(synced_version, ?), server_path = ?, server_uid = ?
          WHERE id = ?`,
      )
      .run(version, path, uid, id);
  }

  /** Deleted (or sent): the row stays until the sync has removed the server copy. */
  markDeleted(id: number): boolean {
    return this.db.prepare('UPDATE drafts SET deleted = 1 WHERE id = ?').run(id).changes > 0;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM drafts WHERE id = ?').run(id);
  }

  /** Every Message-ID of a local draft, deleted ones included (their server copy is going). */
  messageIds(accountId?: number): Set<string> {
    return new Set(
      this.db
        .prepare('SELECT message_id FROM drafts WHERE @account IS NULL OR account_id = @account')
        .pluck()
        .all({ account: accountId ?? null }) as string[],
    );
  }
}
