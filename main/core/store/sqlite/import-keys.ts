// What imports have put in each folder (migration 0013): a key per message, written before its
// APPEND and completed with its UID, so an import run again skips what went in.
import type { Db } from './db.js';

export class ImportKeyStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      find: db.prepare('SELECT uid FROM import_keys WHERE mailbox_id = ? AND key = ?'),
      begin: db.prepare(
        'INSERT INTO import_keys (mailbox_id, key, uid, since_uid) VALUES (?, ?, NULL, ?) ON CONFLICT DO NOTHING',
      ),
      done: db.prepare('UPDATE import_keys SET uid = ? WHERE mailbox_id = ? AND key = ?'),
      forget: db.prepare('DELETE FROM import_keys WHERE mailbox_id = ? AND key = ?'),
      pending: db.prepare(
        'SELECT key, since_uid AS sinceUid FROM import_keys WHERE mailbox_id = ? AND uid IS NULL',
      ),
    };
    // Each call is one transaction: a batch of keys is written together or not at all.
    this.begin = db.transaction(this.begin.bind(this));
    this.done = db.transaction(this.done.bind(this));
    this.forget = db.transaction(this.forget.bind(this));
  }

  find(mailboxId: number, keys: readonly string[]): Map<string, number | null> {
    const found = new Map<string, number | null>();
    for (const key of keys) {
      const row = this.statements.find.get(mailboxId, key) as { uid: number | null } | undefined;
      if (row) found.set(key, row.uid);
    }
    return found;
  }

  begin(mailboxId: number, keys: readonly string[], sinceUid: number): void {
    for (const key of keys) this.statements.begin.run(mailboxId, key, sinceUid);
  }

  done(mailboxId: number, entries: readonly { key: string; uid: number }[]): void {
    for (const e of entries) this.statements.done.run(e.uid, mailboxId, e.key);
  }

  forget(mailboxId: number, keys: readonly string[]): void {
    for (const key of keys) this.statements.forget.run(mailboxId, key);
  }

  pending(mailboxId: number): { keys: string[]; sinceUid: number | null } {
    const rows = this.statements.pending.all(mailboxId) as { key: string; sinceUid: number }[];
    return {
      keys: rows.map((r) => r.key),
      sinceUid: rows.reduce<number | null>(
        (m, r) => (m === null ? r.sinceUid : Math.min(m, r.sinceUid)),
        null,
      ),
    };
  }
}
