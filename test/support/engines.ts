// Both engines of the store for tests that must behave alike on each: SQLite in memory, and
// Postgres in a fresh database of a private server (test/support/postgres.ts) started once
// per test file, on first use.
//
// Two ways in: `storeEngines` (with `describe.each`, a new empty store per call, closed by
// `closeEngineStores` in afterEach; `stopEngines` in afterAll), and `engines()` for tests
// that want each store with one account, its Inbox and an Archive, or a second connection.
import type { EngineName, Store } from '../../main/core/store/index.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { sqliteStore } from './store.js';

let shared: Promise<PostgresServer> | null = null;
let databases = 0;

/** A new, empty Postgres database on this file's private server. */
async function postgresUrl(): Promise<string> {
  shared ??= startPostgres();
  return (await shared).createDatabase(`engines_${process.pid}_${++databases}`);
}

const opened: Store[] = [];

async function kept(store: Store | Promise<Store>): Promise<Store> {
  const open = await store;
  opened.push(open);
  return open;
}

export const storeEngines: [EngineName, () => Promise<Store>][] = [
  ['sqlite', () => kept(sqliteStore())],
  ['postgres', async () => kept(openPostgresStore(await postgresUrl()))],
];

export async function closeEngineStores(): Promise<void> {
  for (const store of opened.splice(0)) await store.close();
}

/** Stops this file's Postgres server, if one was started (afterAll). */
export async function stopEngines(): Promise<void> {
  await closeEngineStores();
  const server = shared;
  shared = null;
  if (server) await (await server).stop();
}

export interface EngineStore {
  store: Store;
  accountId: number;
  inbox: number;
  archive: number;
}

export interface Engines {
  readonly names: readonly EngineName[];
  /** A new, empty store of that engine with one account and its folders. */
  open(engine: EngineName): Promise<EngineStore>;
  /** Another store on the same data, as a second process would open it (Postgres only). */
  reopen(opened: EngineStore): Promise<Store>;
  /** Closes every store opened so far (after each test). */
  close(): Promise<void>;
  /** Stops the server (after the file). */
  stop(): Promise<void>;
}

export function engines(): Engines {
  const urls = new Map<Store, string>();
  return {
    names: ['sqlite', 'postgres'],
    async open(engine) {
      let store: Store;
      if (engine === 'sqlite') {
        store = await kept(SqliteStore.open(':memory:'));
      } else {
        const url = await postgresUrl();
        store = await kept(openPostgresStore(url));
        urls.set(store, url);
      }
      const account = await store.accounts.add({
        email: 'me@example.test',
        imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'me' },
      });
      const folder = (path: string, role: 'inbox' | 'archive') =>
        store.mailboxes.upsert(account.id, { path, name: path, delimiter: '/', role });
      return {
        store,
        accountId: account.id,
        inbox: await folder('INBOX', 'inbox'),
        archive: await folder('Archive', 'archive'),
      };
    },
    async reopen({ store }) {
      const url = urls.get(store);
      if (!url) throw new Error('only a Postgres store can be opened twice');
      return kept(openPostgresStore(url));
    },
    close: closeEngineStores,
    stop: stopEngines,
  };
}
