// A store with one account and its Inbox, for tests of the store and of what holds it
// (backups): in memory, or in a file of the test's own.
import { Store } from '../../main/core/store/index.js';

export function storeWithInbox(file = ':memory:'): {
  store: Store;
  accountId: number;
  inbox: number;
} {
  const store = Store.open(file);
  const account = store.accounts.add({
    email: 'me@example.test',
    imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'me' },
  });
  const inbox = store.mailboxes.upsert(account.id, {
    path: 'INBOX',
    name: 'INBOX',
    delimiter: '/',
    role: 'inbox',
  });
  return { store, accountId: account.id, inbox };
}
