// A Postgres store per test, on the test file's private server: each in a database of its
// own, with one account and its Inbox; and a plain client to look under the store.
import pg from 'pg';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import type { Store } from '../../main/core/store/repositories.js';
import type { PostgresServer } from './postgres.js';

let databases = 0;

export async function freshDatabase(server: PostgresServer): Promise<string> {
  databases++;
  return server.createDatabase(`store_${process.pid}_${databases}`);
}

export async function postgresWithInbox(server: PostgresServer): Promise<{
  store: Store;
  url: string;
  accountId: number;
  inbox: number;
  sent: number;
}> {
  const url = await freshDatabase(server);
  const store = await openPostgresStore(url);
  const account = await store.accounts.add({
    email: 'me@example.test',
    imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'me' },
  });
  const box = (path: string, role: 'inbox' | 'sent') =>
    store.mailboxes.upsert(account.id, { path, name: path, delimiter: '/', role });
  return {
    store,
    url,
    accountId: account.id,
    inbox: await box('INBOX', 'inbox'),
    sent: await box('Sent', 'sent'),
  };
}

/** Runs one query on its own connection (what the store keeps, seen from outside it). */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
