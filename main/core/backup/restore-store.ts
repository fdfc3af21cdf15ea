// The store's side of a restore, by engine. SQLite's file is staged, brought to this
// Maildock's schema and swapped in by name with the rest of the data folder. A Postgres
// store's dump is checked when staged and read into its database during the swap, in one
// transaction, just before the swap's commit point. A backup of one engine is not restored
// into a store of the other.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import {
  inspectDump,
  lockFile,
  migrateFile,
  postgresInUse,
  restoreDump,
  type EngineName,
} from '../store/index.js';
import { ENGINE_NAMES, engineOf, type Manifest } from './manifest.js';

/** What of the data folder is SQLite's store: its file, WAL and shared memory. */
export const SQLITE_NAMES = ['maildock.db', 'maildock.db-wal', 'maildock.db-shm'];

export interface StagedStore {
  /** Whether the data folder's SQLite files are the store the swap replaces. */
  inDataFolder: boolean;
  /** Puts the staged store in place when it is not a file of the data folder. */
  swapIn(): Promise<void>;
}

/** An error of a staged store, said as the restore's refusal with nothing changed. */
function refused(err: unknown): unknown {
  if (!(err instanceof MaildockError)) return err;
  return new MaildockError(
    err.code,
    `The backup cannot be restored, and nothing was changed: ${err.message}`,
    err.fields,
  );
}

/**
 * The staged store checked for the store it is to replace (the database's URL, or SQLite's
 * file in the data folder): the same engine, not from a newer Maildock; an older SQLite
 * store is migrated here.
 */
export async function stageStore(
  staging: string,
  manifest: Manifest,
  database: string | undefined,
): Promise<StagedStore> {
  const from = engineOf(manifest);
  const to: EngineName = database ? 'postgres' : 'sqlite';
  if (from !== to) {
    throw new MaildockError(
      'INVALID_INPUT',
      `The backup cannot be restored, and nothing was changed: it holds a ${ENGINE_NAMES[from]} store, and this Maildock’s store is ${ENGINE_NAMES[to]}. A backup is restored into a store of its own engine.`,
      { backupEngine: from, storeEngine: to },
    );
  }
  if (!database) {
    await migrateFile(join(staging, 'maildock.db')).catch((err: unknown) => {
      throw refused(err);
    });
    return { inDataFolder: true, swapIn: async () => undefined };
  }
  const dump = join(staging, 'maildock.pgdump');
  const facts = await inspectDump(dump).catch((err: unknown) => {
    throw refused(err);
  });
  if (facts.schema === null) {
    throw refused(new MaildockError('INVALID_INPUT', 'Its Postgres dump holds no Maildock store.'));
  }
  if (facts.schema > facts.supported) {
    throw refused(
      new MaildockError(
        'STORE_FAILED',
        `The mail store was written by a newer Maildock (schema ${facts.schema}, this one knows ${facts.supported}).`,
        { schema: facts.schema, supported: facts.supported },
      ),
    );
  }
  const schema = facts.schema;
  return { inDataFolder: false, swapIn: () => restoreDump(database, dump, schema) };
}

const inUse = () =>
  new MaildockError('IN_USE', 'Maildock is running with this store; nothing was changed.', {
    hint: 'Quit Maildock (and any maildock serve) first, or restore from the app: Settings → Backups.',
  });

/**
 * Refuses while another connection has the data folder's store open (a running Maildock):
 * in WAL mode every open connection holds a shared lock on the file, so an exclusive lock
 * is had only by the last one. Waits a little for connections that are closing.
 */
export function storeNotInUse(dataDir: string, waitMs = 3000): void {
  const file = join(dataDir, 'maildock.db');
  if (!existsSync(file)) return;
  const lock = lockFile(file, { waitMs, fileMustExist: true });
  if (!lock) throw inUse();
  lock.release();
}

/** The same for the store in the database at `database`, when there is one. */
export async function storeFree(dataDir: string, database: string | undefined): Promise<void> {
  if (!database) return storeNotInUse(dataDir);
  if (await postgresInUse(database, 3000)) throw inUse();
}
