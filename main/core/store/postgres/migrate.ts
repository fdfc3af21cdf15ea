// Brings a database to the schema this code knows: each pending migration in its own
// transaction together with the version bump, so a crash leaves one version or the next.
// Processes opening the same database at once take turns on an advisory lock.
import type pg from 'pg';
import { MaildockError } from '../../../../common/errors.js';
import type { Migration } from './migrations/index.js';
import { withTransaction } from './db.js';

// Any constant shared by every Maildock: "mail" in ASCII.
export const MIGRATION_LOCK = 0x6d61696c;

async function lockedVersion(client: pg.PoolClient): Promise<number> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
  const row = (await client.query('SELECT max(version) AS version FROM schema_version')).rows[0] as
    { version: number | null } | undefined;
  return row?.version ?? 0;
}

export async function migrate(pool: pg.Pool, list: readonly Migration[]): Promise<void> {
  const latest = list.at(-1)?.version ?? 0;
  for (;;) {
    const done = await withTransaction(pool, async (client) => {
      const current = await lockedVersion(client);
      if (current > latest) {
        throw new MaildockError(
          'STORE_FAILED',
          `The mail store was written by a newer Maildock (schema ${current}, this one knows ${latest}).`,
          { schema: current, supported: latest },
        );
      }
      const next = list.find((m) => m.version > current);
      if (!next) return true;
      await client.query(next.up);
      await next.fill?.(client);
      await client.query('DELETE FROM schema_version');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [next.version]);
      return false;
    });
    if (done) return;
  }
}
