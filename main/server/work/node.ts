// The work of one server instance, put together: its account leases, its worker on the
// queue, the events of the services it runs published on Redis, and its metrics. stop() is
// the graceful shutdown: running jobs finish, then the watchers stop and every lease is
// released at once.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { ownerKey } from '../../core/people/index.js';
import { EventsBus } from './events-bus.js';
import { liveSenders } from './instances.js';
import { jobRunner } from './jobs.js';
import { announceAccountChanged, announceAccountsChanged, LeaseManager } from './leases.js';
import { WorkMetrics } from './metrics.js';
import { WorkQueue } from './queue.js';
import { connected, KEYS, redisClient, redisTarget } from './redis.js';
import { serviceHolder } from './service-holder.js';
import type {
  AccountDirectory,
  AccountRef,
  Owner,
  PersonService,
  PersonServices,
} from './types.js';

export interface WorkNodeOptions {
  redisUrl: string;
  directory: AccountDirectory;
  services: PersonServices;
  /** `--max-accounts` */
  capacity: number;
  instanceId?: string;
  leaseTtlMs?: number;
  roundMs?: number;
  concurrency?: number;
  attempts?: number;
  backoffMs?: number;
}

export const newInstanceId = (): string =>
  `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

export class WorkNode {
  readonly instanceId: string;
  readonly queue: WorkQueue;
  readonly bus: EventsBus;
  readonly leases: LeaseManager;
  readonly metrics: WorkMetrics;
  /** People's services as this instance uses them: their events go out on the bus. */
  readonly services: PersonServices;
  private readonly redis: Redis;
  /** Each open service's events going out on the bus, by person. */
  private readonly forwarded = new Map<string, { service: PersonService; off: () => void }>();

  constructor(private readonly opts: WorkNodeOptions) {
    const target = redisTarget(opts.redisUrl);
    this.instanceId = opts.instanceId ?? newInstanceId();
    this.redis = redisClient(target, `maildock-jobs-${this.instanceId}`);
    this.queue = new WorkQueue({
      redis: target,
      ...(opts.attempts ? { attempts: opts.attempts } : {}),
      ...(opts.backoffMs ? { backoffMs: opts.backoffMs } : {}),
    });
    this.bus = new EventsBus(target);
    const services = opts.services;
    this.services = {
      get: async (owner) => this.publishing(owner, await services.get(owner)),
      use: (owner, fn) => services.use(owner, (s) => fn(this.publishing(owner, s))),
      hold: async (owner) => {
        const held = await services.hold(owner);
        return { service: this.publishing(owner, held.service), release: held.release };
      },
    };
    // A service closed for being idle publishes nothing more; the next one opened will.
    services.onClosed?.((owner, service) => {
      const key = ownerKey(owner);
      const forwarding = this.forwarded.get(key);
      if (forwarding?.service !== service) return;
      forwarding.off();
      this.forwarded.delete(key);
    });
    this.leases = new LeaseManager({
      redis: target,
      instanceId: this.instanceId,
      directory: opts.directory,
      holder: serviceHolder(this.services),
      capacity: opts.capacity,
      activeJobs: () => this.queue.activeHere(),
      ...(opts.leaseTtlMs ? { ttlMs: opts.leaseTtlMs } : {}),
      ...(opts.roundMs ? { roundMs: opts.roundMs } : {}),
    });
    this.metrics = new WorkMetrics({
      instanceId: this.instanceId,
      jobCounts: () => this.queue.counts(),
      leasesHeld: () => this.leases.heldRefs().length,
      imapConnections: () => this.leases.heldRefs().length + this.queue.activeHere(),
      lastSyncs: () => this.lastSyncs(),
    });
  }

  async start(): Promise<void> {
    this.redis.on('error', () => undefined);
    await connected(this.redis);
    await this.bus.start();
    this.queue.startWorker(
      jobRunner({ services: this.services, redis: this.redis, instanceId: this.instanceId }),
      this.opts.concurrency ?? 4,
    );
    await this.leases.start();
  }

  /**
   * A person changed something here (an action, a message queued): the instances holding
   * their accounts replay and send now rather than on their next round.
   */
  async kickPerson(owner: Owner): Promise<void> {
    for (const accountId of await this.opts.directory.ofOwner(owner)) {
      await this.redis.publish(KEYS.kick({ accountId, owner }), 'changed');
    }
  }

  /** After an account was added or removed: every instance looks at once. */
  async accountsChanged(): Promise<void> {
    await announceAccountsChanged(this.redis);
  }

  /** After an account's settings changed: the instance holding it watches it anew. */
  async accountChanged(ref: AccountRef): Promise<void> {
    await announceAccountChanged(this.redis, ref);
  }

  /** Who sends for the live instances (instances.ts liveSenders), for taking back claims. */
  liveSenders(): Promise<ReadonlySet<string> | null> {
    return liveSenders(this.redis);
  }

  async stop(): Promise<void> {
    await this.queue.close();
    await this.leases.stop();
    for (const { off } of this.forwarded.values()) off();
    this.forwarded.clear();
    await this.bus.close();
    await this.redis.quit().catch(() => undefined);
  }

  /** The service, its events forwarded to the bus (once per service opened). */
  private publishing(owner: Owner, service: PersonService): PersonService {
    const key = ownerKey(owner);
    const forwarding = this.forwarded.get(key);
    if (forwarding?.service === service) return service;
    forwarding?.off();
    this.forwarded.set(key, { service, off: this.bus.forward(owner, service) });
    return service;
  }

  private async lastSyncs(): Promise<{ accountId: number; lastSyncAt: string | null }[]> {
    const refs = this.leases.heldRefs();
    const out: { accountId: number; lastSyncAt: string | null }[] = [];
    for (const ref of refs) {
      const [state] = (await this.opts.services.get(ref.owner)).syncStates.list([ref.accountId]);
      out.push({ accountId: ref.accountId, lastSyncAt: state?.lastSyncAt ?? null });
    }
    return out;
  }
}
