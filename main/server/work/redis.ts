// Redis for the work of many instances: our own client (ioredis 6) for leases, heartbeats and
// pub/sub, and plain connection options for BullMQ, which brings its own ioredis.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import type { AccountRef } from './types.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
}

const redisUrl = z
  .string()
  .url()
  .refine(
    (u) => URL.canParse(u) && /^rediss?:$/.test(new URL(u).protocol),
    'must start with redis:// or rediss://',
  );

/** Parses redis://[user:password@]host[:port][/db]; the password never appears in an error. */
export function redisTarget(url: string): RedisTarget {
  const parsed = redisUrl.safeParse(url);
  if (!parsed.success) {
    throw new MaildockError('INVALID_INPUT', 'The Redis URL must look like redis://host:port/0.', {
      path: 'redis',
    });
  }
  const u = new URL(parsed.data);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new MaildockError('INVALID_INPUT', 'The Redis database must be a whole number.', {
      path: 'redis',
    });
  }
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A client of our own. Commands fail at once while Redis is away instead of queueing without
 * end: a lease that cannot be renewed must be noticed, not waited on.
 */
export function redisClient(
  target: RedisTarget,
  name: string,
  extra: { commandTimeout?: number } = {},
): Redis {
  return new Redis({
    ...target,
    ...extra,
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Resolves once the client is connected (a client made with enableOfflineQueue off needs it). */
export async function connected(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new MaildockError('HOST_UNREACHABLE', 'Redis did not answer.', { service: 'redis' }));
    }, timeoutMs);
    const ready = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', ready);
    };
    client.on('ready', ready);
  });
}

/** An account's keys name its owner too: an account id means nothing without them. */
const scoped = (ref: AccountRef) => `${ref.owner.tenantId}:${ref.owner.userId}:${ref.accountId}`;

export const KEYS = {
  lease: (ref: AccountRef) => `maildock:lease:${scoped(ref)}`,
  leasePattern: 'maildock:lease:*',
  instance: (id: string) => `maildock:instance:${id}`,
  instancePattern: 'maildock:instance:*',
  /** Published when an account is added or removed: instances run a round at once. */
  accountsChanged: 'maildock:accounts-changed',
  /**
   * Published to the lease holder of an account: sync it (or replay its changes) now; with
   * the message "restart", its settings changed: watch it anew (leases.ts).
   */
  kick: (ref: AccountRef) => `maildock:kick:${scoped(ref)}`,
} as const;

/** Every key matching a pattern, by SCAN (never KEYS, which blocks Redis). */
export async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}
