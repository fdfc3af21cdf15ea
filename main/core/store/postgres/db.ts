// One way to the database for every repository: the pool outside a transaction, the
// transaction's own client inside one. Values always travel as parameters ($1, $2 …).
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
    'STORE_FAILED',
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
    if (this.scope && !this.inTransaction)
      return scopedStatement(this.target as pg.Pool, config, this.scope);
    try {
      return await this.target.query(config);
    } catch (e) {
      throw lostConnection(e);
    }
  }

  async rows<T>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    const result = await this.query({ text: sql, values: params as unknown[] });
    return result.rows as T[];
  }

  async one<T>(sql: string, params: readonly Param[] = []): Promise<T | null> {
    return ((await this.rows<T>(sql, params))[0] as T | undefined) ?? null;
  }

  /** The first column of the first row, or null. */
  async value<T>(sql: string, params: readonly Param[] = []): Promise<T | null> {
    const result = await this.query({
      text: sql,
      values: params as unknown[],
      rowMode: 'array',
    });
    const row = result.rows[0] as unknown[] | undefined;
    return row ? ((row[0] ?? null) as T | null) : null;
  }

  /** The first column of every row. */
  async column<T>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    const result = await this.query({
      text: sql,
      values: params as unknown[],
      rowMode: 'array',
    });
    return (result.rows as unknown[][]).map((r) => r[0] as T);
  }

  /** Runs a statement; returns how many rows it changed. */
  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return (await this.query({ text: sql, values: params as unknown[] })).rowCount ?? 0;
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

/** The client's socket (node-postgres keeps it as `connection.stream`), when it has one. */
function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } | null {
  const stream = (client as { connection?: { stream?: unknown } }).connection?.stream as
    { cork?: unknown; uncork?: unknown } | undefined;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as { cork(): void; uncork(): void })
    : null;
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
  // Corked, the three go out in one write: a write to a socket is a system call that also
  // wakes the server, and was the largest cost of a request on the Node side.
  const stream = socketOf(client);
  stream?.cork();
  const steps = [client.query(begin(scope)), client.query(config), client.query('COMMIT')] as const;
  stream?.uncork();
  const [began, result, committed] = await Promise.allSettled(steps);
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

/** Postgres text cannot hold NUL, which broken mail does: it is dropped. */
export const text = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s);
export const textOrNull = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : text(s);
