// Both engines of the store for tests that must behave alike on each: SQLite in memory, and
// Postgres in a fresh database of a private server (test/support/postgres.ts) started once
// per test file. Each store comes with one account, its Inbox and an Archive.
import type { EngineName, Store } from '../../main/core/store/index.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { startPostgres, type PostgresServer } from './postgres.js';

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
  let server: PostgresServer | null = null;
  let databases = 0;
  const opened: Store[] = [];
  const urls = new Map<Store, string>();
  const postgres = async (): Promise<Store> => {
    server ??= await startPostgres();
    const url = await server.createDatabase(`engines_${process.pid}_${++databases}`);
    const store = await openPostgresStore(url);
    urls.set(store, url);
    return store;
  };
  return {
    names: ['sqlite', 'postgres'],
    async open(engine) {
      const store = engine === 'sqlite' ? SqliteStore.open(':memory:') : await postgres();
      opened.push(store);
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
      const again = await openPostgresStore(url);
      opened.push(again);
      return again;
    },
    async close() {
      for (const store of opened.splice(0)) await store.close();
    },
    async stop() {
      await server?.stop();
      server = null;
    },
  };
}
