// People on a real Postgres for the work tests: a fresh database of the server of many
// people, persons in tenants, and each person's services as an instance of the server opens
// them (core/people's PersonServices, over the person's scoped store and sealed secrets).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  openServerDatabase,
  PersonServices,
  type Owner,
  type SealingKey,
  type ServerDatabase,
} from '../../main/core/people/index.js';
import type { MaildockService } from '../../main/core/service.js';
import type { WatchOptions } from '../../main/core/sync/watch.js';
import type { DovecotUser } from './dovecot.js';
import type { PostgresServer } from './postgres.js';
import { freshDatabase } from './postgres-store.js';

export interface PeopleSetup {
  url: string;
  appPassword: string;
  keys: SealingKey[];
  /** The database as the tests' own instance opens it (for setting people up). */
  db: ServerDatabase;
  close(): Promise<void>;
}

export async function peopleDatabase(server: PostgresServer): Promise<PeopleSetup> {
  const url = await freshDatabase(server);
  const appPassword = randomBytes(24).toString('base64url');
  const db = await openServerDatabase(url, { appPassword });
  return {
    url,
    appPassword,
    keys: [{ id: 'k1', key: randomBytes(32) }],
    db,
    close: () => db.close(),
  };
}

export async function addPerson(db: ServerDatabase, tenant: string, email: string) {
  const t =
    (await db.people.tenants.list()).find((x) => x.name === tenant) ??
    (await db.people.tenants.add(tenant));
  const p = await db.people.users.add({
    tenantId: t.id,
    email,
    passwordHash: 'not used here',
    role: 'user',
  });
  return { tenantId: p.tenantId, userId: p.userId };
}

/**
 * What one server instance opens: its own services per person over the shared database,
 * ready to watch the accounts whose leases the instance takes (MaildockService.watchLeased).
 */
export async function instanceServices(
  setup: Pick<PeopleSetup, 'url' | 'appPassword' | 'keys'> & { tempDir?: string },
  /** null: a service that never watches (one to set people up, or a job runner's). */
  watch: WatchOptions | null = { pollMs: 60_000 },
) {
  const db = await openServerDatabase(setup.url, { appPassword: setup.appPassword });
  // A process killed by a test leaves it behind: under the test's own temp folder, if given.
  const dataDir = await mkdtemp(path.join(setup.tempDir ?? os.tmpdir(), 'maildock-instance-'));
  const people = new PersonServices(db, {
    dataDir,
    keys: setup.keys,
    service: { timeoutMs: 5_000 },
  });
  const ready = (service: MaildockService): MaildockService => {
    if (watch) service.watchLeased(watch);
    return service;
  };
  const services = {
    get: async (owner: Owner) => ready(await people.get(owner)),
    use: <T>(owner: Owner, fn: (service: MaildockService) => Promise<T>) =>
      people.use(owner, (service) => fn(ready(service))),
    hold: async (owner: Owner) => {
      const held = await people.hold(owner);
      ready(held.service);
      return held;
    },
    onClosed: (fn: (owner: Owner, service: MaildockService) => void) => people.onClosed(fn),
  };
  return {
    services,
    directory: db.people.directory,
    async close() {
      await people.close();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const accountOn = (port: number, user: DovecotUser) => ({
  email: `${user.user}@maildock.test`,
  imap: { host: '127.0.0.1', port, security: 'none', user: user.user },
  password: user.password,
});

/** The Message-IDs of an account's Inbox in the person's store, one per message there. */
export async function inboxMessageIds(
  service: Pick<MaildockService, 'invoke'>,
  accountId: number,
): Promise<string[]> {
  const boxes = await service.invoke('mailbox.list', { accountId });
  if (!boxes.ok) throw new Error(boxes.error.message);
  const inbox = boxes.value.find((m) => m.path === 'INBOX');
  if (!inbox) return [];
  const ids: string[] = [];
  let before: number | null | undefined;
  do {
    const page = await service.invoke('message.list', {
      mailboxId: inbox.id,
      limit: 1000,
      ...(before ? { before } : {}),
    });
    if (!page.ok) throw new Error(page.error.message);
    ids.push(...page.value.messages.map((m) => m.messageId ?? ''));
    before = page.value.nextBefore;
  } while (before);
  return ids;
}

export interface InstanceConfig {
  url: string;
  appPassword: string;
  /** base64 of each key, by id */
  keys: { id: string; key: string }[];
  redisUrl: string;
  instanceId: string;
  ttlMs: number;
  tempDir: string;
}

export const instanceConfig = (
  setup: PeopleSetup,
  redisUrl: string,
  instanceId: string,
  ttlMs: number,
  tempDir: string,
): InstanceConfig => ({
  url: setup.url,
  appPassword: setup.appPassword,
  keys: setup.keys.map((k) => ({ id: k.id, key: k.key.toString('base64') })),
  redisUrl,
  instanceId,
  ttlMs,
  tempDir,
});

/**
 * One server instance's work in a process of its own (see nodeChild): it prints a line of
 * JSON once started and runs until it is killed.
 */
export async function runInstance(config: InstanceConfig): Promise<void> {
  const { WorkNode } = await import('../../main/server/work/node.js');
  const opened = await instanceServices({
    url: config.url,
    appPassword: config.appPassword,
    keys: config.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    tempDir: config.tempDir,
  });
  const node = new WorkNode({
    redisUrl: config.redisUrl,
    directory: opened.directory,
    services: opened.services,
    capacity: 10,
    instanceId: config.instanceId,
    leaseTtlMs: config.ttlMs,
    roundMs: 300,
  });
  await node.start();
  console.log(JSON.stringify({ instanceId: node.instanceId }));
  setInterval(() => undefined, 1000);
}
