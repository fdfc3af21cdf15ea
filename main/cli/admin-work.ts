// `maildock admin jobs` and `maildock admin status`: the server's work as Redis holds it,
// from any machine that reaches that Redis, whether or not an instance runs. The Redis URL
// is the server's (--redis, the env file, MAILDOCK_REDIS_URL).
import type { Command } from 'commander';
import { MaildockError } from '../../common/errors.js';
import { loadConfig } from '../server/config.js';
import { liveInstances, type InstanceStatus } from '../server/work/instances.js';
import { WorkQueue, type JobState, type JobView } from '../server/work/queue.js';
import { connected, redisClient, redisTarget } from '../server/work/redis.js';
import { stdio, type Out } from './output.js';
import { CliFailure, dataDirOf, int, lines, show, type Globals } from './run.js';

interface RedisFlags {
  redis?: string;
  envFile?: string;
}

function redisUrlOf(cmd: Command, o: RedisFlags): string {
  const config = loadConfig({
    envFile: o.envFile,
    dataDir: dataDirOf(cmd),
    flags: o.redis ? { REDIS_URL: { value: o.redis, flag: '--redis' } } : {},
  });
  if (!config.redisUrl) {
    throw new MaildockError(
      'INVALID_INPUT',
      'Which Redis? Give --redis redis://host:6379, or REDIS_URL in the env file.',
      { path: 'redis' },
    );
  }
  return config.redisUrl;
}

const outOf = (cmd: Command): Out => stdio(!!cmd.optsWithGlobals<Globals>().json);

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '-');

const jobLine = (j: JobView) =>
  [
    j.id.padEnd(8),
    j.name.padEnd(7),
    j.state.padEnd(10),
    `account ${j.accountId ?? '?'} (tenant ${j.tenantId ?? '?'}, user ${j.userId ?? '?'})`,
    `tries ${j.attemptsMade}`,
    when(j.finishedAt ?? j.createdAt),
    j.error ? `${j.error.code}: ${j.error.message}` : '',
  ]
    .join('  ')
    .trimEnd();

const instanceLine = (i: InstanceStatus, now: number) =>
  `${i.id}  ${i.accounts.length}/${i.capacity} accounts  ${i.activeJobs} job(s) running  load ${i.load.toFixed(2)}  heartbeat ${Math.round((now - Date.parse(i.heartbeatAt)) / 1000)} s ago` +
  (i.accounts.length
    ? `\n    ${i.accounts.map((a) => `${a.accountId} (tenant ${a.tenantId}, user ${a.userId})`).join(', ')}`
    : '');

export function addWorkAdminCommands(admin: Command): void {
  admin
    .command('jobs')
    .description('the work queue: jobs waiting, running, done and failed; retry a failed one')
    .option('--failed', 'only the failed jobs')
    .option('--retry <id>', 'put this failed job back in the queue')
    .option('--limit <n>', 'at most this many jobs', int('--limit'), 100)
    .option('--redis <url>', "the server's Redis (else REDIS_URL from the env file)")
    .option('--env-file <file>', "the server's env file")
    .action(async (o: RedisFlags & { failed?: boolean; retry?: string; limit: number }, cmd) => {
      const out = outOf(cmd);
      const queue = new WorkQueue({ redis: redisTarget(redisUrlOf(cmd, o)) });
      try {
        await queue.queue.waitUntilReady();
        if (o.retry) {
          const job = await queue.retry(o.retry).catch((err: unknown) => {
            if (err instanceof MaildockError) throw new CliFailure(err.toData());
            throw err;
          });
          show(out, job, (j) => `Job ${j.id} (${j.name}) is queued again.\n`);
          return;
        }
        const jobs = await queue.list({ failed: !!o.failed, limit: o.limit });
        show(out, jobs, (all) =>
          lines(all, jobLine, o.failed ? 'No failed jobs.' : 'No jobs in the queue.'),
        );
      } finally {
        await queue.close();
      }
    });

  admin
    .command('status')
    .description("each server instance: its accounts, load and last heartbeat; the queue's jobs")
    .option('--redis <url>', "the server's Redis (else REDIS_URL from the env file)")
    .option('--env-file <file>', "the server's env file")
    .action(async (o: RedisFlags, cmd) => {
      const out = outOf(cmd);
      const target = redisTarget(redisUrlOf(cmd, o));
      const redis = redisClient(target, 'maildock-admin');
      redis.on('error', () => undefined);
      const queue = new WorkQueue({ redis: target });
      try {
        await connected(redis).catch((err: unknown) => {
          if (err instanceof MaildockError) throw new CliFailure(err.toData());
          throw err;
        });
        const instances = await liveInstances(redis);
        const jobs: Record<JobState, number> = await queue.counts();
        const now = Date.now();
        show(out, { instances, jobs }, (s) => {
          const list = lines(
            s.instances,
            (i) => instanceLine(i, now),
            'No instance is running (none has a heartbeat).',
          );
          const counts = Object.entries(s.jobs)
            .map(([state, n]) => `${n} ${state}`)
            .join(', ');
          return `${list}Jobs: ${counts}\n`;
        });
      } finally {
        redis.disconnect();
        await queue.close();
      }
    });
}
