// Mailboxes of each account with the sync state the engine resumes from.
import type { Mailbox, MailboxRole } from '../../../../common/types.js';
import type { Db } from './db.js';
import type { MailboxInfo, MailboxSyncState, ServerMailbox } from '../types.js';
import { mailboxOrder, toMailbox, toState, type MailboxRow } from '../rows/mailboxes.js';

const SELECT = `SELECT mb.*,
    (SELECT count(*) FROM messages m WHERE m.mailbox_id = mb.id) AS total,
    (SELECT count(*) FROM messages m WHERE m.mailbox_id = mb.id AND (m.flags & 1) = 0) AS unread
  FROM mailboxes mb`;

export class MailboxStore {
  constructor(private readonly db: Db) {}

  list(accountId?: number): Mailbox[] {
    const rows = (
      accountId === undefined
        ? this.db.prepare(`${SELECT} ORDER BY account_id, path`).all()
        : this.db.prepare(`${SELECT} WHERE account_id = ? ORDER BY path`).all(accountId)
    ) as MailboxRow[];
    return rows.map(toMailbox).sort(mailboxOrder);
  }

  get(id: number): Mailbox | null {
    const row = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as MailboxRow | undefined;
    return row ? toMailbox(row) : null;
  }

  /** Where a mailbox is, without counting its messages: for the hot paths of actions. */
  info(id: number): MailboxInfo | null {
    return (
      (this.db
        .prepare(
          'SELECT id, account_id AS accountId, path, role, uid_validity AS uidValidity FROM mailboxes WHERE id = ?',
        )
        .get(id) as MailboxInfo | undefined) ?? null
    );
  }

  byRole(accountId: number, role: MailboxRole): MailboxInfo | null {
    return (
      (this.db
        .prepare(
          `SELECT id, account_id AS accountId, path, role, uid_validity AS uidValidity FROM mailboxes
            WHERE account_id = ? AND role = ? ORDER BY id LIMIT 1`,
        )
        .get(accountId, role) as MailboxInfo | undefined) ?? null
    );
  }

  /** Every mailbox with a role (of one account, or of all), without counting messages. */
  withRole(role: MailboxRole, accountId?: number): MailboxInfo[] {
    return this.db
      .prepare(
        `SELECT id, account_id AS accountId, path, role, uid_validity AS uidValidity FROM mailboxes
          WHERE role = ? AND (? IS NULL OR account_id = ?) ORDER BY account_id, id`,
      )
      .all(role, accountId ?? null, accountId ?? null) as MailboxInfo[];
  }

  infoByPath(accountId: number, path: string): MailboxInfo | null {
    return (
      (this.db
        .prepare(
          'SELECT id, account_id AS accountId, path, role, uid_validity AS uidValidity FROM mailboxes WHERE account_id = ? AND path = ?',
        )
        .get(accountId, path) as MailboxInfo | undefined) ?? null
    );
  }

  byPath(accountId: number, path: string): Mailbox | null {
    const row = this.db
      .prepare(`${SELECT} WHERE account_id = ? AND path = ?`)
      .get(accountId, path) as MailboxRow | undefined;
    return row ? toMailbox(row) : null;
  }

  states(accountId: number): MailboxSyncState[] {
    return (
      this.db
        .prepare('SELECT *, 0 AS total, 0 AS unread FROM mailboxes WHERE account_id = ?')
        .all(accountId) as MailboxRow[]
    ).map(toState);
  }

  state(id: number): MailboxSyncState | null {
    const row = this.db
      .prepare('SELECT *, 0 AS total, 0 AS unread FROM mailboxes WHERE id = ?')
      .get(id) as MailboxRow | undefined;
    return row ? toState(row) : null;
  }

  /** Inserts a new mailbox or refreshes its listing data; returns its id. */
  upsert(accountId: number, m: ServerMailbox): number {
    return this.db
      .prepare(
        `INSERT INTO mailboxes (account_id, path, name, delimiter, role) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, path) DO UPDATE SET name = excluded.name,
           delimiter = excluded.delimiter, role = excluded.role
         RETURNING id`,
      )
      .pluck()
      .get(accountId, m.path, m.name, m.delimiter, m.role) as number;
  }

  /** A folder renamed on the server keeps its row (and its messages) under the new path. */
  rename(id: number, m: ServerMailbox): void {
    this.db
      .prepare('UPDATE mailboxes SET path = ?, name = ?, delimiter = ?, role = ? WHERE id = ?')
      .run(m.path, m.name, m.delimiter, m.role, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(id);
  }

  setServerStatus(
    id: number,
    s: { uidValidity?: string; uidNext?: number; highestModseq?: string | null; total?: number },
  ): void {
    this.db
      .prepare(
        `UPDATE mailboxes SET uid_validity = coalesce(?, uid_validity), uid_next = coalesce(?, uid_next),
           highest_modseq = coalesce(?, highest_modseq), server_total = coalesce(?, server_total) WHERE id = ?`,
      )
      .run(s.uidValidity ?? null, s.uidNext ?? null, s.highestModseq ?? null, s.total ?? null, id);
  }

  setCursor(
    id: number,
    c: { headUid?: number; lowUid?: number | null; syncedModseq?: string | null },
  ): void {
    const sets: string[] = [];
    const args: (number | string | null)[] = [];
    const add = (column: string, value: number | string | null) => {
      sets.push(`${column} = ?`);
      args.push(value);
    };
    if (c.headUid !== undefined) add('head_uid', c.headUid);
    if (c.lowUid !== undefined) add('low_uid', c.lowUid);
    if (c.syncedModseq !== undefined) add('synced_modseq', c.syncedModseq);
    if (!sets.length) return;
    this.db.prepare(`UPDATE mailboxes SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  /** After a UIDVALIDITY change every cached UID is meaningless: start again from scratch. */
  resetSync(id: number, uidValidity: string): void {
    this.db
      .prepare(
        `UPDATE mailboxes SET uid_validity = ?, uid_next = NULL, highest_modseq = NULL, head_uid = 0,
           low_uid = NULL, synced_modseq = NULL WHERE id = ?`,
      )
      .run(uidValidity, id);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM mailboxes').pluck().get() as number;
  }
}
