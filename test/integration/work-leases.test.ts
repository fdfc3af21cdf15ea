// Account leases on a real Redis: one holder per account, spread over instances, capacity,
// takeover after an instance dies (SIGKILL of a real process), a lease lost to another or to
// an unreachable Redis dropped before it expires, and a graceful shutdown that stops the
// watchers first and hands every account over at once.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liveInstances } from '../../main/server/work/instances.js';
import {
  announceAccountChanged,
  announceAccountsChanged,
  type LeaseManager,
} from '../../main/server/work/leases.js';
import { KEYS } from '../../main/server/work/redis.js';
import { nodeChild, waitFor } from '../support/processes.js';
import { startProxy } from '../support/proxy.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import {
  cuttableForwarder,
  manager,
  owner,
  recordingHolder,
  TestDirectory,
} from '../support/work-leases.js';

let server: RedisServer;
let redis: Redis;
const running: LeaseManager[] = [];

const start = async (m: LeaseManager): Promise<LeaseManager> => {
  running.push(m);
  await m.start();
  return m;
};
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
const holderOf = (accountId: number) => redis.get(KEYS.lease({ accountId, owner }));

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await redis.flushall();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.stop()));
});

describe('account leases', () => {
  it('gives each account to exactly one instance, whose id is the lease', async () => {
    const dir = new TestDirectory(ids(7));
    const a = recordingHolder(redis);
    const b = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder));
    const mb = await start(manager(server.url, 'b', dir, b.holder));
    expect(
      await waitFor(() => ma.heldAccounts().length + mb.heldAccounts().length === 7, 10_000),
    ).toBe(true);
    // Settled: a gave back what was beyond its share, b took it.
    expect(await waitFor(() => mb.heldAccounts().length >= 3, 10_000)).toBe(true);
    const heldA = ma.heldAccounts();
    const heldB = mb.heldAccounts();
    expect(heldA.filter((id) => heldB.includes(id))).toEqual([]);
    expect([...heldA, ...heldB].sort((x, y) => x - y)).toEqual(ids(7));
    for (const id of heldA) expect(await holderOf(id)).toBe('a');
    for (const id of heldB) expect(await holderOf(id)).toBe('b');
    expect([...a.log.watching].sort((x, y) => x - y)).toEqual(heldA);
    expect([...b.log.watching].sort((x, y) => x - y)).toEqual(heldB);
  });

  it("restarts an edited account's watcher on its holder alone, keeping the lease", async () => {
    const dir = new TestDirectory(ids(4));
    const a = recordingHolder(redis);
    const b = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder));
    const mb = await start(manager(server.url, 'b', dir, b.holder));
    // Settled: two leases each, and each lease's watcher started (a lease is held a moment
    // before its holder has taken the account).
    expect(
      await waitFor(
        () =>
          ma.heldAccounts().length === 2 &&
          mb.heldAccounts().length === 2 &&
          a.log.watching.size === 2 &&
          b.log.watching.size === 2,
        10_000,
      ),
    ).toBe(true);
    const edited = ma.heldAccounts()[0]!;
    const before = { a: a.log.takes.length, b: b.log.takes.length, drops: b.log.drops.length };
    await announceAccountChanged(redis, { accountId: edited, owner });
    expect(await waitFor(() => a.log.takes.length === before.a + 1, 5_000)).toBe(true);
    expect(a.log.takes.at(-1)?.accountId).toBe(edited);
    expect(a.log.drops.at(-1)).toMatchObject({ accountId: edited, keyAtDrop: 'a' });
    expect(a.log.watching.has(edited)).toBe(true);
    expect(await holderOf(edited)).toBe('a');
    expect([b.log.takes.length, b.log.drops.length]).toEqual([before.b, before.drops]);
    expect([...a.log.kicks, ...b.log.kicks]).toEqual([]);
  });

  it('spreads 10 accounts over 2 instances, about half each', async () => {
    const dir = new TestDirectory(ids(10));
    const a = recordingHolder(redis);
    const b = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder));
    expect(await waitFor(() => ma.heldAccounts().length === 10, 10_000)).toBe(true);
    const mb = await start(manager(server.url, 'b', dir, b.holder));
    expect(
      await waitFor(() => ma.heldAccounts().length === 5 && mb.heldAccounts().length === 5, 15_000),
    ).toBe(true);
    const status = await liveInstances(redis);
    expect(status.map((s) => s.id)).toEqual(['a', 'b']);
    expect(status.find((s) => s.id === 'b')?.accounts.length).toBeGreaterThan(0);
  });

  it('holds no more accounts than its capacity, and leaves the rest free', async () => {
    const dir = new TestDirectory(ids(10));
    const a = recordingHolder(redis);
    const b = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder, { capacity: 3 }));
    const mb = await start(manager(server.url, 'b', dir, b.holder, { capacity: 4 }));
    expect(
      await waitFor(() => ma.heldAccounts().length === 3 && mb.heldAccounts().length === 4, 10_000),
    ).toBe(true);
    // Several rounds later, still within capacity, and three accounts nobody holds.
    await waitFor(() => false, 1_500);
    expect(ma.heldAccounts().length).toBe(3);
    expect(mb.heldAccounts().length).toBe(4);
    const free = await Promise.all(ids(10).map(holderOf));
    expect(free.filter((h) => h === null).length).toBe(3);
  });

  it('takes over the accounts of a SIGKILLed instance once its leases expire', async () => {
    const dir = new TestDirectory(ids(5));
    const ttlMs = 3_000;
    const support = fileURLToPath(new URL('../support/work-leases.ts', import.meta.url));
    const code = `const { manager, TestDirectory, recordingHolder } = await import(${JSON.stringify(support)});
const { Redis } = await import('ioredis');
const url = process.argv[1];
const r = new Redis(url);
const m = manager(url, 'doomed', new TestDirectory([1, 2, 3, 4, 5]), recordingHolder(r).holder, { ttlMs: ${ttlMs} });
await m.start();
while (m.heldAccounts().length < 5) await new Promise((ok) => setTimeout(ok, 50));
console.log(JSON.stringify({ held: m.heldAccounts() }));
setInterval(() => undefined, 1000);`;
    let child: ChildProcess | undefined;
    try {
      const started = await nodeChild<{ held: number[] }>(code, [server.url]);
      child = started.child;
      expect(started.printed.held).toEqual(ids(5));
      child.kill('SIGKILL');
      const killedAt = Date.now();
      const b = recordingHolder(redis);
      const mb = await start(manager(server.url, 'b', dir, b.holder, { ttlMs }));
      // The dead instance's leases still stand: nobody may watch those accounts yet.
      for (const id of ids(5)) expect(await holderOf(id)).toBe('doomed');
      expect(mb.heldAccounts()).toEqual([]);
      expect(await waitFor(() => mb.heldAccounts().length === 5, 4 * ttlMs)).toBe(true);
      const firstTake = Math.min(...b.log.takes.map((t) => t.at));
      // Not before the lease could have expired (the last renew was at most ttl/3 before the kill).
      expect(firstTake - killedAt).toBeGreaterThan(ttlMs * (2 / 3) - 200);
      for (const id of ids(5)) expect(await holderOf(id)).toBe('b');
    } finally {
      child?.kill('SIGKILL');
    }
  });

  it('stops watching at once when another instance took the lease', async () => {
    const dir = new TestDirectory([1, 2]);
    const a = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder, { ttlMs: 3_000 }));
    expect(await waitFor(() => ma.heldAccounts().length === 2, 5_000)).toBe(true);
    await redis.set(KEYS.lease({ accountId: 1, owner }), 'intruder', 'PX', 60_000);
    // Renewed every ttl/3: dropped at the next renew, well before the ttl.
    expect(await waitFor(() => !a.log.watching.has(1), 2_000)).toBe(true);
    // The drop's record (with the lease key it saw) is written once the drop has read it.
    expect(await waitFor(() => a.log.drops.some((d) => d.accountId === 1), 2_000)).toBe(true);
    expect(a.log.drops.find((d) => d.accountId === 1)?.keyAtDrop).toBe('intruder');
    expect(ma.heldAccounts()).toEqual([2]);
    // And it does not give away a lease that is not its own.
    expect(await holderOf(1)).toBe('intruder');
  });

  it('takes free accounts at once when told that accounts changed', async () => {
    const dir = new TestDirectory([1]);
    const a = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder, { roundMs: 60_000 }));
    expect(ma.heldAccounts()).toEqual([1]);
    dir.refs.push({ accountId: 2, owner: { tenantId: 1, userId: 1 } });
    await announceAccountsChanged(redis);
    expect(await waitFor(() => ma.heldAccounts().length === 2, 3_000)).toBe(true);
    dir.refs = dir.refs.filter((r) => r.accountId !== 1);
    await announceAccountsChanged(redis);
    expect(await waitFor(() => !a.log.watching.has(1), 3_000)).toBe(true);
    expect(await holderOf(1)).toBeNull();
  });

  it('leaves an account it could not start to others for a while', async () => {
    const dir = new TestDirectory([1, 2]);
    const a = recordingHolder(redis, new Set([2]));
    const ma = await start(manager(server.url, 'a', dir, a.holder));
    expect(await waitFor(() => ma.heldAccounts().length === 1, 5_000)).toBe(true);
    await waitFor(() => false, 1_000);
    expect(ma.heldAccounts()).toEqual([1]);
    expect(await holderOf(2)).toBeNull();
  });

  it('graceful shutdown stops the watchers, then hands every account over at once', async () => {
    const dir = new TestDirectory(ids(4));
    const ttlMs = 15_000;
    const a = recordingHolder(redis);
    const b = recordingHolder(redis);
    const ma = await start(manager(server.url, 'a', dir, a.holder, { ttlMs, capacity: 4 }));
    expect(ma.heldAccounts()).toEqual(ids(4));
    // b has no room until a leaves, and rounds only when nudged.
    const mb = await start(manager(server.url, 'b', dir, b.holder, { ttlMs, roundMs: 60_000 }));
    expect(mb.heldAccounts().length).toBeLessThanOrEqual(2);
    await waitFor(() => ma.heldAccounts().length + mb.heldAccounts().length === 4, 5_000);
    const stoppedAt = Date.now();
    const leaving = ma.heldAccounts();
    await ma.stop();
    for (const id of leaving) {
      const drop = a.log.drops.find((d) => d.accountId === id);
      expect(drop?.keyAtDrop).toBe('a');
    }
    expect(a.log.watching.size).toBe(0);
    expect(await redis.exists(KEYS.instance('a'))).toBe(0);
    expect(await waitFor(() => mb.heldAccounts().length === 4, 5_000)).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(ttlMs / 2);
  });

  it('drops every account before its lease can expire when Redis goes away, and takes them back', async () => {
    const dir = new TestDirectory(ids(3));
    const ttlMs = 3_000;
    const a = recordingHolder(redis);
    const link = await cuttableForwarder(server.port);
    const ma = await start(manager(link.url, 'a', dir, a.holder, { ttlMs }));
    expect(ma.heldAccounts()).toEqual(ids(3));
    await link.cut();
    const goneAt = Date.now();
    expect(await waitFor(() => a.log.watching.size === 0, ttlMs)).toBe(true);
    // Dropped within the ttl: no other instance could have taken them yet.
    expect(Date.now() - goneAt).toBeLessThan(ttlMs);
    await link.reopen();
    // Each lease held again, and its watcher started (a moment after the lease).
    expect(
      await waitFor(() => ma.heldAccounts().length === 3 && a.log.watching.size === 3, 15_000),
    ).toBe(true);
    expect([...a.log.watching].sort()).toEqual(ids(3));
  });

  it('keeps its leases through a connection that went silent, on a new one', async () => {
    const dir = new TestDirectory(ids(2));
    const ttlMs = 3_000;
    const a = recordingHolder(redis);
    const proxy = await startProxy(server.port);
    try {
      const ma = await start(
        manager(`redis://127.0.0.1:${proxy.port}/0`, 'a', dir, a.holder, { ttlMs }),
      );
      expect(ma.heldAccounts()).toEqual(ids(2));
      proxy.freeze();
      // Several renewals later: the silent connection was replaced before the leases lapsed.
      await waitFor(() => false, ttlMs * 1.5);
      for (const id of ids(2)) expect(await holderOf(id)).toBe('a');
      expect(await waitFor(() => ma.heldAccounts().length === 2, 5_000)).toBe(true);
      expect(await redis.pttl(KEYS.lease({ accountId: 1, owner }))).toBeGreaterThan(ttlMs / 3);
    } finally {
      await proxy.close();
    }
  });
});
