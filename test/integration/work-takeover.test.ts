// Takeover, for real: two instances (one a process of its own), five accounts on a Dovecot,
// the process SIGKILLed in the middle of its first sync. The other instance takes its
// accounts once their leases expire, and in the end every account's Inbox holds each
// Message-ID of the server once: none lost, none doubled.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkNode } from '../../main/server/work/node.js';
import { KEYS } from '../../main/server/work/redis.js';
import type { AccountRef } from '../../main/server/work/types.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { nodeChild, waitFor } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import {
  accountOn,
  addPerson,
  inboxMessageIds,
  instanceConfig,
  instanceServices,
  peopleDatabase,
  type PeopleSetup,
} from '../support/work-people.js';

const USERS = ['first', 'second', 'third', 'fourth', 'fifth'];
const PER_ACCOUNT = 1500;
const TTL_MS = 4_000;

let dovecot: DovecotServer;
let postgres: PostgresServer;
let redisServer: RedisServer;
let redis: Redis;
let setup: PeopleSetup;
let admin: Awaited<ReturnType<typeof instanceServices>>;
const refs: AccountRef[] = [];
const expected = new Map<number, string[]>();
let child: ChildProcess | undefined;
let tempDir: string;
let survivor: WorkNode | undefined;
let survivorServices: Awaited<ReturnType<typeof instanceServices>> | undefined;

beforeAll(async () => {
  [dovecot, postgres, redisServer] = await Promise.all([
    startDovecot({
      users: USERS.slice(1).map((user) => ({ user, password: `${user}-pass` })),
      user: USERS[0],
    }),
    startPostgres(),
    startRedis(),
  ]);
  redis = new Redis(redisServer.url);
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-takeover-'));
  setup = await peopleDatabase(postgres);
  admin = await instanceServices(setup, null);
  const people = [
    await addPerson(setup.db, 'acme', 'alice@acme.test'),
    await addPerson(setup.db, 'acme', 'ann@acme.test'),
    await addPerson(setup.db, 'globex', 'bob@globex.test'),
  ];
  for (const [i, user] of USERS.entries()) {
    const ids = Array.from({ length: PER_ACCOUNT }, (_, n) => `<m${n}-${user}@maildock.test>`);
    await dovecot.forUser(user).loadMaildir(
      'INBOX',
      ids.map((messageId) => ({ raw: makeMail({ messageId, subject: `message ${messageId}` }) })),
    );
    const owner = people[i % people.length] as AccountRef['owner'];
    const r = await (
      await admin.services.get(owner)
    ).invoke('account.add', accountOn(dovecot.port, dovecot.forUser(user)));
    if (!r.ok) throw new Error(r.error.message);
    refs.push({ accountId: r.value.id, owner });
    expected.set(r.value.id, ids);
  }
}, 120_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.stop();
  await survivorServices?.close();
  await admin?.close();
  redis?.disconnect();
  await setup?.close();
  await Promise.all([dovecot?.stop(), postgres?.stop(), redisServer?.stop()]);
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

const holderOf = (ref: AccountRef) => redis.get(KEYS.lease(ref));
const synced = async (ref: AccountRef) =>
  (await inboxMessageIds(await admin.services.get(ref.owner), ref.accountId)).length;

describe('takeover', () => {
  it('takes over the accounts of an instance killed mid-sync, losing and doubling nothing', async () => {
    const support = fileURLToPath(new URL('../support/work-people.ts', import.meta.url));
    const code = `const { runInstance } = await import(${JSON.stringify(support)});
await runInstance(JSON.parse(process.argv[1]));`;
    const config = instanceConfig(setup, redisServer.url, 'doomed', TTL_MS, tempDir);
    child = (await nodeChild<{ instanceId: string }>(code, [JSON.stringify(config)])).child;

    survivorServices = await instanceServices(setup);
    survivor = new WorkNode({
      redisUrl: redisServer.url,
      directory: survivorServices.directory,
      services: survivorServices.services,
      capacity: 10,
      instanceId: 'survivor',
      leaseTtlMs: TTL_MS,
      roundMs: 300,
    });
    await survivor.start();

    // Both hold accounts (settled: the survivor has its share), and one of the doomed
    // instance's is part-way through its sync.
    const partial = async () => {
      const holders = await Promise.all(refs.map(holderOf));
      const doomed = refs.filter((_, i) => holders[i] === 'doomed');
      const counts = await Promise.all(doomed.map(synced));
      return {
        doomed,
        partly: doomed.filter((_, i) => counts[i]! > 0 && counts[i]! < PER_ACCOUNT),
      };
    };
    expect(
      await waitFor(
        async () => survivor!.leases.heldRefs().length >= 2 && (await partial()).partly.length > 0,
        60_000,
        20,
      ),
    ).toBe(true);
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => child!.once('exit', resolve));
    const atKill = await partial();
    expect(atKill.partly.length).toBeGreaterThan(0);

    // Its leases stand until they expire; then the survivor holds every account.
    for (const ref of atKill.doomed) expect(await holderOf(ref)).toBe('doomed');
    expect(
      await waitFor(() => survivor!.leases.heldRefs().length === refs.length, TTL_MS * 3),
    ).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS * 3);
    for (const ref of refs) expect(await holderOf(ref)).toBe('survivor');

    for (const ref of refs) {
      const want = expected.get(ref.accountId) as string[];
      expect(await waitFor(async () => (await synced(ref)) >= want.length, 90_000, 250)).toBe(true);
      const got = await inboxMessageIds(await admin.services.get(ref.owner), ref.accountId);
      expect(got.length).toBe(want.length);
      expect(new Set(got).size).toBe(want.length);
      expect([...got].sort()).toEqual([...want].sort());
    }
  }, 240_000);
});
