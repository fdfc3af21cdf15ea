// `maildock admin jobs` and `maildock admin status` against a real Redis holding a server's
// work: an instance with its leases, a failed job with its error, and a retry of it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { addWorkAdminCommands } from '../../main/cli/admin-work.js';
import type { LeaseManager } from '../../main/server/work/leases.js';
import { WorkQueue } from '../../main/server/work/queue.js';
import { redisTarget } from '../../main/server/work/redis.js';
import { waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { manager, recordingHolder, TestDirectory } from '../support/work-leases.js';

let server: RedisServer;
let redis: Redis;
let dataDir: string;
let instance: LeaseManager;
let failedId: string;

async function admin(...args: string[]): Promise<{ stdout: string; code: number }> {
  const program = new Command('maildock')
    .option('--data-dir <dir>')
    .option('--json')
    .exitOverride();
  addWorkAdminCommands(program.command('admin'));
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'maildock', '--data-dir', dataDir, 'admin', ...args]);
  } finally {
    write.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { stdout, code };
}

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-admin-'));
  instance = manager(
    server.url,
    'instance-one',
    new TestDirectory([1, 2]),
    recordingHolder(redis).holder,
  );
  await instance.start();
  const queue = new WorkQueue({ redis: redisTarget(server.url), attempts: 1 });
  queue.startWorker(async (_name, ref) => {
    throw new MaildockError('AUTH_FAILED', 'The server refused the password.', {
      accountId: ref.accountId,
    });
  });
  failedId = await queue.add('sync', { accountId: 2, owner: { tenantId: 1, userId: 1 } });
  await waitFor(async () => (await queue.counts()).failed === 1, 10_000);
  await queue.close();
});

afterAll(async () => {
  await instance?.stop();
  redis?.disconnect();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('maildock admin', () => {
  it('status lists each instance with its accounts and heartbeat, and the jobs', async () => {
    const { stdout } = await admin('status', '--redis', server.url);
    expect(stdout).toMatch(/^instance-one {2}2\/100 accounts {2}0 job\(s\) running/m);
    expect(stdout).toContain('1 (tenant 1, user 1), 2 (tenant 1, user 1)');
    expect(stdout).toContain('Jobs: 0 waiting, 0 active, 0 delayed, 0 completed, 1 failed');
    const json = JSON.parse((await admin('status', '--redis', server.url, '--json')).stdout);
    expect(json.instances).toHaveLength(1);
    expect(json.instances[0]).toMatchObject({ id: 'instance-one', capacity: 100 });
    expect(json.instances[0].accounts).toHaveLength(2);
    expect(Date.now() - Date.parse(json.instances[0].heartbeatAt)).toBeLessThan(5_000);
  });

  it('jobs --failed shows the dead job with its error, and --retry queues it again', async () => {
    const { stdout } = await admin('jobs', '--failed', '--redis', server.url);
    expect(stdout).toContain(`${failedId}`);
    expect(stdout).toContain('AUTH_FAILED: The server refused the password.');
    const json = JSON.parse(
      (await admin('jobs', '--failed', '--json', '--redis', server.url)).stdout,
    );
    expect(json).toEqual([
      expect.objectContaining({
        id: failedId,
        name: 'sync',
        state: 'failed',
        accountId: 2,
        error: expect.objectContaining({ code: 'AUTH_FAILED' }),
      }),
    ]);
    const retried = await admin('jobs', '--retry', failedId, '--redis', server.url);
    expect(retried.stdout).toBe(`Job ${failedId} (sync) is queued again.\n`);
    expect((await admin('jobs', '--failed', '--redis', server.url)).stdout).toBe(
      'No failed jobs.\n',
    );
    const all = JSON.parse((await admin('jobs', '--json', '--redis', server.url)).stdout);
    expect(all).toEqual([expect.objectContaining({ id: failedId, state: 'waiting' })]);
  });

  it('refuses to retry a job that did not fail, with the reason', async () => {
    await expect(admin('jobs', '--retry', failedId, '--redis', server.url)).rejects.toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
    await expect(admin('jobs', '--retry', '999', '--redis', server.url)).rejects.toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
  });

  it('asks which Redis when none is configured', async () => {
    await expect(admin('status')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
