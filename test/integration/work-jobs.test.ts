// What each job does when no instance holds the account: sync and replay run here under a
// lease borrowed for the job, send runs anywhere; and a job naming another person's account
// finds nothing and is not retried. Real Postgres, Redis and Dovecot.
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRunner } from '../../main/server/work/jobs.js';
import { WorkQueue } from '../../main/server/work/queue.js';
import { KEYS, redisTarget } from '../../main/server/work/redis.js';
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
let opened: Awaited<ReturnType<typeof instanceServices>>;
let queue: WorkQueue;
let alice: AccountRef;
let bob: AccountRef['owner'];

beforeAll(async () => {
  [dovecot, postgres, redisServer] = await Promise.all([
    startDovecot(),
    startPostgres(),
    startRedis(),
  ]);
  redis = new Redis(redisServer.url);
  setup = await peopleDatabase(postgres);
  const owner = await addPerson(setup.db, 'acme', 'alice@acme.test');
  bob = await addPerson(setup.db, 'globex', 'bob@globex.test');
  opened = await instanceServices(setup, null);
  await dovecot.loadMaildir(
    'INBOX',
    [1, 2, 3].map((n) => ({ raw: makeMail({ messageId: `<job-${n}@maildock.test>` }) })),
  );
  const r = await (
    await opened.services.get(owner)
  ).invoke('account.add', accountOn(dovecot.port, dovecot));
  if (!r.ok) throw new Error(r.error.message);
  alice = { accountId: r.value.id, owner };
  queue = new WorkQueue({ redis: redisTarget(redisServer.url), attempts: 3, backoffMs: 100 });
  queue.startWorker(jobRunner({ services: opened.services, redis, instanceId: 'runner' }));
});

afterAll(async () => {
  await queue?.close();
  await opened?.close();
  redis?.disconnect();
  await setup?.close();
  await Promise.all([dovecot?.stop(), postgres?.stop(), redisServer?.stop()]);
});

async function finished(id: string) {
  expect(
    await waitFor(async () => {
      const state = await (await queue.queue.getJob(id))?.getState();
      return state === 'completed' || state === 'failed';
    }, 30_000),
  ).toBe(true);
  return (await queue.queue.getJob(id))!;
}

async function flaggedOnServer(messageId: string): Promise<boolean> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      for await (const m of client.fetch('1:*', { flags: true, envelope: true }))
        if (m.envelope?.messageId === messageId) return m.flags?.has('\\Flagged') ?? false;
      return false;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

describe('jobs of an account nobody holds', () => {
  it('sync runs here, under a lease it gives back', async () => {
    const job = await finished(await queue.add('sync', alice));
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ ran: 'here', accountId: alice.accountId });
    const ids = await inboxMessageIds(await opened.services.get(alice.owner), alice.accountId);
    expect(ids.sort()).toEqual([
      '<job-1@maildock.test>',
      '<job-2@maildock.test>',
      '<job-3@maildock.test>',
    ]);
    expect(await redis.get(KEYS.lease(alice))).toBeNull();
  });

  it('replay takes a change made here to the server', async () => {
    const service = await opened.services.get(alice.owner);
    const boxes = await service.invoke('mailbox.list', { accountId: alice.accountId });
    const inbox = boxes.ok ? boxes.value.find((m) => m.path === 'INBOX') : undefined;
    const list = await service.invoke('message.list', { mailboxId: inbox!.id, limit: 10 });
    const message = list.ok
      ? list.value.messages.find((m) => m.messageId === '<job-2@maildock.test>')
      : undefined;
    const marked = await service.invoke('message.mark', { ids: [message!.id], flagged: true });
    expect(marked.ok).toBe(true);
    expect(await flaggedOnServer('<job-2@maildock.test>')).toBe(false);
    const job = await finished(await queue.add('replay', alice));
    expect(await job.getState()).toBe('completed');
    expect(await flaggedOnServer('<job-2@maildock.test>')).toBe(true);
    expect(await redis.get(KEYS.lease(alice))).toBeNull();
  });

  it('send runs here whatever holds the account', async () => {
    await redis.set(KEYS.lease(alice), 'elsewhere', 'PX', 10_000);
    try {
      const job = await finished(await queue.add('send', alice));
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toEqual({ ran: 'here', accountId: alice.accountId });
    } finally {
      await redis.del(KEYS.lease(alice));
    }
  });

  it("finds nothing of another person's account, and does not try again", async () => {
    const job = await finished(await queue.add('sync', { accountId: alice.accountId, owner: bob }));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    const [view] = await queue.list({ failed: true });
    expect(view?.error?.code).toBe('NOT_FOUND');
  });
});
