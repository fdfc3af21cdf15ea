// Each instance says it is alive with a heartbeat key that expires: what it holds and how
// busy it is. The live instances decide each one's share of the accounts, and
// `maildock admin status` reads them.
import os from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { PROCESS_OWNER } from '../../core/platform/process-owner.js';
import { KEYS, scanKeys } from './redis.js';

export const instanceSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  capacity: z.number().int().positive(),
  accounts: z.array(
    z.object({
      tenantId: z.number().int(),
      userId: z.number().int(),
      accountId: z.number().int(),
    }),
  ),
  /** Jobs running on this instance now. */
  activeJobs: z.number().int().nonnegative(),
  /** One-minute load average of the machine. */
  load: z.number(),
  /** Whose claims on the outbox are this instance's (PROCESS_OWNER); older versions wrote none. */
  sender: z.string().optional(),
});
export type InstanceStatus = z.infer<typeof instanceSchema>;

export async function writeHeartbeat(
  redis: Redis,
  status: Omit<InstanceStatus, 'heartbeatAt' | 'host' | 'pid' | 'load' | 'sender'>,
  ttlMs: number,
): Promise<void> {
  const full: InstanceStatus = {
    ...status,
    host: os.hostname(),
    pid: process.pid,
    load: os.loadavg()[0] ?? 0,
    sender: PROCESS_OWNER,
    heartbeatAt: new Date().toISOString(),
  };
  await redis.set(KEYS.instance(status.id), JSON.stringify(full), 'PX', ttlMs);
}

export async function removeHeartbeat(redis: Redis, id: string): Promise<void> {
  await redis.del(KEYS.instance(id));
}

/** The live instances (those whose heartbeat has not expired), by id. */
export async function liveInstances(redis: Redis): Promise<InstanceStatus[]> {
  const keys = await scanKeys(redis, KEYS.instancePattern);
  if (!keys.length) return [];
  const values = await redis.mget(keys);
  const found: InstanceStatus[] = [];
  for (const value of values) {
    if (value === null) continue;
    const parsed = instanceSchema.safeParse(safeJson(value));
    if (parsed.success) found.push(parsed.data);
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Who sends for the live instances: their PROCESS_OWNERs, this process's among them. Null
 * when that cannot be told: Redis does not answer, this instance's own heartbeat is missing
 * (its view is not to be trusted), or a live instance is of a version that writes none.
 */
export async function liveSenders(redis: Redis): Promise<ReadonlySet<string> | null> {
  let live: InstanceStatus[];
  try {
    live = await liveInstances(redis);
  } catch {
    return null;
  }
  if (live.some((i) => i.sender === undefined)) return null;
  const senders = new Set(live.map((i) => i.sender!));
  return senders.has(PROCESS_OWNER) ? senders : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
