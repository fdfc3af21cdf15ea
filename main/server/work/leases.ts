// Account leases: which instance keeps an account's IDLE connection and runs its sync. Each
// round an instance writes its heartbeat, counts the live instances and takes free accounts
// up to its share (ceil(accounts / live instances)) and its capacity, or gives back what it
// holds beyond them, so accounts spread and a dead instance's accounts are taken over once
// its leases expire. Leases are renewed every ttl/3; one that is lost (taken by another, or
// not confirmed for half its ttl because Redis is away) is dropped at once, before it can
// expire, so two instances never watch one account.
import type { Redis } from 'ioredis';
import { getLogger } from '../../core/platform/log.js';
import { liveInstances, removeHeartbeat, writeHeartbeat } from './instances.js';
import { leaseHolders, releaseLeases, renewLeases, takeLease } from './lease-keys.js';
import { connected, KEYS, redisClient, type RedisTarget } from './redis.js';
import { refKey, type AccountDirectory, type AccountRef } from './types.js';

const log = getLogger('leases');

/** The message on an account's kick channel that restarts its watcher instead of a sync. */
const RESTART = 'restart';

/** What an instance does with the accounts whose lease it holds. */
export interface LeaseHolder {
  /** Start the account's IDLE connection and periodic sync here. */
  take(ref: AccountRef): Promise<void>;
  /** Stop them, at once: the lease is gone or going. */
  drop(ref: AccountRef): Promise<void>;
  /** Sync the account now (asked by a job on another instance). */
  kick(ref: AccountRef): void;
}

export interface LeaseOptions {
  redis: RedisTarget;
  instanceId: string;
  directory: AccountDirectory;
  holder: LeaseHolder;
  /** The most accounts this instance holds (`--max-accounts`). */
  capacity: number;
  ttlMs?: number;
  /** How often free accounts are looked for (a nudge on pub/sub starts one at once). */
  roundMs?: number;
  /** Jobs running here now, for the heartbeat. */
  activeJobs?: () => number;
  /** How long an account whose take failed is left to others. */
  cooldownMs?: number;
}

interface Held {
  ref: AccountRef;
  /** When the last renew that confirmed it was sent. */
  confirmedAt: number;
}

export class LeaseManager {
  /** By refKey: tenant, user and account. */
  private readonly held = new Map<string, Held>();
  private readonly cooldown = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly roundMs: number;
  private readonly startedAt = new Date().toISOString();
  private redis: Redis | null = null;
  private sub: Redis | null = null;
  private roundTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private restarts: Promise<void> = Promise.resolve();
  private again = false;
  private roundBusy = false;
  private stopping = false;
  private failing = false;

  constructor(private readonly opts: LeaseOptions) {
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.roundMs = opts.roundMs ?? 3_000;
  }

  get instanceId(): string {
    return this.opts.instanceId;
  }

  /** The ids of the accounts whose lease this instance holds now. */
  heldAccounts(): number[] {
    return this.heldRefs().map((r) => r.accountId);
  }

  heldRefs(): AccountRef[] {
    return [...this.held.values()]
      .map((h) => h.ref)
      .sort((a, b) => a.accountId - b.accountId || refKey(a).localeCompare(refKey(b)));
  }

  async start(): Promise<void> {
    this.redis = this.commandClient(null);
    this.sub = redisClient(this.opts.redis, `maildock-leases-sub-${this.instanceId}`);
    this.sub.on('error', (err) => log.debug({ err }, 'lease subscriber error'));
    await Promise.all([connected(this.redis), connected(this.sub)]);
    this.sub.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    await this.sub.subscribe(KEYS.accountsChanged);
    await this.round();
    this.renewTimer = setInterval(() => void this.renew(), Math.floor(this.ttlMs / 3));
    this.roundTimer = setInterval(() => void this.round(), this.roundMs);
  }

  /** A client for leases and heartbeats, replacing `old` (which is dropped at once). */
  private commandClient(old: Redis | null): Redis {
    old?.disconnect();
    // A renew that takes longer than this is as good as failed.
    const commandTimeout = Math.max(500, Math.floor(this.ttlMs / 5));
    const client = redisClient(this.opts.redis, `maildock-leases-${this.instanceId}`, {
      commandTimeout,
    });
    client.on('error', (err) => log.debug({ err }, 'lease connection error'));
    return client;
  }

