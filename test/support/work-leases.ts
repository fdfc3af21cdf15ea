// What the lease tests share: a directory of accounts the test changes, and a lease holder
// that keeps what each instance was asked to watch, with the lease's value in Redis at the
// moment it was asked (so a test can tell that the watcher stopped before the release).
import type { Redis } from 'ioredis';
import { LeaseManager, type LeaseHolder } from '../../main/server/work/leases.js';
import { KEYS, redisTarget } from '../../main/server/work/redis.js';
import type { AccountDirectory, AccountRef } from '../../main/server/work/types.js';

export const owner = { tenantId: 1, userId: 1 };

export class TestDirectory implements AccountDirectory {
  refs: AccountRef[];
  constructor(ids: number[]) {
    this.refs = ids.map((accountId) => ({ accountId, owner }));
  }
  async all(): Promise<AccountRef[]> {
    return [...this.refs];
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
