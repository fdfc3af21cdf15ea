// Events across instances on a real Redis: two buses are two instances; what one publishes
// for a user reaches the other's subscriber of that user, and no one else's.
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../common/api.js';
import { CoreEvents } from '../../main/core/methods/events.js';
import { EventsBus, userChannel, type BusEvent } from '../../main/server/work/events-bus.js';
import { EVENTS_PATH, registerEvents } from '../../main/server/events.js';
import { busEvents } from '../../main/server/work/events-socket.js';
import { redisTarget } from '../../main/server/work/redis.js';
import { waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';

let server: RedisServer;
let redis: Redis;
const buses: EventsBus[] = [];

const alice = { tenantId: 1, userId: 10 };
const bob = { tenantId: 1, userId: 11 };
const carol = { tenantId: 2, userId: 10 }; // same user id, another tenant

const bus = async () => {
  const b = new EventsBus(redisTarget(server.url));
  buses.push(b);
  await b.start();
  return b;
};
const collect = () => {
  const got: BusEvent[] = [];
  return { got, fn: (m: BusEvent) => got.push(m) };
};
const subscribers = async (channel: string) =>
  ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

describe('events bus', () => {
  it("delivers a service's events on one instance to the user's sockets on another", async () => {
    const instanceA = await bus();
    const instanceB = await bus();
    const aliceOnA = collect();
    await instanceA.subscribe(alice, aliceOnA.fn);
    // Instance B runs Alice's sync: its service's events go out on her channel.
    const aliceService = new CoreEvents();
    const stop = instanceB.forward(alice, aliceService);
    aliceService.emit('mail.new', { accountId: 4, mailboxId: 9, count: 2 });
    expect(await waitFor(() => aliceOnA.got.length === 1, 5_000)).toBe(true);
    expect(aliceOnA.got[0]).toEqual({
      event: 'mail.new',
      payload: { accountId: 4, mailboxId: 9, count: 2 },
    });
    stop();
    aliceService.emit('mail.new', { accountId: 4, mailboxId: 9, count: 1 });
    await waitFor(() => false, 300);
    expect(aliceOnA.got).toHaveLength(1);
  });

  it("never gives one user another's events, not even a namesake in another tenant", async () => {
    const instanceA = await bus();
    const instanceB = await bus();
    const aliceGot = collect();
    const bobGot = collect();
    const carolGot = collect();
    await instanceA.subscribe(alice, aliceGot.fn);
    await instanceA.subscribe(bob, bobGot.fn);
    await instanceB.subscribe(carol, carolGot.fn);
    await instanceB.publish(bob, 'mail.new', { accountId: 20, mailboxId: 1, count: 1 });
    await instanceB.publish(carol, 'mail.new', { accountId: 30, mailboxId: 1, count: 5 });
    await instanceA.publish(alice, 'sync.error', {
      accountId: 10,
      error: { code: 'INTERNAL', message: '/srv/maildock/secret/path exploded' },
    });
    expect(
      await waitFor(
        () => aliceGot.got.length === 1 && bobGot.got.length === 1 && carolGot.got.length === 1,
        5_000,
      ),
    ).toBe(true);
    await waitFor(() => false, 300);
    expect(bobGot.got.map((m) => m.payload)).toEqual([{ accountId: 20, mailboxId: 1, count: 1 }]);
    expect(carolGot.got.map((m) => m.payload)).toEqual([{ accountId: 30, mailboxId: 1, count: 5 }]);
    // What crosses Redis is what a browser may see: an internal error's text stays behind.
    const error = (aliceGot.got[0]?.payload as { error: { message: string } }).error;
    expect(error.message).not.toContain('/srv/maildock');
  });

  it('shares one Redis subscription among the sockets of one user', async () => {
    const instance = await bus();
    const first = collect();
    const second = collect();
    const offFirst = await instance.subscribe(alice, first.fn);
    const offSecond = await instance.subscribe(alice, second.fn);
    expect(await subscribers(userChannel(alice))).toBe(1);
    await instance.publish(alice, 'mail.new', { accountId: 1, mailboxId: 1, count: 1 });
    expect(await waitFor(() => first.got.length === 1 && second.got.length === 1, 5_000)).toBe(
      true,
    );
    await offFirst();
    expect(await subscribers(userChannel(alice))).toBe(1);
    await offSecond();
    expect(await subscribers(userChannel(alice))).toBe(0);
    expect(instance.subscribedChannels()).toEqual([]);
  });

  it('drops what is not an event of the contract', async () => {
    const instance = await bus();
    const got = collect();
    await instance.subscribe(alice, got.fn);
    const channel = userChannel(alice);
    await redis.publish(channel, 'not json');
    await redis.publish(channel, JSON.stringify({ event: 'ui.command', payload: {} }));
    await redis.publish(channel, JSON.stringify({ event: 'mail.new', payload: { count: 'x' } }));
    await redis.publish(
      channel,
      JSON.stringify({
        event: 'mail.new' as EventName,
        payload: { accountId: 1, mailboxId: 2, count: 3 },
      }),
    );
    expect(await waitFor(() => got.got.length === 1, 5_000)).toBe(true);
    await waitFor(() => false, 200);
    expect(got.got).toEqual([
      { event: 'mail.new', payload: { accountId: 1, mailboxId: 2, count: 3 } },
    ]);
  });

  it('refuses a channel for an owner that is not one', () => {
    expect(() => userChannel({ tenantId: 1, userId: Number.NaN })).toThrow();
    expect(() => userChannel({ tenantId: 0, userId: 1 })).toThrow();
  });

  it("feeds a browser's socket on one instance with the mail another instance synced", async () => {
    const instanceA = await bus();
    const instanceB = await bus();
    // The server's own events route; the owner comes from the verified token there, from a
    // header here.
    const app = Fastify();
    await app.register(fastifyWebsocket);
    const subscribeFor = busEvents(instanceA);
    registerEvents(app, (req, emit) =>
      subscribeFor({ owner: req.headers['x-who'] === 'alice' ? alice : bob })(req, emit),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const open = async (who: string) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${EVENTS_PATH}`, {
        headers: { 'x-who': who },
      });
      const got: unknown[] = [];
      socket.on('message', (data) => got.push(JSON.parse(String(data))));
      await new Promise((resolve) => socket.once('open', resolve));
      return { socket, got };
    };
    try {
      const aliceSocket = await open('alice');
      const bobSocket = await open('bob');
      await waitFor(() => instanceA.subscribedChannels().length === 2, 5_000);
      const aliceService = new CoreEvents();
      instanceB.forward(alice, aliceService);
      aliceService.emit('mail.new', { accountId: 4, mailboxId: 9, count: 3 });
      expect(await waitFor(() => aliceSocket.got.length === 1, 5_000)).toBe(true);
      expect(aliceSocket.got[0]).toEqual({
        event: 'mail.new',
        payload: { accountId: 4, mailboxId: 9, count: 3 },
      });
      await waitFor(() => false, 300);
      expect(bobSocket.got).toEqual([]);
      aliceSocket.socket.close();
      bobSocket.socket.close();
      expect(await waitFor(() => instanceA.subscribedChannels().length === 0, 5_000)).toBe(true);
      expect(await subscribers(userChannel(alice))).toBe(0);
    } finally {
      await app.close();
    }
  });
});
