// Mailboxes of each account with the sync state the engine resumes from.
import { LOCAL_DELIMITER } from '../../../../common/local-folders.js';
import type { Mailbox, MailboxRole } from '../../../../common/types.js';
import type { MailboxRepository } from '../repositories.js';
import type { MailboxInfo, MailboxSyncState, ServerMailbox } from '../types.js';
import { prepared, type Db } from './db.js';
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
  'SELECT id, account_id AS "accountId", path, role, uid_validity AS "uidValidity", local <> 0 AS local FROM mailboxes';

export class MailboxRepo implements MailboxRepository {
  constructor(private readonly db: Db) {}

  async list(accountId?: number): Promise<Mailbox[]> {
    const rows =
      accountId === undefined
        ? await this.db.rows<MailboxRow>(`${SELECT} ORDER BY account_id, path`)
        : await this.db.rows<MailboxRow>(`${SELECT} WHERE account_id = $1 ORDER BY path`, [
            accountId,
          ]);
    return rows.map(toMailbox).sort(mailboxOrder);
  }

  async get(id: number): Promise<Mailbox | null> {
    const row = await this.db.one<MailboxRow>(`${SELECT} WHERE id = $1`, [id]);
    return row ? toMailbox(row) : null;
  }

  async info(id: number): Promise<MailboxInfo | null> {
    // Looked up for every page of a folder.
    return toInfo(await this.db.one<InfoRow>(prepared(`${INFO} WHERE id = $1`), [id]));
  }

  async byRole(accountId: number, role: MailboxRole): Promise<MailboxInfo | null> {
    return toInfo(
      await this.db.one<InfoRow>(
        `${INFO} WHERE account_id = $1 AND role = $2 ORDER BY id LIMIT 1`,
        [accountId, role],
      ),
    );
  }

  async withRole(role: MailboxRole, accountId?: number): Promise<MailboxInfo[]> {
    const rows = await this.db.rows<InfoRow>(
      `${INFO} WHERE role = $1 AND ($2::bigint IS NULL OR account_id = $2) ORDER BY account_id, id`,
      [role, accountId ?? null],
    );
    return rows.map((r) => toInfo(r)!);
  }

  async infoByPath(accountId: number, path: string): Promise<MailboxInfo | null> {
    return toInfo(
      await this.db.one<InfoRow>(`${INFO} WHERE account_id = $1 AND path = $2`, [accountId, path]),
    );
  }

  async byPath(accountId: number, path: string): Promise<Mailbox | null> {
    const row = await this.db.one<MailboxRow>(`${SELECT} WHERE account_id = $1 AND path = $2`, [
      accountId,
      path,
    ]);
    return row ? toMailbox(row) : null;
  }

  async states(accountId: number): Promise<MailboxSyncState[]> {
    const rows = await this.db.rows<MailboxRow>(
      'SELECT * FROM mailboxes WHERE account_id = $1 AND local = 0',
      [accountId],
    );
    return rows.map(toState);
  }

  async state(id: number): Promise<MailboxSyncState | null> {
    const row = await this.db.one<MailboxRow>('SELECT * FROM mailboxes WHERE id = $1', [id]);
    return row ? toState(row) : null;
  }

  async upsert(accountId: number, m: ServerMailbox): Promise<number> {
    const id = await this.db.value<number>(
      `INSERT INTO mailboxes (account_id, path, name, delimiter, role) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, path) DO UPDATE SET name = excluded.name,
         delimiter = excluded.delimiter, role = excluded.role WHERE mailboxes.local = 0
       RETURNING id`,
      [accountId, m.path, m.name, m.delimiter, m.role],
    );
    if (id === null) throw localTaken(m.path);
    return id;
  }

  async addLocal(accountId: number, m: { path: string; name: string }): Promise<number> {
    return (await this.db.value<number>(
      `INSERT INTO mailboxes (account_id, path, name, delimiter, local, uid_next)
       VALUES ($1, $2, $3, $4, 1, 1) RETURNING id`,
      [accountId, m.path, m.name, LOCAL_DELIMITER],
    ))!;
  }

  async takeLocalUids(id: number, count: number): Promise<number> {
    const first = await this.db.value<number>(
      `UPDATE mailboxes SET uid_next = coalesce(uid_next, 1) + $1 WHERE id = $2 AND local = 1
       RETURNING uid_next - $1`,
      [count, id],
    );
    if (first === null) throw notLocal(id);
    return first;
  }

  async rename(id: number, m: ServerMailbox): Promise<void> {
    await this.db.run(
      'UPDATE mailboxes SET path = $1, name = $2, delimiter = $3, role = $4 WHERE id = $5',
      [m.path, m.name, m.delimiter, m.role, id],
    );
  }

  async remove(id: number): Promise<void> {
    await this.db.run('DELETE FROM mailboxes WHERE id = $1', [id]);
  }

  async setServerStatus(
    id: number,
    s: { uidValidity?: string; uidNext?: number; highestModseq?: string | null; total?: number },
  ): Promise<void> {
    await this.db.run(
      `UPDATE mailboxes SET uid_validity = coalesce($1, uid_validity), uid_next = coalesce($2, uid_next),
         highest_modseq = coalesce($3, highest_modseq), server_total = coalesce($4, server_total) WHERE id = $5`,
      [s.uidValidity ?? null, s.uidNext ?? null, s.highestModseq ?? null, s.total ?? null, id],
    );
  }

  async setCursor(
    id: number,
    c: { headUid?: number; lowUid?: number | null; syncedModseq?: string | null },
  ): Promise<void> {
    // Only the columns named are written; their names are fixed here, their values are parameters.
    const sets: string[] = [];
    const args: (number | string | null)[] = [];
    const add = (column: string, value: number | string | null) => {
      args.push(value);
      sets.push(`${column} = $${args.length}`);
    };
    if (c.headUid !== undefined) add('head_uid', c.headUid);
    if (c.lowUid !== undefined) add('low_uid', c.lowUid);
    if (c.syncedModseq !== undefined) add('synced_modseq', c.syncedModseq);
    if (!sets.length) return;
    args.push(id);
    await this.db.run(`UPDATE mailboxes SET ${sets.join(', ')} WHERE id = $${args.length}`, args);
  }

  async resetSync(id: number, uidValidity: string): Promise<void> {
    await this.db.run(
      `UPDATE mailboxes SET uid_validity = $1, uid_next = NULL, highest_modseq = NULL, head_uid = 0,
         low_uid = NULL, synced_modseq = NULL WHERE id = $2`,
      [uidValidity, id],
    );
  }

  async count(): Promise<number> {
    return (await this.db.value<number>('SELECT count(*) FROM mailboxes'))!;
  }
}
