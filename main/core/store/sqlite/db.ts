// Opening the store: pragmas, then every pending migration, each in its own transaction
// with the version bump, so a crash leaves the schema at one version or the next.
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MaildockError } from '../../../../common/errors.js';
import { createPrivateFile, makePrivateFolder, tightenFile } from '../../platform/paths.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

/** The writer's own checkpoints (when no Checkpointer runs them in the background). */
export const AUTOCHECKPOINT_PAGES = 8192;

export interface OpenOptions {
  /** Defaults to every migration; tests pass a prefix to check one step at a time. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const onDisk = file !== ':memory:' && !opts.readonly;
  if (onDisk) {
    // SQLite makes the -wal and -shm files with the mode of the database file, and a new
    // database file with 0644: made here first with 0600, none of them is readable by others.
    makePrivateFolder(dirname(file));
    createPrivateFile(file);
  }
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a process crash; only an OS
    // crash or power loss can take back the last few.
    db.pragma('synchronous = NORMAL');
    // Checkpoint every 32 MiB of WAL instead of SQLite's 4 MiB: a sync writes in batches of a
    // thousand messages, and each checkpoint syncs both files to disk; fewer of them make the
    // store's side of a header sync about 15% cheaper (measured with 40,000 real headers).
    // The long-running service moves them to a thread of their own (checkpoint.ts).
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    migrate(db, opts.migrations ?? allMigrations);
  }
  // Left open to others by an earlier version: new ones take the database file's mode.
  if (onDisk) for (const suffix of ['-wal', '-shm']) tightenFile(`${file}${suffix}`);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, list: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new MaildockError(
      'STORE_FAILED',
      `The mail store was written by a newer Maildock (schema ${current}, this one knows ${latest}).`,
      { schema: current, supported: latest },
    );
  }
  for (const m of list) {
    if (m.version <= current) continue;
    if (m.unsafe) db.unsafeMode(true);
    try {
      db.transaction(() => {
        db.exec(m.up);
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.unsafe) db.unsafeMode(false);
    }
  }
}