  /** Runs a round now (or right after the one running). */
  round(): Promise<void> {
    if (this.stopping) return this.running;
    if (this.roundBusy) {
      this.again = true;
      return this.running;
    }
    this.roundBusy = true;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const before = this.heldRefs().map(refKey).join();
          await this.roundOnce();
          // What it holds now, for the others' shares and `maildock admin status`.
          if (this.heldRefs().map(refKey).join() !== before) await this.heartbeat();
          this.failing = false;
        } catch (err) {
          this.failed(err, 'lease round failed');
        }
      } while (this.again && !this.stopping);
      this.roundBusy = false;
    })();
    return this.running;
  }

  private async roundOnce(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.stopping) return;
    await this.heartbeat();
    const [live, accounts] = await Promise.all([liveInstances(redis), this.opts.directory.all()]);
    const known = new Map(accounts.map((a) => [refKey(a), a]));
    for (const [id, held] of this.held) {
      if (!known.has(id)) await this.giveBack(held.ref, 'account removed');
    }
    const share = Math.min(
      this.opts.capacity,
      Math.ceil(accounts.length / Math.max(1, live.length)),
    );
    if (this.held.size > share) {
      const surplus = [...this.held.values()].slice(share);
      for (const held of surplus) await this.giveBack(held.ref, 'over share');
      if (surplus.length) await redis.publish(KEYS.accountsChanged, this.instanceId);
      return;
    }
    const now = Date.now();
    const holders = await leaseHolders(redis, accounts);
    const free = shuffle(
      accounts.filter((a, i) => holders[i] === null && (this.cooldown.get(refKey(a)) ?? 0) <= now),
    );
    for (const ref of free) {
      if (this.held.size >= share || this.stopping) break;
      const sentAt = Date.now();
      if (!(await takeLease(redis, ref, this.instanceId, this.ttlMs))) continue;
      this.held.set(refKey(ref), { ref, confirmedAt: sentAt });
      await this.sub?.subscribe(KEYS.kick(ref));
      try {
        await this.opts.holder.take(ref);
        log.info({ accountId: ref.accountId }, 'account taken');
      } catch (err) {
        log.warn({ err, accountId: ref.accountId }, 'could not start the account; leaving it');
        this.cooldown.set(refKey(ref), Date.now() + (this.opts.cooldownMs ?? 60_000));
        await this.giveBack(ref, 'take failed');
      }
    }
  }

  /** While Redis stays away, one warning, not one per round. */
  private failed(err: unknown, what: string): void {
    if (this.failing) log.debug({ err }, what);
    else log.warn({ err }, what);
    this.failing = true;
  }

  private async heartbeat(): Promise<void> {
    if (!this.redis) return;
    await writeHeartbeat(
      this.redis,
      {
        id: this.instanceId,
        startedAt: this.startedAt,
        capacity: this.opts.capacity,
        accounts: this.heldRefs().map((r) => ({ ...r.owner, accountId: r.accountId })),
        activeJobs: this.opts.activeJobs?.() ?? 0,
      },
      this.ttlMs,
    );
  }

  /** Extends every lease held; drops those lost, or unconfirmed for half their ttl. */
  private async renew(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.stopping) return;
    const held = [...this.held.values()];
    const sentAt = Date.now();
    try {
      const still = await renewLeases(
        redis,
        held.map((h) => h.ref),
        this.instanceId,
        this.ttlMs,
      );
      for (const [i, h] of held.entries()) {
        if (this.held.get(refKey(h.ref)) !== h) continue;
        if (still[i]) h.confirmedAt = sentAt;
        else await this.lose(h.ref, 'taken by another instance');
      }
      await this.heartbeat();
    } catch (err) {
      this.failed(err, 'leases not renewed');
      // A connection that looks open but does not answer (a dead NAT mapping) is not
      // noticed by the client, and its graceful end would wait on the silent peer too:
      // a new client takes over.
      if (redis.status === 'ready') this.redis = this.commandClient(redis);
      const now = Date.now();
      for (const h of held) {
        if (this.held.get(refKey(h.ref)) !== h) continue;
        if (now - h.confirmedAt >= this.ttlMs / 2) await this.lose(h.ref, 'Redis unreachable');
      }
    }
  }

  /** The lease is gone: stop the account here without touching the key. */
  private async lose(ref: AccountRef, why: string): Promise<void> {
    this.held.delete(refKey(ref));
    log.warn({ accountId: ref.accountId, why }, 'account lease lost');
    await this.sub?.unsubscribe(KEYS.kick(ref)).catch(() => undefined);
    await this.opts.holder.drop(ref).catch((err: unknown) => log.warn({ err }, 'drop failed'));
  }

  /** Stops the account here, then releases its lease for another instance. */
  private async giveBack(ref: AccountRef, why: string): Promise<void> {
    this.held.delete(refKey(ref));
    log.info({ accountId: ref.accountId, why }, 'account given back');
    await this.sub?.unsubscribe(KEYS.kick(ref)).catch(() => undefined);
    await this.opts.holder.drop(ref).catch((err: unknown) => log.warn({ err }, 'drop failed'));
    if (this.redis) await releaseLeases(this.redis, [ref], this.instanceId);
  }

  private onMessage(channel: string, message: string): void {
    if (channel === KEYS.accountsChanged) {
      void this.round();
      return;
    }
    for (const held of this.held.values()) {
      if (KEYS.kick(held.ref) !== channel) continue;
      if (message === RESTART) this.restart(held.ref);
      else this.opts.holder.kick(held.ref);
    }
  }

  /**
   * The account's settings changed (announceAccountChanged): its watcher here stops and
   * starts again with them, the lease kept. Given back meanwhile, it is left to the instance
   * that takes it next, which starts it with what is stored then.
   */
  private restart(ref: AccountRef): void {
    const key = refKey(ref);
    const holds = () => !this.stopping && this.held.has(key);
    this.restarts = this.restarts.then(async () => {
      if (!holds()) return;
      try {
        await this.opts.holder.drop(ref);
        if (!holds()) return;
        await this.opts.holder.take(ref);
        // A round gave it back while it was being taken: that round's drop came too early.
        if (!holds()) await this.opts.holder.drop(ref);
        else log.info({ accountId: ref.accountId }, 'account restarted with its new settings');
      } catch (err) {
        log.warn({ err, accountId: ref.accountId }, 'could not restart the account; leaving it');
        this.cooldown.set(key, Date.now() + (this.opts.cooldownMs ?? 60_000));
        if (this.held.has(key)) await this.giveBack(ref, 'restart failed');
      }
    });
  }

  /**
   * Graceful shutdown: the watchers stop first, then every lease is released at once and
   * the others are told, so they take the accounts over without waiting for the ttl.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.roundTimer) clearInterval(this.roundTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.running;
    await this.restarts;
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.all(
      held.map((h) =>
        this.opts.holder.drop(h.ref).catch((err: unknown) => log.warn({ err }, 'drop failed')),
      ),
    );
    const redis = this.redis;
    if (redis) {
      try {
        await releaseLeases(
          redis,
          held.map((h) => h.ref),
          this.instanceId,
        );
        await removeHeartbeat(redis, this.instanceId);
        await redis.publish(KEYS.accountsChanged, this.instanceId);
      } catch (err) {
        log.warn({ err }, 'leases not released; they expire on their own');
      }
    }
    await Promise.all([this.redis?.quit(), this.sub?.quit()].map((p) => p?.catch(() => undefined)));
    this.redis = null;
    this.sub = null;
  }
}

/** Tells the instance holding an account's lease that its settings changed. */
export async function announceAccountChanged(redis: Redis, ref: AccountRef): Promise<void> {
  await redis.publish(KEYS.kick(ref), RESTART);
}

/** Tells every instance that the set of accounts changed (one was added or removed). */
export async function announceAccountsChanged(redis: Redis): Promise<void> {
  await redis.publish(KEYS.accountsChanged, 'changed');
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
