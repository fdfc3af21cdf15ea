// The local store: one SQLite database, one writer, repositories over it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type Db } from './db.js';
import { AccountStore } from './accounts.js';
import { MailboxStore } from './mailboxes.js';
import { MessageStore } from './messages.js';
import { OperationStore } from './operations.js';

export class Store {
  readonly accounts: AccountStore;
  readonly mailboxes: MailboxStore;
  readonly messages: MessageStore;
  readonly operations: OperationStore;

  private constructor(readonly db: Db) {
    this.accounts = new AccountStore(db);
    this.mailboxes = new MailboxStore(db);
    this.messages = new MessageStore(db);
    this.operations = new OperationStore(db);
  }

  static open(file: string): Store {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new Store(openDatabase(file));
  }

  /** Runs fn in one transaction: all of it is committed, or none of it. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
