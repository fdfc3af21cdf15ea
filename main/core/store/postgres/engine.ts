// The Postgres engine behind the store's interface: a pg.Pool; calls outside a transaction
// take any client of it, a transaction holds one client from BEGIN to COMMIT and every
// repository of `tx` speaks through that client.
import type pg from 'pg';
import { HeldRepositories } from '../held-repositories.js';
import type { Repositories, SnapshotOptions, Store, Transaction } from '../repositories.js';
import { AccountRepo } from './accounts.js';
import { BodyRepo } from './bodies.js';
import {
  CONNECT_TIMEOUT_MS,
  createPool,
  firstClient,
  openError,
  parseTarget,
  type Target,
} from './connect.js';
import { ContactRepo } from './contacts.js';
import { Db, withTransaction } from './db.js';
import { DraftRepo } from './drafts.js';
import { MailboxRepo } from './mailboxes.js';
import { MessageLists } from './message-lists.js';
import { MessageRepo } from './messages.js';
import { migrate } from './migrate.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { OperationRepo } from './operations.js';
import { OutboxRepo } from './outbox.js';
import { SearchRepo } from './search.js';
import { SettingsRepo } from './settings.js';
import { dumpDatabase } from './snapshot.js';

/** Every repository over one way to the database (the pool, or a transaction's client). */
function repositories(db: Db): Repositories {
  const lists = new MessageLists(db);
  return {
    accounts: new AccountRepo(db),
    mailboxes: new MailboxRepo(db),
    messages: new MessageRepo(db),
    bodies: new BodyRepo(db),
    threads: { messages: (id) => lists.thread(id) },
    contacts: new ContactRepo(db),
    search: new SearchRepo(db),
    outbox: new OutboxRepo(db),
    drafts: new DraftRepo(db),
    operations: new OperationRepo(db),
    settings: new SettingsRepo(db),
  };
}

export interface PostgresOptions {
  /** Defaults to every migration; tests pass a prefix to check one step at a time. */
  migrations?: readonly Migration[];
  /** How long the first connection may take before it is a TIMEOUT. */
  connectTimeoutMs?: number;
}

export class PostgresStore extends HeldRepositories implements Store {
  readonly engine = 'postgres' as const;
  readonly location: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: Target,
  ) {
    super(repositories(Db.overPool(pool)));
    this.location = target.location;
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) => fn(repositories(Db.inTransaction(client))));
  }

  async size(): Promise<number> {
    const bytes = await Db.overPool(this.pool).value<string>(
      'SELECT pg_database_size(current_database())::text',
    );
    return Number(bytes);
  }

  /** The whole database as one `pg_dump -Fc` file (pg_restore reads it back). */
  async snapshot(file: string, opts: SnapshotOptions = {}): Promise<void> {
    await dumpDatabase(this.target, file, Math.max(await this.size(), 1), opts);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.pool.query('SELECT 1 AS ok')).rows.length === 1;
    } catch {
      return false;
    }
  }

  /** Postgres looks after itself (autovacuum, checkpoints). */
  startUpkeep(): void {}

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Connects, then brings the schema up to date. Fails with error data that names what is
 * wrong: the URL, the server's address, the credentials, the database, or a schema newer
 * than this code.
 */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const target = parseTarget(url);
  const timeout = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const pool = createPool(target, timeout);
  try {
    (await firstClient(pool, timeout)).release();
    await migrate(pool, opts.migrations ?? allMigrations);
  } catch (e) {
    // Not awaited: a connection still pending ends with the pool's own timeout.
    pool.end().catch(() => undefined);
    throw openError(e, target);
  }
  return new PostgresStore(pool, target);
}
