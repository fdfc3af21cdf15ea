// The work queue on a real Redis: retries that back off, failed jobs kept with their error as
// data and retried by id, one waiting job per account and kind, and a graceful close that
// lets the running job finish.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { WorkQueue, type JobName, type JobRunner } from '../../main/server/work/queue.js';
import { redisTarget } from '../../main/server/work/redis.js';
import type { AccountRef } from '../../main/server/work/types.js';
import { waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';

let server: RedisServer;
let redis: Redis;
let queue: WorkQueue;

const ref = (accountId: number): AccountRef => ({ accountId, owner: { tenantId: 3, userId: 7 } });

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
  queue = new WorkQueue({ redis: redisTarget(server.url), attempts: 5, backoffMs: 200 });
});
afterEach(async () => {
  await queue.close();
});

const stateOf = async (id: string) => (await queue.queue.getJob(id))?.getState();

describe('work queue', () => {
  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const run: JobRunner = async (name, job) => {
      attempts.push(Date.now());
      if (attempts.length < 4)
        throw new MaildockError('HOST_UNREACHABLE', 'imap.example.test did not answer.');
      return { name, accountId: job.accountId };
    };
    queue.startWorker(run);
    const id = await queue.add('sync', ref(1));
    expect(await waitFor(async () => (await stateOf(id)) === 'completed', 20_000)).toBe(true);
    expect(attempts.length).toBe(4);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    // 200, 400 and 800 ms after each failure (BullMQ's exponential backoff), give or take.
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    expect(gaps[2]).toBeGreaterThanOrEqual(790);
    expect(gaps[2] as number).toBeGreaterThan(gaps[0] as number);
  });

  it('keeps a dead job with its error as data, and runs it again on retry', async () => {
    queue = new WorkQueue({ redis: redisTarget(server.url), attempts: 2, backoffMs: 50 });
    let broken = true;
    const ran: JobName[] = [];
    queue.startWorker(async (name, job) => {
      ran.push(name);
      if (broken)
        throw new MaildockError('AUTH_FAILED', 'The server refused the password.', {
          accountId: job.accountId,
        });
      return 'ok';
    });
    const id = await queue.add('send', ref(4));
    expect(await waitFor(async () => (await stateOf(id)) === 'failed', 10_000)).toBe(true);
    const failed = await queue.list({ failed: true });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      id,
      name: 'send',
      state: 'failed',
      accountId: 4,
      tenantId: 3,
      userId: 7,
      attemptsMade: 2,
      error: {
        code: 'AUTH_FAILED',
        message: 'The server refused the password.',
        fields: { accountId: 4 },
      },
    });
    expect((await queue.counts()).failed).toBe(1);
    broken = false;
    await queue.retry(id);
    expect(await waitFor(async () => (await stateOf(id)) === 'completed', 10_000)).toBe(true);
    expect(ran).toEqual(['send', 'send', 'send']);
    expect(await queue.list({ failed: true })).toEqual([]);
    await expect(queue.retry(id)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(queue.retry('no-such-job')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('does not retry a job whose account is gone', async () => {
    let runs = 0;
    queue.startWorker(async (_name, job) => {
      runs++;
      throw new MaildockError('NOT_FOUND', `There is no account ${job.accountId}.`);
    });
    const id = await queue.add('replay', ref(9));
    expect(await waitFor(async () => (await stateOf(id)) === 'failed', 10_000)).toBe(true);
    expect(runs).toBe(1);
    expect((await queue.list({ failed: true }))[0]?.error?.code).toBe('NOT_FOUND');
  });

  it('adds one job per account and kind while one waits, and one more while one runs', async () => {
    const first = await queue.add('sync', ref(1));
    expect(await queue.add('sync', ref(1))).toBe(first);
    expect(await queue.add('sync', ref(1))).toBe(first);
    const send = await queue.add('send', ref(1));
    const other = await queue.add('sync', ref(2));
    expect(new Set([first, send, other]).size).toBe(3);
    expect((await queue.counts()).waiting).toBe(3);

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    queue.startWorker(async (name, job) => {
      runs.push(`${name}:${job.accountId}`);
      if (name === 'sync' && job.accountId === 1 && runs.length === 1) await gate;
      return name;
    }, 1);
    try {
      expect(await waitFor(async () => (await stateOf(first)) === 'active', 10_000)).toBe(true);
      // Asked twice more while it runs: once more after it, not twice.
      await queue.add('sync', ref(1));
      await queue.add('sync', ref(1));
    } finally {
      release();
    }
    expect(await waitFor(async () => (await queue.counts()).completed === 4, 10_000)).toBe(true);
    await waitFor(() => false, 500);
    expect((await queue.counts()).completed).toBe(4);
    expect(runs.filter((r) => r === 'sync:1')).toHaveLength(2);
  });

  it('lets the running job finish when it closes', async () => {
    let finished = false;
    queue.startWorker(async () => {
      await new Promise((r) => setTimeout(r, 700));
      finished = true;
      return 'done';
    });
    const id = await queue.add('sync', ref(5));
    expect(await waitFor(async () => (await stateOf(id)) === 'active', 10_000)).toBe(true);
    await queue.close();
    expect(finished).toBe(true);
    queue = new WorkQueue({ redis: redisTarget(server.url) });
    expect(await stateOf(id)).toBe('completed');
  });

  it('refuses a job for an account that is not one', async () => {
    await expect(queue.add('sync', ref(0))).rejects.toThrow();
    await expect(
      queue.add('sync', { accountId: 1, owner: { tenantId: -1, userId: 1 } }),
    ).rejects.toThrow();
  });
});
