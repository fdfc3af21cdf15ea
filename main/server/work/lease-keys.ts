// The lease of an account is one Redis key whose value is the holding instance's id, with a
// TTL. Renewing and releasing compare the value first (in Lua, so atomically): an instance
// never extends or deletes a lease that has passed to another.
import type { Redis } from 'ioredis';
import { KEYS } from './redis.js';
import type { AccountRef } from './types.js';

const RENEW = `
local renewed = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed`;

const RELEASE = `
local released = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    released = released + 1
  end
end
return released`;

/** Takes the account's lease if nobody holds it; true when this instance now does. */
export async function takeLease(
  redis: Redis,
  ref: AccountRef,
  instanceId: string,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(KEYS.lease(ref), instanceId, 'PX', ttlMs, 'NX')) === 'OK';
}

/** Extends the leases still held by this instance; answers which of them it still holds. */
export async function renewLeases(
  redis: Redis,
  refs: readonly AccountRef[],
  instanceId: string,
  ttlMs: number,
): Promise<boolean[]> {
  if (!refs.length) return [];
  const keys = refs.map(KEYS.lease);
  const result = (await redis.eval(RENEW, keys.length, ...keys, instanceId, ttlMs)) as number[];
  return result.map((r) => r === 1);
}

/** Gives back the leases this instance holds among these; resolves to how many it held. */
export async function releaseLeases(
  redis: Redis,
  refs: readonly AccountRef[],
  instanceId: string,
): Promise<number> {
  if (!refs.length) return 0;
  const keys = refs.map(KEYS.lease);
  return (await redis.eval(RELEASE, keys.length, ...keys, instanceId)) as number;
}

/** The holder of each account's lease (null when free), in the order asked. */
export async function leaseHolders(
  redis: Redis,
  refs: readonly AccountRef[],
): Promise<(string | null)[]> {
  const holders: (string | null)[] = [];
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    holders.push(...(await redis.mget(chunk.map(KEYS.lease))));
  }
  return holders;
}
