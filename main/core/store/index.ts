// The store: typed repositories over one of two engines. SQLite in the data folder is the
// embedded default (the desktop, one-person `serve`); a postgres:// URL selects Postgres.
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import type { Store } from './repositories.js';
import { SqliteStore } from './sqlite/engine.js';

export type * from './repositories.js';
export type * from './types.js';
export { patchJson } from './settings.js';

export interface StoreOptions {
  /** The data folder: SQLite keeps `maildock.db` there. */
  dataDir: string;
  /** A postgres:// URL (`--database`, MAILDOCK_DATABASE_URL); else SQLite. */
  database?: string | undefined;
  /** What the engine's background upkeep says when it fails. */
  onUpkeepError?(message: string): void;
}

/** The SQLite file of a data folder. */
export const storeFile = (dataDir: string) => join(dataDir, 'maildock.db');

/** Whether a --database value names Postgres; anything else is a clear error. */
export function checkDatabaseUrl(url: string): void {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    scheme = '';
  }
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new MaildockError(
      'INVALID_INPUT',
      'The database must be a postgres:// URL, e.g. postgres://maildock@127.0.0.1:5432/maildock.',
      { setting: 'database' },
    );
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (opts.database) {
    checkDatabaseUrl(opts.database);
    const { openPostgresStore } = await import('./postgres/engine.js');
    return openPostgresStore(opts.database);
  }
  return SqliteStore.open(storeFile(opts.dataDir), {
    ...(opts.onUpkeepError ? { onError: opts.onUpkeepError } : {}),
  });
}

/** An SQLite store as a file, for a restore's staging and swap (no store open on it). */
export { accountLoginsIn, lockFile, migrateFile } from './sqlite/files.js';
export { checkFile } from './sqlite/integrity.js';

/** A Postgres store as a pg_dump file, for a backup's verify and restore. */
export { inspectDump, restoreDump, type DumpFacts } from './postgres/dump-file.js';
export { accountLoginsAt, postgresInUse } from './postgres/restore-checks.js';

/** The bundled stack's health probe of its Postgres. */
export { probePostgres } from './postgres/probe.js';

/** The server of many people: its database, and the owner's view for admin commands. */
export type * from './people.js';
export async function openServerDatabase(
  url: string,
  opts: { appPassword: string; connectTimeoutMs?: number },
) {
  checkDatabaseUrl(url);
  return (await import('./postgres/server-database.js')).openServerDatabase(url, opts);
}
export async function openAdminDatabase(url: string) {
  checkDatabaseUrl(url);
  return (await import('./postgres/server-database.js')).openAdminDatabase(url);
}
export { TENANT_NAME } from './postgres/people/tenants.js';
