// A Postgres store per test, on the test file's private server: each in a database of its
// own, with one account and its Inbox; and a plain client to look under the store.
import pg from 'pg';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { afterAll, beforeAll } from 'vitest';
import { startupOptions } from '../../main/core/store/postgres/connect.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import type { Store } from '../../main/core/store/repositories.js';
import { startPostgres, type PostgresServer } from './postgres.js';

let databases = 0;

export async function freshDatabase(server: PostgresServer): Promise<string> {
  databases++;
  return server.createDatabase(`store_${process.pid}_${databases}`);
}

export interface StoreWithInbox {
  store: Store;
  url: string;
  accountId: number;
  inbox: number;
  sent: number;
}

async function postgresWithInbox(server: PostgresServer): Promise<StoreWithInbox> {
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

/**
 * Runs one query on its own connection as the database's owner (what the store keeps, seen
 * from outside it); rows it inserts are the local person's, as a one-person store's are.
 */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
  opts: { asStore?: boolean; owner?: { tenantId: number; userId: number } } = {},
): Promise<T[]> {
  // asStore: as the store's connections run it, with their settings, under the application's
  // role and its policies; as `owner` (the local person by default).
  const scope = opts.owner ?? { tenantId: 1, userId: 1 };
  const client = new pg.Client({
    connectionString: url,
    options: opts.asStore
      ? startupOptions({ role: appRoleName(new URL(url).pathname.slice(1)), scope })
      : `-c maildock.tenant_id=${scope.tenantId} -c maildock.user_id=${scope.userId}`,
  });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A private server for the test file (started before its tests, stopped after them), and
 * `setup` to give each test a store of its own; every store is closed at the end.
 */
export function postgresStores(): {
  setup(): Promise<StoreWithInbox>;
  server(): PostgresServer;
} {
  let server: PostgresServer | undefined;
  const opened: Store[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
    await server?.stop();
  });
  return {
    async setup() {
      const ctx = await postgresWithInbox(server!);
      opened.push(ctx.store);
      return ctx;
    },
    server: () => server!,
  };
}

/** How many messages the search vector finds for a tsquery. */
export async function vectorMatches(url: string, tsquery: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    url,
    'SELECT count(*) AS n FROM messages WHERE search @@ $1::tsquery',
    [tsquery],
  );
  return Number(row!.n);
}
