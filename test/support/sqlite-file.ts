// The SQLite engine's file seen from a second connection, for the checks of the store's own
// tests that only SQL can make: the full-text index against its content, the schema version,
// a row changed behind the store's back. The store under test keeps its own connection.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../../main/core/store/index.js';

const tempDirs: string[] = [];

/** A store file in a folder of its own, for a test that looks at it from beside the store. */
export function tempStoreFile(prefix = 'maildock-store-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return path.join(dir, 'maildock.db');
}

/** Removes the folders tempStoreFile made (in afterEach). */
export function removeTempStoreFiles(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs fn on a connection of its own to the store's file, closed after. */
export function besideStore<T>(store: Store, fn: (db: Database.Database) => T): T {
  const db = new Database(store.location);
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** SQLite compares the external-content index with its content; throws when they differ. */
export function ftsIntegrityCheck(store: Store): void {
  besideStore(store, (db) =>
    db.prepare("INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)").run(),
  );
}

export function ftsCount(store: Store, query: string): number {
  return besideStore(
    store,
    (db) =>
      db
        .prepare('SELECT count(*) FROM message_fts WHERE message_fts MATCH ?')
        .pluck()
        .get(query) as number,
  );
}

export function schemaVersionOf(store: Store): number {
  return besideStore(store, (db) => db.pragma('user_version', { simple: true }) as number);
}
