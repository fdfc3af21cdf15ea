// One way to the database for every repository: the pool outside a transaction, the
// transaction's own client inside one. Values always travel as parameters ($1, $2 …).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { MaildockError } from '../../../../common/errors.js';

type Param = string | number | boolean | Buffer | null | readonly unknown[];

const INT8 = 20;

/**
 * bigint columns (ids, dates in ms, counts) come back as numbers: every value the store
 * keeps there (message ids are date × 1024, below 2^53) is a safe integer.
 */
export const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

// SQLSTATE classes and socket codes that mean the server is gone, not that a statement failed.
const LOST = /^(08|57P0)/;
const SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** A database that stopped answering is error data; a failed statement stays as it is. */
export function lostConnection(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !(LOST.test(code) || SOCKET.has(code))) return e;
  return new MaildockError(
    'STORE_UNAVAILABLE',
    `The Postgres database stopped answering (${code}).`,
    { sqlstate: code },
    { cause: e },
  );
}

/**
 * Whose rows a connection works on (migration 0003's policies read it). A pool whose
 * connections all serve one person says so once, at connect (connect.ts); a pool shared by
 * many people says it in every transaction.
 */
export interface Scope {
  tenantId: number;
  userId: number;
}

const checkedId = (n: number): number => {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not an id: ${n}`);
  return n;
};

/** BEGIN with the scope's settings, in one round trip (ids are checked integers). */
const begin = (scope: Scope | undefined): string =>
  scope
    ? `BEGIN; SET LOCAL maildock.tenant_id = '${checkedId(scope.tenantId)}'; ` +
      `SET LOCAL maildock.user_id = '${checkedId(scope.userId)}'`
    : 'BEGIN';

/**
 * A statement of fixed text run on every request (a page, a count, the session): kept prepared
 * on each connection under a name of its own, so that Postgres parses it once and, after a
 * few runs, plans it once too (plan_cache_mode auto). Parsing and planning were half of what
 * Postgres spent on a page of a folder. Only for texts that never change with the input: a
 * connection keeps every one it was given.
 */
export interface Prepared {
  readonly text: string;
  readonly name: string;
}

const preparedByText = new Map<string, Prepared>();

export function prepared(text: string): Prepared {
  let statement = preparedByText.get(text);
  if (!statement) {
    const name = `maildock_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
    statement = { text, name };
    preparedByText.set(text, statement);
  }
  return statement;
}

type Sql = string | Prepared;

const configOf = (sql: Sql, params: readonly Param[]): pg.QueryConfig =>
  typeof sql === 'string'
    ? { text: sql, values: params as unknown[] }
    : { text: sql.text, name: sql.name, values: params as unknown[] };

export class Db {
  private constructor(
    private readonly target: pg.Pool | pg.PoolClient,
    /** The client is in a transaction: atomic work joins it. */
    private readonly inTransaction: boolean,
    /** Outside a transaction, every statement runs in one of its own under this scope. */
    private readonly scope?: Scope,
  ) {}

  static overPool(pool: pg.Pool, scope?: Scope): Db {
    return new Db(pool, false, scope);
  }

  static inTransaction(client: pg.PoolClient): Db {
    return new Db(client, true);
  }

  private async query(config: pg.QueryConfig | pg.QueryArrayConfig): Promise<pg.QueryResult> {
    if (this.scope && !this.inTransaction) {
      const shared = sharedTransaction.getStore();
      if (shared?.joins(this.target as pg.Pool, this.scope)) return shared.query(config);
      return scopedStatement(this.target as pg.Pool, config, this.scope);
    }
    try {
      return await this.target.query(config);
    } catch (e) {
      throw lostConnection(e);
    }
  }

  async rows<T>(sql: Sql, params: readonly Param[] = []): Promise<T[]> {
    const result = await this.query(configOf(sql, params));
    return result.rows as T[];
  }

  async one<T>(sql: Sql, params: readonly Param[] = []): Promise<T | null> {
    return ((await this.rows<T>(sql, params))[0] as T | undefined) ?? null;
  }

  /** The first column of the first row, or null. */
  async value<T>(sql: Sql, params: readonly Param[] = []): Promise<T | null> {
    const result = await this.query({ ...configOf(sql, params), rowMode: 'array' });
    const row = result.rows[0] as unknown[] | undefined;
    return row ? ((row[0] ?? null) as T | null) : null;
  }

  /** The first column of every row. */
  async column<T>(sql: Sql, params: readonly Param[] = []): Promise<T[]> {
    const result = await this.query({ ...configOf(sql, params), rowMode: 'array' });
    return (result.rows as unknown[][]).map((r) => r[0] as T);
  }

  /** Runs a statement; returns how many rows it changed. */
  async run(sql: Sql, params: readonly Param[] = []): Promise<number> {
    return (await this.query(configOf(sql, params))).rowCount ?? 0;
  }

  /**
   * Runs several statements as one unit: inside a transaction they are part of it; outside,
   * in a transaction of their own on a client of the pool.
   */
  async atomic<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return withTransaction(
      this.target as pg.Pool,
      (client) => fn(Db.inTransaction(client)),
      this.scope,
    );
  }
}

