// Opening a Postgres store from a URL, and saying clearly what went wrong when it cannot:
// a URL that is not one, a server out of reach, credentials refused, a database missing.
import pg from 'pg';
import { MaildockError } from '../../../../common/errors.js';
import { types, type Scope } from './db.js';
import { UNREACHABLE_CODES } from '../../net/socket-codes.js';

export interface Target {
  url: string;
  /** The URL without its password: what people (and logs) see. */
  location: string;
  host: string;
  port: number;
  user: string;
  database: string;
}

export const CONNECT_TIMEOUT_MS = 10_000;

/** How the store's own connections name themselves: a restore tells by it that one is in use. */
export const STORE_APPLICATION = 'maildock';

/** A first connection that did not complete in time (pg's own timeout has no code). */
class ConnectTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The URL's password (and anything after ?) left out. */
function redact(url: URL): string {
  const shown = new URL(url.href);
  shown.password = '';
  shown.search = '';
  return shown.href;
}

export function parseTarget(raw: string): Target {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new MaildockError(
      'INVALID_INPUT',
      'The database is not a postgres:// URL (postgres://user@host:port/database).',
      { database: url ? redact(url) : null },
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    url: url.href,
    location: redact(url),
    host: url.hostname || 'localhost',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || process.env.PGUSER || process.env.USER || '',
    database: database || decodeURIComponent(url.username),
  };
}

/** The same database, signed in to as another role. */
export function targetAs(target: Target, user: string, password: string): Target {
  const url = new URL(target.url);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return { ...target, url: url.href, location: redact(url), user };
}

export interface PoolOptions {
  /** Every connection acts as this role (SET ROLE at connect). */
  role?: string;
  /** Every connection works for this one person (the settings of migration 0003). */
  scope?: Scope;
}

/**
 * Startup options of every store connection: `-c name=value`, with the spaces and backslashes
 * libpq would split on escaped.
 *
 * random_page_cost 1.1 (against 4, a spinning disk's): a mail store's hot pages are in memory
 * or on flash, where reading the heap in index order costs about what a bitmap scan does. At
 * 4 the planner reads a whole folder and sorts it rather than walk its index to the page's
 * 50 rows whenever it expects the folder to be small, which under the policies it always
 * does (migration 0005).
 */
export function startupOptions(opts: PoolOptions): string {
  const settings: string[] = ['random_page_cost=1.1'];
  if (opts.role) settings.push(`role=${opts.role}`);
  if (opts.scope) {
    settings.push(`maildock.tenant_id=${opts.scope.tenantId}`);
    settings.push(`maildock.user_id=${opts.scope.userId}`);
  }
  return settings.map((s) => `-c ${s.replace(/[\\ ]/g, (c) => `\\${c}`)}`).join(' ');
}

export function createPool(target: Target, timeoutMs: number, opts: PoolOptions = {}): pg.Pool {
  const options = startupOptions(opts);
  const pool = new pg.Pool({
    connectionString: target.url,
    options,
    // A little after firstClient's own timer, which is the one that names a timeout.
    connectionTimeoutMillis: timeoutMs + 1_000,
    application_name: STORE_APPLICATION,
    // Idle clients stay: a running Maildock is then always seen connected by a restore.
    idleTimeoutMillis: 0,
    // A statement is sent without waiting for the answer to the one before it (db.ts sends a
    // transaction's BEGIN, statement and COMMIT together); answers still come in order.
    pipeline: true,
    types,
  });
  // An idle client whose server went away: the next query reports it, the process lives on.
  pool.on('error', () => undefined);
  // pg-pool listens to a client's errors only while it is idle: one checked out (a
  // transaction between its statements) whose server goes away would end the process with
  // an unheard 'error'. Its next statement reports the loss (db.ts lostConnection).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** A first client of the pool, or a ConnectTimeout after `ms`. */
export function firstClient(pool: pg.Pool, ms: number): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new ConnectTimeout(ms));
    }, ms);
    pool.connect().then(
      (client) => {
        clearTimeout(timer);
        if (late) client.release(true);
        else resolve(client);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!late) reject(e);
      },
    );
  });
}

/** What a failed first connection means, as error data that names which. */
export function openError(e: unknown, target: Target): MaildockError {
  if (e instanceof MaildockError) return e;
  const err = e as { code?: string; message?: string };
  const where = `${target.host}:${target.port}`;
  const fields = {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
  };
  const cause = { cause: e };
  if (err.code === '28P01' || err.code === '28000') {
    return new MaildockError(
      'AUTH_FAILED',
      `The Postgres server at ${where} refused the credentials of ${target.user}.`,
      fields,
      cause,
    );
  }
  if (err.code === '3D000') {
    return new MaildockError(
      'NOT_FOUND',
      `The Postgres server at ${where} has no database ${target.database}.`,
      fields,
      cause,
    );
  }
  if (err.code && UNREACHABLE_CODES.has(err.code)) {
    return new MaildockError(
      'HOST_UNREACHABLE',
      `No Postgres server could be reached at ${where} (${err.code}).`,
      fields,
      cause,
    );
  }
  if (e instanceof ConnectTimeout || err.code === 'ETIMEDOUT') {
    const seconds = e instanceof ConnectTimeout ? e.ms / 1000 : CONNECT_TIMEOUT_MS / 1000;
    return new MaildockError(
      'TIMEOUT',
      `The Postgres server at ${where} did not answer within ${seconds} s.`,
      fields,
      cause,
    );
  }
  return new MaildockError(
    'STORE_FAILED',
    `The Postgres database at ${where} could not be opened: ${err.message ?? String(e)}`,
    fields,
    cause,
  );
}
