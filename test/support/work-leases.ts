// What the lease tests share: a directory of accounts the test changes, and a lease holder
// that keeps what each instance was asked to watch, with the lease's value in Redis at the
// moment it was asked (so a test can tell that the watcher stopped before the release).
import net from 'node:net';
import type { Redis } from 'ioredis';
import { LeaseManager, type LeaseHolder } from '../../main/server/work/leases.js';
import { KEYS, redisTarget } from '../../main/server/work/redis.js';
import type { AccountDirectory, AccountRef, Owner } from '../../main/server/work/types.js';

export const owner = { tenantId: 1, userId: 1 };

export class TestDirectory implements AccountDirectory {
  refs: AccountRef[];
  constructor(ids: number[]) {
    this.refs = ids.map((accountId) => ({ accountId, owner }));
  }
  async all(): Promise<AccountRef[]> {
    return [...this.refs];
  }
  async ofOwner(of: Owner): Promise<number[]> {
    return this.refs
      .filter((r) => r.owner.tenantId === of.tenantId && r.owner.userId === of.userId)
      .map((r) => r.accountId);
  }
}

export interface HolderLog {
  watching: Set<number>;
  takes: { accountId: number; at: number }[];
  drops: { accountId: number; at: number; keyAtDrop: string | null }[];
  kicks: number[];
}

/** Records the holder's calls; `failTake` makes taking these accounts fail. */
export function recordingHolder(redis: Redis, failTake: Set<number> = new Set()) {
  const log: HolderLog = { watching: new Set(), takes: [], drops: [], kicks: [] };
  const holder: LeaseHolder = {
    take: async (ref) => {
      if (failTake.has(ref.accountId)) throw new Error('no such account here');
      if (log.watching.has(ref.accountId)) throw new Error(`watched twice: ${ref.accountId}`);
      log.watching.add(ref.accountId);
      log.takes.push({ accountId: ref.accountId, at: Date.now() });
    },
    drop: async (ref) => {
      log.watching.delete(ref.accountId);
      // While Redis is away a plain client would queue the GET until it comes back.
      const keyAtDrop =
        redis.status === 'ready' ? await redis.get(KEYS.lease(ref)).catch(() => null) : null;
      log.drops.push({ accountId: ref.accountId, at: Date.now(), keyAtDrop });
    },
    kick: (ref) => {
      log.kicks.push(ref.accountId);
    },
  };
  return { holder, log };
}

export function manager(
  url: string,
  id: string,
  directory: AccountDirectory,
  holder: LeaseHolder,
  opts: { capacity?: number; ttlMs?: number; roundMs?: number } = {},
): LeaseManager {
  return new LeaseManager({
    redis: redisTarget(url),
    instanceId: id,
    directory,
    holder,
    capacity: opts.capacity ?? 100,
    ttlMs: opts.ttlMs ?? 3_000,
    roundMs: opts.roundMs ?? 300,
  });
}

/**
 * A loopback TCP forwarder to Redis that can be cut (every connection closed, new ones
 * refused) and opened again on the same port: Redis unreachable, then back, as the instance
 * sees it, without touching the Redis other tests use.
 */
export async function cuttableForwarder(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        sockets.delete(client);
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    const current = server;
    await new Promise<void>((resolve) => current.listen(port, '127.0.0.1', resolve));
    port = (current.address() as net.AddressInfo).port;
  };
  await listen();
  const cut = async () => {
    const current = server;
    server = null;
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (current) await new Promise((resolve) => current.close(resolve));
  };
  return {
    get url() {
      return `redis://127.0.0.1:${port}/0`;
    },
    cut,
    reopen: listen,
  };
}
