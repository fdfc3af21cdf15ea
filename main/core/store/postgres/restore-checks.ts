// What a restore asks of the Postgres store it replaces, with no store open on it: whether a
// Maildock is using it, and whom its accounts log in as (their passwords belong to that).
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, openError, parseTarget, STORE_APPLICATION } from './connect.js';
import { types } from './db.js';

const RESTORE_APPLICATION = 'maildock-restore';
const POLL_MS = 100;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const target = parseTarget(url);
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: RESTORE_APPLICATION,
    types,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw openError(e, target);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether another Maildock has the database's store open, after waiting up to `waitMs` for
 * connections that are closing (a pool's end does not wait for the server's side).
 */
export function postgresInUse(url: string, waitMs: number): Promise<boolean> {
  return withClient(url, async (client) => {
    const until = Date.now() + waitMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
        [STORE_APPLICATION],
      );
      if (rows[0]!.n === 0) return false;
      if (Date.now() >= until) return true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  });
}

/**
 * Each account of the database's store and whom it logs in as, where; none when there is no
 * store there yet.
 */
export async function accountLoginsAt(url: string): Promise<Map<number, string>> {
  return withClient(url, async (client) => {
    try {
      const { rows } = await client.query<{ id: number } & Record<string, unknown>>(
        'SELECT id, email, imap_host, imap_port, imap_user, smtp_host, smtp_port, smtp_user FROM accounts',
      );
      return new Map(rows.map(({ id, ...who }) => [id, JSON.stringify(who)]));
    } catch {
      return new Map<number, string>();
    }
  });
}