/**
 * One statement in a transaction of its own under the scope: BEGIN with the settings, the
 * statement and COMMIT go out together on the pipelined connection and come back in one
 * round trip. A statement that fails aborts the transaction, and the COMMIT then ends it as
 * a ROLLBACK.
 */
async function scopedStatement(
  pool: pg.Pool,
  config: pg.QueryConfig | pg.QueryArrayConfig,
  scope: Scope,
): Promise<pg.QueryResult> {
  const client = await pool.connect().catch((e: unknown) => {
    throw lostConnection(e);
  });
  const [began, result, committed] = await Promise.allSettled([
    client.query(begin(scope)),
    client.query(config),
    client.query('COMMIT'),
  ]);
  // A connection that failed any of the three is not given to anyone else.
  client.release(began.status === 'rejected' || committed.status === 'rejected');
  for (const step of [began, result, committed]) {
    if (step.status === 'rejected') throw lostConnection(step.reason);
  }
  return (result as PromiseFulfilledResult<pg.QueryResult>).value;
}

/**
 * BEGIN (under the scope, when given), fn, COMMIT; ROLLBACK when fn throws. The client goes
 * back to the pool either way. Under a scope, fn's first statement follows BEGIN on the
 * pipelined connection, in the same round trip.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  scope?: Scope,
): Promise<T> {
  // Inside a reading call, on its connection: a second client of the pool could wait for the
  // one the call holds.
  const shared = sharedTransaction.getStore();
  if (shared?.joins(pool, scope)) return shared.nested(fn);
  const client = await pool.connect().catch((e: unknown) => {
    throw lostConnection(e);
  });
  let broken = false;
  try {
    const began = client.query(begin(scope));
    // Its failure is reported below, after fn's own (which it would have caused). Only a
    // scoped BEGIN is not waited for: should it fail, fn's statements run with no person's
    // settings, and row-level security lets them neither read nor write a row.
    began.catch(() => undefined);
    if (!scope) await began;
    try {
      const result = await fn(client);
      await began;
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        // A client that cannot roll back is not given to anyone else.
        broken = true;
      });
      throw e;
    }
  } catch (e) {
    throw lostConnection(e);
  } finally {
    client.release(broken);
  }
}

/**
 * The statements of one call that only reads (Store.reading), for one person: on one
 * connection of the pool, in one transaction whose BEGIN goes out with the first of them,
 * instead of a BEGIN and a COMMIT around each. Work the call starts in the background and
 * that outlives it takes its own transactions again.
 */
class SharedTransaction {
  private connection: Promise<{ client: pg.PoolClient; began: Promise<unknown> }> | null = null;
  private ended = false;
  private broken = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly scope: Scope,
  ) {}

  joins(pool: pg.Pool, scope: Scope | undefined): boolean {
    return (
      !this.ended &&
      pool === this.pool &&
      scope !== undefined &&
      scope.tenantId === this.scope.tenantId &&
      scope.userId === this.scope.userId
    );
  }

  private open() {
    return (this.connection ??= (async () => {
      const client = await this.pool.connect().catch((e: unknown) => {
        throw lostConnection(e);
      });
      const began = client.query(begin(this.scope));
      began.catch(() => {
        this.broken = true;
      });
      return { client, began };
    })());
  }

  async query(config: pg.QueryConfig | pg.QueryArrayConfig): Promise<pg.QueryResult> {
    const { client, began } = await this.open();
    try {
      const result = await client.query(config);
      // Answered before the statement: a BEGIN that failed fails the statement too, which
      // ran with no person's settings and so saw nothing.
      await began;
      return result;
    } catch (e) {
      throw lostConnection(e);
    }
  }

  /** A transaction inside the call's: a savepoint, undone alone when fn throws. */
  async nested<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const { client, began } = await this.open();
    try {
      await began;
      await client.query('SAVEPOINT nested');
    } catch (e) {
      throw lostConnection(e);
    }
    try {
      const result = await fn(client);
      await client.query('RELEASE SAVEPOINT nested');
      return result;
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT nested').catch(() => {
        this.broken = true;
      });
      throw lostConnection(e);
    }
  }

  async end(ok: boolean): Promise<void> {
    this.ended = true;
    if (!this.connection) return;
    const opened = await this.connection.catch(() => null);
    if (!opened) return;
    try {
      await opened.client.query(ok && !this.broken ? 'COMMIT' : 'ROLLBACK');
    } catch {
      this.broken = true;
    } finally {
      opened.client.release(this.broken);
    }
  }
}

const sharedTransaction = new AsyncLocalStorage<SharedTransaction>();

/**
 * Runs fn with every statement of `scope` on `pool` in one transaction (see SharedTransaction);
 * without a scope, or inside another such call, fn runs as it is.
 */
export async function readingTogether<T>(
  pool: pg.Pool,
  scope: Scope | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!scope || sharedTransaction.getStore()) return fn();
  const shared = new SharedTransaction(pool, scope);
  let ok = false;
  try {
    const result = await sharedTransaction.run(shared, fn);
    ok = true;
    return result;
  } finally {
    await shared.end(ok);
  }
}

/** Postgres text cannot hold NUL, which broken mail does: it is dropped. */
export const text = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s);
export const textOrNull = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : text(s);
