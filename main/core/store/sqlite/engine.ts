// The embedded engine behind the store's interface: one better-sqlite3 connection, one
// writer. The repositories below it are synchronous (a batch is one prepared statement run
// many times, which is what keeps SQLite fast); here each call becomes a promise, and a
// transaction holds the connection until its function is done.
import { stat } from 'node:fs/promises';
import { MaildockError } from '../../../../common/errors.js';
import { createPrivateFile } from '../../platform/paths.js';
import { HeldRepositories } from '../held-repositories.js';
import type { Repositories, SnapshotOptions, Store, Transaction } from '../repositories.js';
import { AccountStore } from './accounts.js';
import { BodyReindexQueue } from './body-reindex.js';
import { Checkpointer, type CheckpointerOptions } from './checkpoint.js';
import { ContactStore } from './contacts.js';
import { openDatabase, type Db } from './db.js';
import { DraftStore } from './drafts.js';
import { ImportKeyStore } from './import-keys.js';
import { MailboxStore } from './mailboxes.js';
import { MessageLists } from './message-lists.js';
import { MessageStore } from './messages.js';
import { OperationStore } from './operations.js';
import { OutboxStore } from './outbox.js';
import { RawBodies } from './raw-bodies.js';
import { SearchIndex } from './search.js';
import { SettingsStore } from './settings.js';

/** The async face of a synchronous repository: the same methods, each returning a promise. */
type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

type Call = <R>(fn: () => R) => Promise<R>;

function asyncFace<T extends object>(target: T, call: Call): Async<T> {
  const face: Record<string, unknown> = {};
  for (let p = Object.getPrototypeOf(target); p && p !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const method = (target as Record<string, unknown>)[name];
      if (name === 'constructor' || name in face || typeof method !== 'function') continue;
      face[name] = (...args: unknown[]) =>
        call(() => (method as (...a: unknown[]) => unknown).apply(target, args));
    }
    p = Object.getPrototypeOf(p);
  }
  return face as Async<T>;
}

/** Runs a call at once (a rejected promise for a throw). */
const direct: Call = (fn) => {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
};

const noop = () => undefined;

const cancelledSnapshot = () =>
  new MaildockError('CANCELLED', 'The backup was cancelled; nothing was written.');

/**
 * Transactions take the connection in turn; a call made outside one while one is open
 * waits for it, so it is neither part of it nor lost by its rollback.
 */
class Writer {
  private tail: Promise<unknown> = Promise.resolve();
  private open = 0;

  readonly call: Call = (fn) => (this.open === 0 ? direct(fn) : this.enqueue(fn));

  exclusive<R>(fn: () => Promise<R>): Promise<R> {
    this.open++;
    return this.enqueue(fn).finally(() => this.open--);
  }

  private enqueue<R>(fn: () => R | Promise<R>): Promise<R> {
    const result = this.tail.then(fn);
    this.tail = result.then(noop, noop);
    return result;
  }
}

class SyncRepositories {
  readonly accounts: AccountStore;
  readonly mailboxes: MailboxStore;
  readonly messages: MessageStore;
  readonly lists: MessageLists;
  readonly reindex: BodyReindexQueue;
  readonly raws: RawBodies;
  readonly contacts: ContactStore;
  readonly search: SearchIndex;
  readonly outbox: OutboxStore;
  readonly drafts: DraftStore;
  readonly operations: OperationStore;
  readonly settings: SettingsStore;
  readonly imports: ImportKeyStore;

  constructor(db: Db) {
    this.accounts = new AccountStore(db);
    this.mailboxes = new MailboxStore(db);
    this.messages = new MessageStore(db);
    this.lists = new MessageLists(db);
    this.reindex = new BodyReindexQueue(db);
    this.raws = new RawBodies(db);
    this.contacts = new ContactStore(db);
    this.search = new SearchIndex(db);
    this.outbox = new OutboxStore(db);
    this.drafts = new DraftStore(db);
    this.operations = new OperationStore(db);
    this.settings = new SettingsStore(db);
    this.imports = new ImportKeyStore(db);
  }

  /** The interface's repositories over these, each call made through `call`. */
  face(call: Call): Repositories {
    const messages = asyncFace(this.messages, call);
    const lists = asyncFace(this.lists, call);
    const reindex = asyncFace(this.reindex, call);
    const raws = asyncFace(this.raws, call);
    return {
      accounts: asyncFace(this.accounts, call),
      mailboxes: asyncFace(this.mailboxes, call),
      messages: { ...messages, page: lists.page },
      bodies: {
        save: messages.saveBody,
        pending: messages.pendingBodies,
        pendingCount: messages.pendingCount,
        pendingOne: messages.pendingBody,
        raw: raws.raw,
        setRaw: raws.setRaw,
        attachment: messages.attachment,
        setAttachmentHash: messages.setAttachmentHash,
        reindexPending: reindex.pending,
        reindexNext: reindex.next,
        reindex: reindex.reindex,
      },
      threads: { messages: lists.thread },
      contacts: asyncFace(this.contacts, call),
      search: asyncFace(this.search, call),
      outbox: asyncFace(this.outbox, call),
      drafts: asyncFace(this.drafts, call),
      operations: asyncFace(this.operations, call),
      settings: asyncFace(this.settings, call),
      imports: asyncFace(this.imports, call),
    };
  }
}

export class SqliteStore extends HeldRepositories implements Store {
  readonly engine = 'sqlite' as const;
  private readonly writer: Writer;
  private readonly inside: Transaction;
  private checkpointer: Checkpointer | null = null;

  private constructor(
    private readonly db: Db,
    private readonly upkeep: CheckpointerOptions,
  ) {
    const writer = new Writer();
    const repositories = new SyncRepositories(db);
    super(repositories.face(writer.call));
    this.writer = writer;
    this.inside = repositories.face(direct);
  }

  /** The folder is made (or tightened) private by openDatabase. */
  static open(file: string, upkeep: CheckpointerOptions = {}): SqliteStore {
    return new SqliteStore(openDatabase(file), upkeep);
  }

  get location(): string {
    return this.db.name;
  }

  /** One connection already, whose statements run one at a time: nothing to gain. */
  reading<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.writer.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.inside);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  ping(): Promise<boolean> {
    return this.writer.call(() => this.db.prepare('SELECT 1 AS ok').get() !== undefined);
  }

  /**
   * Moves WAL checkpoints to a background thread, so no commit of this process waits on one
   * (for the long-running app and server; a short command keeps SQLite's own).
   */
  startUpkeep(): void {
    this.checkpointer ??= new Checkpointer(this.db, this.upkeep);
  }

  async size(): Promise<number> {
    return (await stat(this.db.name)).size;
  }

  /**
   * A consistent copy of the store in `file`, page by page while this process goes on
   * writing.
   */
  async snapshot(file: string, opts: SnapshotOptions = {}): Promise<void> {
    createPrivateFile(file); // SQLite would make it 0644: all the mail, in clear
    await this.db.backup(file, {
      progress: ({ totalPages, remainingPages }) => {
        // A throw ends the backup (better-sqlite3 closes it); returning 0 pages would not,
        // it would ask for empty steps forever.
        if (opts.signal?.aborted) throw cancelledSnapshot();
        opts.onProgress?.(totalPages - remainingPages, Math.max(totalPages, 1));
        return 1024;
      },
    });
  }

  async close(): Promise<void> {
    // Whatever is under way finishes first.
    await this.writer.exclusive(async () => undefined);
    this.checkpointer?.stop();
    this.checkpointer = null;
    if (this.db.open) this.db.close();
  }
}
