// Mailboxes of each account with the sync state the engine resumes from.
import { LOCAL_DELIMITER } from '../../../../common/local-folders.js';
import type { Mailbox, MailboxRole } from '../../../../common/types.js';
import type { Db } from './db.js';
import type { MailboxInfo, MailboxSyncState, ServerMailbox } from '../types.js';
import {
  localTaken,
  mailboxOrder,
  notLocal,
  toInfo,
  toMailbox,
  toState,
  type InfoRow,
  type MailboxRow,
} from '../rows/mailboxes.js';

const SELECT = `SELECT mb.*,
    (SELECT count(*) FROM messages m WHERE m.mailbox_id = mb.id) AS total,
    (SELECT count(*) FROM messages m WHERE m.mailbox_id = mb.id AND (m.flags & 1) = 0) AS unread
  FROM mailboxes mb`;

const INFO =
  'SELECT id, account_id AS accountId, path, role, uid_validity AS uidValidity, local FROM mailboxes';

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
    return toInfo(this.db.prepare(`${INFO} WHERE id = ?`).get(id) as InfoRow | undefined);
  }

  byRole(accountId: number, role: MailboxRole): MailboxInfo | null {
    return toInfo(
      this.db
        .prepare(`${INFO} WHERE account_id = ? AND role = ? ORDER BY id LIMIT 1`)
        .get(accountId, role) as InfoRow | undefined,
    );
  }

  /** Every mailbox with a role (of one account, or of all), without counting messages. */
  withRole(role: MailboxRole, accountId?: number): MailboxInfo[] {
    return (
      this.db
        .prepare(`${INFO} WHERE role = ? AND (? IS NULL OR account_id = ?) ORDER BY account_id, id`)
        .all(role, accountId ?? null, accountId ?? null) as InfoRow[]
    ).map((r) => toInfo(r)!);
  }

  infoByPath(accountId: number, path: string): MailboxInfo | null {
    return toInfo(
      this.db.prepare(`${INFO} WHERE account_id = ? AND path = ?`).get(accountId, path) as
        InfoRow | undefined,
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
        .prepare(
          'SELECT *, 0 AS total, 0 AS unread FROM mailboxes WHERE account_id = ? AND local = 0',
        )
        .all(accountId) as MailboxRow[]
    ).map(toState);
  }

  state(id: number): MailboxSyncState | null {
    const row = this.db
      .prepare('SELECT *, 0 AS total, 0 AS unread FROM mailboxes WHERE id = ?')
      .get(id) as MailboxRow | undefined;
    return row ? toState(row) : null;
  }

  /** Inserts a new mailbox or refreshes its listing data; returns its id. Never a local one. */
  upsert(accountId: number, m: ServerMailbox): number {
    const id = this.db
      .prepare(
        `INSERT INTO mailboxes (account_id, path, name, delimiter, role) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, path) DO UPDATE SET name = excluded.name,
           delimiter = excluded.delimiter, role = excluded.role WHERE local = 0
         RETURNING id`,
      )
      .pluck()
      .get(accountId, m.path, m.name, m.delimiter, m.role) as number | undefined;
    if (id === undefined) throw localTaken(m.path);
    return id;
  }

  addLocal(accountId: number, m: { path: string; name: string }): number {
    return this.db
      .prepare(
        `INSERT INTO mailboxes (account_id, path, name, delimiter, local, uid_next)
         VALUES (?, ?, ?, ?, 1, 1) RETURNING id`,
      )
      .pluck()
      .get(accountId, m.path, m.name, LOCAL_DELIMITER) as number;
  }

  takeLocalUids(id: number, count: number): number {
    const first = this.db
      .prepare(
        `UPDATE mailboxes SET uid_next = coalesce(uid_next, 1) + ? WHERE id = ? AND local = 1
         RETURNING uid_next - ?`,
      )
      .pluck()
      .get(count, id, count) as number | undefined;
    if (first === undefined) throw notLocal(id);
    return first;
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
