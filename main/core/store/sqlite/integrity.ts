// SQLite's integrity_check of a store file, as a backup's worker thread and its fallback on
// the calling thread both run it.
import Database from 'better-sqlite3';

// Reading the pages through a memory map instead of read() makes the check about 20% faster.
const MMAP_BYTES = 2 ** 31 - 2 ** 16;

/** What integrity_check answers ('ok' when sound); throws when the file cannot be opened. */
export function checkFile(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
