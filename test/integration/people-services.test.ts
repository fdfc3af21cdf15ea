// People's services on an instance of the server of many people, over a real Postgres and
// Redis: a service nothing has used or held for the idle time is closed (its timers and
// memory go) and opened anew on the next use; a call running in it, or a hold (a watched
// account, an events socket), keeps it open; and a work node publishes the events of the
// service opened anew, and nothing more of the closed one.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonServices, type Owner } from '../../main/core/people/index.js';
import type { MaildockService } from '../../main/core/service.js';
import { EventsBus, type BusEvent } from '../../main/server/work/events-bus.js';
import { WorkNode } from '../../main/server/work/node.js';
import { redisTarget } from '../../main/server/work/redis.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { addPerson, peopleDatabase, type PeopleSetup } from '../support/work-people.js';

const IDLE_MS = 60_000;
/** A moment past the idle time of everything used until now. */
const later = () => Date.now() + IDLE_MS;

let postgres: PostgresServer;
let redis: RedisServer;
let setup: PeopleSetup;
let dataDir: string;
let alice: Owner;
let bob: Owner;
const opened: PersonServices[] = [];

const people = () => {
  const services = new PersonServices(setup.db, { dataDir, keys: setup.keys, idleMs: IDLE_MS });
  opened.push(services);
  return services;
};

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  setup = await peopleDatabase(postgres);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-people-services-'));
  alice = await addPerson(setup.db, 'acme', 'alice@acme.test');
  bob = await addPerson(setup.db, 'acme', 'bob@acme.test');
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await setup?.close();
  await Promise.all([postgres?.stop(), redis?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("people's services", () => {
  it('closes a service idle for the idle time, and opens a new one on the next use', async () => {
    const services = people();
    const closed: MaildockService[] = [];
    services.onClosed((_owner, service) => closed.push(service));
    const first = await services.get(alice);
    expect(await services.get(alice)).toBe(first);
    const bobs = await services.get(bob);

    // Not idle long enough: nothing closes.
    expect(await services.sweep(Date.now() + IDLE_MS / 2)).toBe(0);
    expect(await services.sweep(later())).toBe(2);
    expect(new Set(closed)).toEqual(new Set([first, bobs]));

    const second = await services.get(alice);
    expect(second).not.toBe(first);
    const listed = await services.use(alice, (s) => s.invoke('account.list', {}));
    expect(listed).toEqual({ ok: true, value: [] });
  });

  it('keeps a service open while a call runs in it and while a hold is not released', async () => {
    const services = people();
    let finish!: () => void;
    let started = false;
    const running = services.use(alice, async (service) => {
      started = true;
      await new Promise<void>((resolve) => (finish = resolve));
      return service;
    });
    expect(await waitFor(async () => started, 5_000)).toBe(true);
    expect(await services.sweep(later() + IDLE_MS)).toBe(0);
    finish();
    const used = await running;

    const held = await services.hold(alice);
    expect(held.service).toBe(used);
    expect(await services.sweep(later() + IDLE_MS)).toBe(0);
    held.release();
    held.release(); // once only: a second release does not free another holder's hold
    const other = await services.hold(alice);
    held.release();
    expect(await services.sweep(later() + IDLE_MS)).toBe(0);
    other.release();
    expect(await services.sweep(later())).toBe(1);
    expect(await services.get(alice)).not.toBe(used);
  });

  it("publishes the events of a person's service opened anew, and none of the closed one", async () => {
    const services = people();
    const node = new WorkNode({
      redisUrl: redis.url,
      directory: setup.db.people.directory,
      services,
      capacity: 10,
    });
    const listener = new EventsBus(redisTarget(redis.url));
    await Promise.all([node.start(), listener.start()]);
    try {
      const got: BusEvent[] = [];
      const off = await listener.subscribe(alice, (m) => got.push(m));
      const mail = (count: number) => ({ accountId: 1, mailboxId: 1, count });

      const first = await node.services.get(alice);
      (first as MaildockService).events.emit('mail.new', mail(1));
      expect(await waitFor(async () => got.length === 1, 5_000)).toBe(true);

      expect(await services.sweep(later())).toBe(1);
      (first as MaildockService).events.emit('mail.new', mail(2));
      const second = (await node.services.get(alice)) as MaildockService;
      expect(second).not.toBe(first);
      second.events.emit('mail.new', mail(3));
      expect(await waitFor(async () => got.length >= 2, 5_000)).toBe(true);
      // Redis keeps the order of one publisher's messages: had 2 gone out, it came before 3.
      expect(got.map((m) => (m.payload as { count: number }).count)).toEqual([1, 3]);
      await off();
    } finally {
      await Promise.all([node.stop(), listener.close()]);
    }
  });
});
