// The Postgres engine behind the store's interface: a pg.Pool; calls outside a transaction
// take any client of it, a transaction holds one client from BEGIN to COMMIT and every
// repository of `tx` speaks through that client.
import type pg from 'pg';
import { HeldRepositories } from '../held-repositories.js';
import type { Repositories, SnapshotOptions, Store, Transaction } from '../repositories.js';
import { AccountRepo } from './accounts.js';
import { BodyRepo } from './bodies.js';
import { appRoleName, ensureAppRole } from './app-role.js';
import {
  CONNECT_TIMEOUT_MS,
  createPool,
  firstClient,
  openError,
  parseTarget,
  type PoolOptions,
  type Target,
} from './connect.js';
import { ContactRepo } from './contacts.js';
import { Db, readingTogether, withTransaction, type Scope } from './db.js';
import { DraftRepo } from './drafts.js';
import { ImportKeyRepo } from './import-keys.js';
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
    imports: new ImportKeyRepo(db),
  };
}

export interface PostgresOptions {
  /** Defaults to every migration; tests pass a prefix to check one step at a time. */
  migrations?: readonly Migration[];
  /** How long the first connection may take before it is a TIMEOUT. */
  connectTimeoutMs?: number;
}

/** The one person of a store opened without the server of many people (migration 0003). */
export const LOCAL_SCOPE: Scope = { tenantId: 1, userId: 1 };

export class PostgresStore extends HeldRepositories implements Store {
  readonly engine = 'postgres' as const;
  readonly location: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: Target,
    /** Set when the pool serves many people: each transaction says whose rows it works on. */
    private readonly scope?: Scope,
    /** A store of one person over a shared pool leaves it open when it closes. */
    private readonly ownsPool = true,
  ) {
    super(repositories(Db.overPool(pool, scope)));
    this.location = target.location;
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return withTransaction(
      this.pool,
      (client) => fn(repositories(Db.inTransaction(client))),
      this.scope,
    );
  }

  reading<T>(fn: () => Promise<T>): Promise<T> {
    return readingTogether(this.pool, this.scope, fn);
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
    if (this.ownsPool) await this.pool.end();
  }
}

/** A pool whose first connection answered in time, or the error that names why not. */
export async function connectedPool(
  target: Target,
  timeoutMs: number,
  opts: PoolOptions = {},
): Promise<pg.Pool> {
  const pool = createPool(target, timeoutMs, opts);
  try {
    (await firstClient(pool, timeoutMs)).release();
    return pool;
  } catch (e) {
    // Not awaited: a connection still pending ends with the pool's own timeout.
    pool.end().catch(() => undefined);
    throw openError(e, target);
  }
}

/**
 * As the URL's user (the owner): brings the schema up to date and sets up the application's
 * role. Fails with error data that names what is wrong: the URL, the server's address, the
 * credentials, the database, or a schema newer than this code.
 */
export async function prepareDatabase(
  target: Target,
  opts: PostgresOptions & { appPassword?: string } = {},
): Promise<void> {
  const owner = await connectedPool(target, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  try {
    const list = opts.migrations ?? allMigrations;
    await migrate(owner, list);
    // Before migration 0003 there are no policies to act under (only its tests stop there).
    if (list.some((m) => m.version >= 3)) {
      await withTransaction(owner, (client) =>
        ensureAppRole(client, { name: appRoleName(target.database), password: opts.appPassword }),
      );
    }
  } catch (e) {
    throw openError(e, target);
  } finally {
    await owner.end().catch(() => undefined);
  }
}

/**
 * The store of one person (the desktop's `--database`, a one-person `serve`): the schema
 * brought up to date, then connections that act as the application's role for the local
 * person, so the row policies hold for them too.
 */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const target = parseTarget(url);
  await prepareDatabase(target, opts);
  const timeout = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const scoped = (opts.migrations ?? allMigrations).some((m) => m.version >= 3);
  const pool = await connectedPool(
    target,
    timeout,
    scoped ? { role: appRoleName(target.database), scope: LOCAL_SCOPE } : {},
  );
  return new PostgresStore(pool, target);
}
