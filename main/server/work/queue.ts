// One BullMQ queue, `maildock-work`, of the accounts' work: sync, send and replay. Any
// instance runs any job with a small worker. Retries back off exponentially; failed jobs are
// kept for `maildock admin jobs --failed` and `--retry`; an account's job of one kind is
// added once while it waits (and once more, at most, while one runs). A failure's reason is
// the error as data (JSON of {code, message, fields}), so it keeps its code in the queue.
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import {
  errorDataSchema,
  MaildockError,
  toErrorData,
  type ErrorData,
} from '../../../common/errors.js';
import { getLogger } from '../../core/platform/log.js';
import type { RedisTarget } from './redis.js';
import type { AccountRef } from './types.js';

const log = getLogger('queue');

export const QUEUE_NAME = 'maildock-work';
export const JOB_NAMES = ['sync', 'send', 'replay'] as const;
export type JobName = (typeof JOB_NAMES)[number];

const id = z.number().int().positive();
export const jobDataSchema = z
  .object({
    owner: z.object({ tenantId: id, userId: id }).strict(),
    accountId: id,
  })
  .strict();

export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobView {
  id: string;
  name: string;
  state: string;
  accountId: number | null;
  tenantId: number | null;
  userId: number | null;
  attemptsMade: number;
  createdAt: string;
  finishedAt: string | null;
  error: ErrorData | null;
}

export interface QueueOptions {
  redis: RedisTarget;
  attempts?: number;
  /** The first retry's delay; each next one doubles it. */
  backoffMs?: number;
}

/** What runs a job: its outcome is stored with the completed job. */
export type JobRunner = (name: JobName, ref: AccountRef) => Promise<unknown>;

export class WorkQueue {
  readonly queue: Queue;
  private worker: Worker | null = null;
  private running = 0;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly opts: QueueOptions) {
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 2_000;
    this.queue = new Queue(QUEUE_NAME, { connection: { ...opts.redis } });
    this.queue.on('error', (err) => log.warn({ err }, 'queue connection error'));
  }

  /** Adds an account's job; resolves to the id of the job that will do it. */
  async add(name: JobName, ref: AccountRef): Promise<string> {
    const data = jobDataSchema.parse(ref);
    const job = await this.queue.add(name, data, {
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.backoffMs },
      deduplication: {
        id: `${name}:${ref.owner.tenantId}:${ref.owner.userId}:${ref.accountId}`,
        keepLastIfActive: true,
      },
      removeOnComplete: { count: 1000 },
      removeOnFail: false,
    });
    return String(job.id);
  }

  /** Starts this instance's worker. */
  startWorker(run: JobRunner, concurrency = 4): Worker {
    if (this.worker) return this.worker;
    this.worker = new Worker(QUEUE_NAME, (job: Job) => this.process(job, run), {
      connection: { ...this.opts.redis },
      concurrency,
    });
    this.worker.on('error', (err) => log.warn({ err }, 'worker connection error'));
    this.worker.on('failed', (job, err) =>
      log.warn({ jobId: job?.id, name: job?.name, msg: err.message }, 'job failed'),
    );
    return this.worker;
  }

  private async process(job: Job, run: JobRunner): Promise<unknown> {
    const name = z.enum(JOB_NAMES).safeParse(job.name);
    const data = jobDataSchema.safeParse(job.data);
    if (!name.success || !data.success) {
      throw new UnrecoverableError(
        JSON.stringify({ code: 'INVALID_INPUT', message: `Job ${job.id} is not a Maildock job.` }),
      );
    }
    this.running++;
    try {
      return await run(name.data, data.data);
    } catch (err) {
      const error = toErrorData(err);
      const text = JSON.stringify(error);
      // An account that is gone or a job that is wrong will not get better by waiting.
      if (error.code === 'NOT_FOUND' || error.code === 'INVALID_INPUT')
        throw new UnrecoverableError(text);
      throw new Error(text);
    } finally {
      this.running--;
    }
  }

  /** Jobs running on this instance's worker now. */
  activeHere(): number {
    return this.running;
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = await this.queue.getJobCounts(...JOB_STATES);
    return Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<
      JobState,
      number
    >;
  }

  async list(opts: { failed?: boolean; limit?: number } = {}): Promise<JobView[]> {
    const states: JobState[] = opts.failed ? ['failed'] : [...JOB_STATES];
    const jobs = await this.queue.getJobs(states, 0, (opts.limit ?? 100) - 1, false);
    return Promise.all(jobs.filter((j): j is Job => !!j).map((j) => view(j)));
  }

  /** Puts a failed job back in the queue, its attempts counted afresh. */
  async retry(jobId: string): Promise<JobView> {
    const job = await this.queue.getJob(jobId);
    if (!job) throw new MaildockError('NOT_FOUND', `There is no job ${jobId}.`, { jobId });
    const state = await job.getState();
    if (state !== 'failed') {
      throw new MaildockError('INVALID_INPUT', `Job ${jobId} has not failed (it is ${state}).`, {
        jobId,
        state,
      });
    }
    await job.retry('failed');
    return view(job);
  }

  /** Graceful: running jobs finish first (a forced close hands them back when they stall). */
  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
    await this.queue.close();
  }
}

async function view(job: Job): Promise<JobView> {
  const data = jobDataSchema.safeParse(job.data);
  return {
    id: String(job.id),
    name: job.name,
    state: await job.getState(),
    accountId: data.success ? data.data.accountId : null,
    tenantId: data.success ? data.data.owner.tenantId : null,
    userId: data.success ? data.data.owner.userId : null,
    attemptsMade: job.attemptsMade,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    error: job.failedReason ? reasonOf(job.failedReason) : null,
  };
}

/** The stored reason back as data; text from elsewhere stays whole, as INTERNAL. */
export function reasonOf(text: string): ErrorData {
  try {
    const parsed = errorDataSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not ours
  }
  return { code: 'INTERNAL', message: text };
}
