// The core's events across instances: each instance publishes the events of the services it
// runs on the owner's channel, `maildock:events:<tenantId>:<userId>`, and the instance that
// holds a browser's WebSocket subscribes to that user's channel while the socket is open
// (one Redis subscription per user, however many sockets). The channel comes from the
// verified owner only, and what arrives is parsed with the contract's schemas.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { events, type EventName, type EventPayload } from '../../../common/api.js';
import { publicPayload } from '../../../common/public-error.js';
import { getLogger } from '../../core/platform/log.js';
import { connected, redisClient, type RedisTarget } from './redis.js';
import type { Owner, PersonService } from './types.js';

const log = getLogger('events-bus');

export interface BusEvent<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

type Listener = (message: BusEvent) => void;

/** Events that belong to one person; `ui.command` is the desktop shell's own. */
export const BUS_EVENTS = (Object.keys(events) as EventName[]).filter((e) => e !== 'ui.command');

const ownerId = z.number().int().positive();

export function userChannel(owner: Owner): string {
  return `maildock:events:${ownerId.parse(owner.tenantId)}:${ownerId.parse(owner.userId)}`;
}

const envelope = z.object({ event: z.enum(BUS_EVENTS as [EventName, ...EventName[]]) }).loose();

/** A message from Redis, if it is an event of the contract with a payload that fits it. */
export function parseBusEvent(text: string): BusEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const head = envelope.safeParse(raw);
  if (!head.success) return null;
  const payload = events[head.data.event].safeParse((raw as { payload?: unknown }).payload);
  return payload.success ? ({ event: head.data.event, payload: payload.data } as BusEvent) : null;
}

export class EventsBus {
  private pub: Redis | null = null;
  private sub: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Subscriptions in progress per channel, so a quick unsubscribe waits for them. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(private readonly redis: RedisTarget) {}

  async start(): Promise<void> {
    this.pub = redisClient(this.redis, 'maildock-events-pub');
    this.sub = redisClient(this.redis, 'maildock-events-sub');
    this.pub.on('error', (err) => log.debug({ err }, 'events connection error'));
    this.sub.on('error', (err) => log.debug({ err }, 'events subscriber error'));
    await Promise.all([connected(this.pub), connected(this.sub)]);
    this.sub.on('message', (channel: string, text: string) => this.deliver(channel, text));
  }

  async publish<E extends EventName>(
    owner: Owner,
    event: E,
    payload: EventPayload<E>,
  ): Promise<void> {
    if (!this.pub) throw new Error('the events bus is not started');
    const message = JSON.stringify({ event, payload: publicPayload(event, payload) });
    await this.pub.publish(userChannel(owner), message);
  }

  /** Publishes every event of a person's service until the returned function is called. */
  forward(owner: Owner, service: Pick<PersonService, 'on'>): () => void {
    const offs = BUS_EVENTS.map((event) =>
      service.on(event, (payload) => {
        this.publish(owner, event, payload).catch((err: unknown) =>
          log.warn({ err, event }, 'event not published'),
        );
      }),
    );
    return () => {
      for (const off of offs) off();
    };
  }

  /**
   * Delivers the person's events, from every instance, to `fn` until the returned function
   * is called. The Redis subscription is shared by all listeners of one person.
   */
  async subscribe(owner: Owner, fn: Listener): Promise<() => Promise<void>> {
    const sub = this.sub;
    if (!sub) throw new Error('the events bus is not started');
    const channel = userChannel(owner);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    if (set.size === 1) await this.track(channel, sub.subscribe(channel));
    else await this.pending.get(channel);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const current = this.listeners.get(channel);
      current?.delete(fn);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        await this.pending.get(channel);
        // Someone may have subscribed again while this one waited.
        if (!this.listeners.has(channel))
          await this.track(
            channel,
            sub.unsubscribe(channel).catch(() => undefined),
          );
      }
    };
  }

  /** Users with a subscription on this instance now. */
  subscribedChannels(): string[] {
    return [...this.listeners.keys()].sort();
  }

  private async track(channel: string, step: Promise<unknown>): Promise<void> {
    this.pending.set(channel, step);
    try {
      await step;
    } finally {
      if (this.pending.get(channel) === step) this.pending.delete(channel);
    }
  }

  private deliver(channel: string, text: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    const message = parseBusEvent(text);
    if (!message) {
      log.warn({ channel }, 'a message that is no event was dropped');
      return;
    }
    for (const fn of set) fn(message);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all([this.pub?.quit(), this.sub?.quit()].map((p) => p?.catch(() => undefined)));
    this.pub = null;
    this.sub = null;
  }
}
