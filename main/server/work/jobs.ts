// What each job does. Sync and replay of an account whose lease another instance holds are
// handed to that instance (a "kick" on the account's channel): its IDLE connection and sync
// are the only ones. An account nobody holds is borrowed for the job (the same lease key, so
// no instance takes it meanwhile). Send runs anywhere: the outbox's claim is one
// UPDATE…RETURNING, so two instances never send one message.
import type { Redis } from 'ioredis';
import { MaildockError } from '../../../common/errors.js';
import type { SyncError } from '../../../common/types.js';
import { leaseHolders, releaseLeases, renewLeases, takeLease } from './lease-keys.js';
import type { JobName, JobRunner } from './queue.js';
import { KEYS } from './redis.js';
import type { AccountRef, PersonService, PersonServices } from './types.js';

export interface JobRunnerOptions {
  services: PersonServices;
  redis: Redis;
  instanceId: string;
  /** The ttl of a lease borrowed for one job; renewed while it runs. */
  borrowTtlMs?: number;
}

export type JobOutcome =
  { ran: 'here'; accountId: number } | { ran: 'holder'; accountId: number; holder: string };

export function jobRunner(opts: JobRunnerOptions): JobRunner {
  // The service stays open while the job runs in it (PersonServices closes idle ones).
  return (name: JobName, ref: AccountRef): Promise<JobOutcome> =>
    opts.services.use(ref.owner, (service) => runJob(opts, service, name, ref));
}

async function runJob(
  opts: JobRunnerOptions,
  service: PersonService,
  name: JobName,
  ref: AccountRef,
): Promise<JobOutcome> {
  // The account must be the owner's: its service's store sees only their rows.
  const account = await service.account(ref.accountId);
  if (name === 'send') {
    throwFirst(await service.sending.runAccount(account));
    return { ran: 'here', accountId: ref.accountId };
  }
  const ttlMs = opts.borrowTtlMs ?? 60_000;
  // The lease may come and go between the look and the take: a few tries, then later.
  for (let attempt = 1; ; attempt++) {
    const [holder] = await leaseHolders(opts.redis, [ref]);
    if (holder) {
      await opts.redis.publish(KEYS.kick(ref), name);
      return { ran: 'holder', accountId: ref.accountId, holder };
    }
    if (await takeLease(opts.redis, ref, opts.instanceId, ttlMs)) break;
    if (attempt >= 3)
      throw new MaildockError('IN_USE', 'The account changed hands; the job runs again later.', {
        accountId: ref.accountId,
      });
  }
  const renewal = setInterval(
    () => void renewLeases(opts.redis, [ref], opts.instanceId, ttlMs).catch(() => []),
    Math.floor(ttlMs / 3),
  );
  try {
    if (name === 'sync') await syncNow(service, ref.accountId);
    else await replayNow(service, ref.accountId);
    return { ran: 'here', accountId: ref.accountId };
  } finally {
    clearInterval(renewal);
    await releaseLeases(opts.redis, [ref], opts.instanceId).catch(() => 0);
  }
}

async function syncNow(service: PersonService, accountId: number): Promise<void> {
  const r = await service.invoke('sync.run', { accountId });
  if (!r.ok) throw MaildockError.fromData(r.error);
  throwFirst(r.value.errors.filter((e) => e.accountId === accountId));
}

async function replayNow(service: PersonService, accountId: number): Promise<void> {
  const sync = await service.accountSync(await service.account(accountId));
  const client = await sync.connect();
  try {
    await sync.replay(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** A pass's own failures fail the job, so that it is retried later. */
function throwFirst(errors: readonly Pick<SyncError, 'code' | 'message' | 'fields'>[]): void {
  const first = errors[0];
  if (first) throw new MaildockError(first.code, first.message, first.fields ?? {});
}
