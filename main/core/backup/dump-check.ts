// The check of a Postgres store's dump, as SQLite's is integrity_check: pg_restore reads it
// through whole (every entry, data too), and it must hold a Maildock store.
import { inspectDump } from '../store/index.js';

/** Null when the dump is sound, else the sentence verifyBackup reports. */
export async function checkStoreDump(file: string): Promise<string | null> {
  try {
    const facts = await inspectDump(file);
    return facts.schema === null
      ? 'The store in the archive is a Postgres dump without a Maildock store in it.'
      : null;
  } catch (err) {
    return `The store in the archive cannot be read back by pg_restore (${(err as Error).message}).`;
  }
}
