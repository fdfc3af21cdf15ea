// A store with one account and its Inbox, for tests of the store and of what holds it
// (backups): SQLite in memory or in a file of the test's own, or Postgres at a URL.
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import type { Store } from '../../main/core/store/index.js';

/** Opens the SQLite engine on a file (':memory:' for none). */
export function sqliteStore(file = ':memory:'): SqliteStore {
  return SqliteStore.open(file);
}

export async function withInbox<S extends Store>(
  store: S,
): Promise<{ store: S; accountId: number; inbox: number }> {
  const account = await store.accounts.add({
    email: 'me@example.test',
    imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'me' },
  });
  const inbox = await store.mailboxes.upsert(account.id, {
    path: 'INBOX',
    name: 'INBOX',
    delimiter: '/',
    role: 'inbox',
  });
  return { store, accountId: account.id, inbox };
}

export function storeWithInbox(
  file = ':memory:',
): Promise<{ store: SqliteStore; accountId: number; inbox: number }> {
  return withInbox(sqliteStore(file));
}
