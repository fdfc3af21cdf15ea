// Two server instances over one Postgres, one Redis and one Dovecot, each with its own
// services per person (as two processes would have): the accounts are shared out, new mail
// of an account is synced by its holder and heard of by a browser on the other instance,
// a job on one instance is handed to the holder, a graceful stop hands the accounts over,
// and /metrics tells what each instance holds.
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../main/server/work/events-bus.js';
import { registerMetrics } from '../../main/server/work/metrics.js';
import { WorkNode } from '../../main/server/work/node.js';
import { KEYS } from '../../main/server/work/redis.js';
import type { AccountRef } from '../../main/server/work/types.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import {
  accountOn,
  addPerson,
  inboxMessageIds,
  instanceServices,
  peopleDatabase,
  type PeopleSetup,
} from '../support/work-people.js';

let dovecot: DovecotServer;
let postgres: PostgresServer;
let redisServer: RedisServer;
let redis: Redis;
let setup: PeopleSetup;
let refs: AccountRef[] = [];
const closers: (() => Promise<void>)[] = [];

const TTL_MS = 3_000;

beforeAll(async () => {
  [dovecot, postgres, redisServer] = await Promise.all([
    startDovecot({
      users: [
        { user: 'second', password: 'second-pass' },
        { user: 'third', password: 'third-pass' },
      ],
    }),
    startPostgres(),
    startRedis(),
  ]);
  redis = new Redis(redisServer.url);
  setup = await peopleDatabase(postgres);
  const alice = await addPerson(setup.db, 'acme', 'alice@acme.test');
  const bob = await addPerson(setup.db, 'globex', 'bob@globex.test');
  const admin = await instanceServices(setup, null);
  closers.push(admin.close);
  const add = async (owner: typeof alice, user: string) => {
    const service = await admin.services.get(owner);
    const r = await service.invoke('account.add', accountOn(dovecot.port, dovecot.forUser(user)));
    if (!r.ok) throw new Error(r.error.message);
    return { accountId: r.value.id, owner };
  };
  refs = [await add(alice, dovecot.user), await add(alice, 'second'), await add(bob, 'third')];
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  redis?.disconnect();
  await setup?.close();
  await Promise.all([dovecot?.stop(), postgres?.stop(), redisServer?.stop()]);
});

async function instance(id: string): Promise<WorkNode> {
  const opened = await instanceServices(setup);
  const node = new WorkNode({
    redisUrl: redisServer.url,
    directory: opened.directory,
    services: opened.services,
    capacity: 10,
    instanceId: id,
    leaseTtlMs: TTL_MS,
    roundMs: 300,
    backoffMs: 100,
  });
  await node.start();
  closers.push(async () => {
    await node.stop();
    await opened.close();
  });
  return node;
}

const userOf = (ref: AccountRef) => {
  const at = refs.findIndex((r) => r.accountId === ref.accountId);
  return dovecot.forUser([dovecot.user, 'second', 'third'][at] as string);
};

describe('two server instances', () => {
  let one: WorkNode;
  let two: WorkNode;

  it('share the accounts out, each synced by its holder alone', async () => {
    one = await instance('one');
    two = await instance('two');
    expect(
      await waitFor(
        () =>
          one.leases.heldRefs().length + two.leases.heldRefs().length === 3 &&
          one.leases.heldRefs().length > 0 &&
          two.leases.heldRefs().length > 0,
        15_000,
      ),
    ).toBe(true);
    const heldByOne = one.leases.heldAccounts();
    const heldByTwo = two.leases.heldAccounts();
    expect(heldByOne.filter((id) => heldByTwo.includes(id))).toEqual([]);
  });

  it("brings an account's new mail to a browser of its person on the other instance", async () => {
    for (const ref of refs) {
      const holder = one.leases.heldAccounts().includes(ref.accountId) ? one : two;
      const other = holder === one ? two : one;
      const heard: BusEvent[] = [];
      const off = await other.bus.subscribe(ref.owner, (m) => heard.push(m));
      try {
        const messageId = `<pushed-${ref.accountId}-${Date.now()}@maildock.test>`;
        await userOf(ref).append('INBOX', makeMail({ subject: 'for the browser', messageId }));
        expect(
          await waitFor(
            () =>
              heard.some(
                (m) =>
                  m.event === 'mail.new' &&
                  (m.payload as { accountId: number }).accountId === ref.accountId,
              ),
            15_000,
          ),
        ).toBe(true);
        const ids = await inboxMessageIds(await holder.services.get(ref.owner), ref.accountId);
        expect(ids.filter((id) => id === messageId)).toHaveLength(1);
      } finally {
        await off();
      }
    }
  });

  it('hands a sync job to the instance that holds the account', async () => {
    const ref = refs.find((r) => two.leases.heldAccounts().includes(r.accountId)) as AccountRef;
    const id = await one.queue.add('sync', ref);
    expect(
      await waitFor(
        async () => (await one.queue.queue.getJob(id))?.finishedOn !== undefined,
        10_000,
      ),
    ).toBe(true);
    const job = await one.queue.queue.getJob(id);
    expect(job?.returnvalue).toEqual({ ran: 'holder', accountId: ref.accountId, holder: 'two' });
  });

  it('tells Prometheus what each instance holds and does', async () => {
    const app = Fastify();
    registerMetrics(app, one.metrics);
    await app.inject({ method: 'GET', url: '/nothing-here' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    const held = one.leases.heldRefs().length;
    expect(text).toContain(`maildock_leases_held{instance="one"} ${held}`);
    expect(text).toMatch(/maildock_jobs\{state="completed"\} [1-9]/);
    expect(text).toMatch(/maildock_queue_depth \d+/);
    expect(text).toMatch(
      /maildock_http_request_duration_seconds_count\{method="GET",status="404"\} 1/,
    );
    for (const ref of one.leases.heldRefs())
      expect(text).toMatch(
        new RegExp(`maildock_sync_lag_seconds\\{account="${ref.accountId}"\\} \\d`),
      );
  });

  it('hands every account over at once on a graceful stop', async () => {
    const leaving = two.leases.heldRefs();
    const stoppedAt = Date.now();
    await two.stop();
    for (const ref of leaving) expect(await redis.get(KEYS.lease(ref))).not.toBe('two');
    expect(await waitFor(() => one.leases.heldRefs().length === 3, TTL_MS)).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);
    const ref = leaving[0] as AccountRef;
    const messageId = `<after-handover-${Date.now()}@maildock.test>`;
    await userOf(ref).append('INBOX', makeMail({ subject: 'after the handover', messageId }));
    const service = await one.services.get(ref.owner);
    expect(
      await waitFor(
        async () => (await inboxMessageIds(service, ref.accountId)).includes(messageId),
        15_000,
      ),
    ).toBe(true);
  });
});
