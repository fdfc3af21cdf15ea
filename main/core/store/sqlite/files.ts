// What is done to an SQLite store as a file, with no store open on it: a backup's restore
// locks, migrates and reads staged copies through these.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { createPrivateFile } from '../../platform/paths.js';
import { openDatabase } from './db.js';
import { migrations } from './migrations/index.js';

/**
 * SQLite's exclusive lock on `file`, held until `release` (the system drops it if the
 * process dies); null when another connection holds a lock on it and lets it go within
 * `waitMs`. In WAL mode every open connection holds a shared lock on the file, so the
 * exclusive one is had only when no other connection has it open.
 */
export function lockFile(
  file: string,
  opts: { waitMs: number; fileMustExist?: boolean },
): { release(): void } | null {
  // Made 0600 here: SQLite would make it 0644.
  if (!opts.fileMustExist) createPrivateFile(file);
  const db = new Database(file, { timeout: opts.waitMs, fileMustExist: !!opts.fileMustExist });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return { release: () => db.close() };
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw err;
  }
}

/** The schema version in a store file's header (SQLite's user_version), read without SQLite. */
async function headerVersion(file: string): Promise<number> {
  const h = await open(file, 'r');
  try {
    const header = Buffer.alloc(100);
    await h.read(header, 0, 100, 0);
    return header.readUInt32BE(60);
  } finally {
    await h.close();
  }
}

/**
 * Brings a store file to this Maildock's schema (its migrations run on it); one from a newer
 * Maildock is refused with STORE_FAILED, unchanged. A file at this schema is left alone.
 */
export async function migrateFile(file: string): Promise<void> {
  if (!existsSync(file)) return;
  if ((await headerVersion(file)) === migrations.at(-1)!.version) return;
  openDatabase(file).close();
}

/**
 * Each account of a store file and whom it logs in as, where: an account's password belongs
 * to that, not to its id. None when there is no store or it cannot be read.
 */
export function accountLoginsIn(file: string): Map<number, string> {
  if (!existsSync(file)) return new Map();
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare(
        'SELECT id, email, imap_host, imap_port, imap_user, smtp_host, smtp_port, smtp_user FROM accounts',
      )
      .all() as ({ id: number } & Record<string, unknown>)[];
    return new Map(rows.map(({ id, ...who }) => [id, JSON.stringify(who)]));
  } catch {
    return new Map();
  } finally {
    db?.close();
  }
}
