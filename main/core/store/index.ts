// The local store: one SQLite database, one writer, repositories over it.
import { openDatabase, type Db } from './db.js';
import { Checkpointer, type CheckpointerOptions } from './checkpoint.js';
import { AccountStore } from './accounts.js';
import { BodyReindexQueue } from './body-reindex.js';
import { ContactStore } from './contacts.js';
import { MessageLists } from './message-lists.js';
import { MailboxStore } from './mailboxes.js';
import { MessageStore } from './messages.js';
import { OperationStore } from './operations.js';
import { SettingsStore } from './settings.js';

export class Store {
  readonly accounts: AccountStore;
  readonly mailboxes: MailboxStore;
  readonly messages: MessageStore;
  readonly operations: OperationStore;
  readonly contacts: ContactStore;
  readonly lists: MessageLists;
  readonly settings: SettingsStore;
  readonly bodyReindex: BodyReindexQueue;

  private constructor(readonly db: Db) {
    this.accounts = new AccountStore(db);
    this.mailboxes = new MailboxStore(db);
    this.messages = new MessageStore(db);
    this.operations = new OperationStore(db);
    this.contacts = new ContactStore(db);
    this.lists = new MessageLists(db);
    this.settings = new SettingsStore(db);
    this.bodyReindex = new BodyReindexQueue(db);
  }

  /** The folder is made (or tightened) private by openDatabase. */
  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Runs fn in one transaction: all of it is committed, or none of it. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private checkpointer: Checkpointer | null = null;

  /**
   * Moves WAL checkpoints to a background thread, so no commit of this process waits on one
   * (for the long-running app and server; a short command keeps SQLite's own).
   */
  checkpointInBackground(opts: CheckpointerOptions = {}): Checkpointer {
    this.checkpointer ??= new Checkpointer(this.db, opts);
    return this.checkpointer;
  }

  close(): void {
    this.checkpointer?.stop();
    this.checkpointer = null;
    if (this.db.open) this.db.close();
  }
}
