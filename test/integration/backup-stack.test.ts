// A backup of everything with the bundled stack running on a real Docker engine: mail in a
// local mailbox (Dovecot's volume), rows in its Postgres, keys in its Redis, its TLS and
// Postfix's queue. Backed up, verified (pg_restore lists the dump), then the machine wiped
// (the stack's containers and volumes, the whole data folder) and restored: the same
// messages byte for byte with their flags and folders over IMAP, the same rows and keys,
// and Maildock syncing on without a change.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ENTRY } from '../../main/core/backup/archive.js';
import { pinnedTls } from '../../main/core/net/pinned-tls.js';
import { MaildockService } from '../../main/core/service.js';
import { entriesOf, flip, sha, tarOf, withManifest } from '../support/archive.js';
import { openService, type TestService } from '../support/service.js';
import { configureTestStack } from '../support/stack.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(ROOT, 'test/support/stack-restore-child.ts');
const PROJECT = `mdbak${randomBytes(3).toString('hex')}`;
const PASSWORD = 'alice-password-1';
const PASSPHRASE = 'correct horse battery';
const MESSAGES = 2000;

let t: TestService;
let ports: Record<string, number>;
let dataDir: string;
let secretKey: string;
let accountId: number;
let archive: string;
/** The archive kept outside the data folder, which the wipe removes. */
let kept: string;
let before: Mailbox[];
let storeBefore: Awaited<ReturnType<typeof storeView>>;

interface Mailbox {
  path: string;
  uidValidity: string;
  messages: { uid: number; flags: string[]; sha256: string }[];
}

async function imap<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const pem = (await t.svc.store.accounts.get(accountId))!.imap.tlsCert!;
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: ports.imaps!,
    secure: true,
    tls: pinnedTls(pem),
    auth: { user: 'alice@maildock.test', pass: PASSWORD },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Maildock's own view of the account: folders with counts, every message with its flags. */
async function storeView() {
  const boxes = await t.call('mailbox.list', { accountId });
  const out = [];
  for (const b of boxes.sort((x, y) => x.path.localeCompare(y.path))) {
    const messages: unknown[] = [];
    let before: number | undefined;
    do {
      const page = await t.call('message.list', {
        mailboxId: b.id,
        limit: 500,
        count: false,
        ...(before ? { before } : {}),
      });
      messages.push(...page.messages.map((m) => [m.uid, m.subject, [...m.flags].sort()]));
      before = page.nextBefore ?? undefined;
    } while (before);
    out.push({
      path: b.path,
      uidValidity: b.uidValidity,
      total: b.total,
      unread: b.unread,
      messages,
    });
  }
  return out;
}

/** Every folder of the local mailbox with each message's UID, flags and content hash. */
const mailboxes = () =>
  imap(async (c) => {
    const out: Mailbox[] = [];
    for (const box of (await c.list()).sort((a, b) => a.path.localeCompare(b.path))) {
      const opened = await c.mailboxOpen(box.path, { readOnly: true });
      const messages: Mailbox['messages'] = [];
      if (opened.exists > 0) {
        for await (const m of c.fetch('1:*', { uid: true, flags: true, source: true }))
          messages.push({ uid: m.uid, flags: [...(m.flags ?? [])].sort(), sha256: sha(m.source!) });
      }
      out.push({ path: box.path, uidValidity: String(opened.uidValidity), messages });
    }
    return out;
  });

const secret = (service: string) =>
  readFile(path.join(dataDir, 'stack', 'services', service, 'password'), 'utf8').then((s) =>
    s.trim(),
  );

async function withPostgres<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: ports.postgres!,
    user: 'maildock',
    database: 'maildock',
    password: await secret('postgres'),
  });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function withRedis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    host: '127.0.0.1',
    port: ports.redis!,
    password: await secret('redis'),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await r.connect();
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** The helper containers of this test's stack still there, as Docker lists them. */
const helpersLeft = () =>
  execFileSync('docker', [
    'ps',
    '-aq',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--filter',
    'label=dev.maildock.helper',
  ])
    .toString()
    .trim();

/** The stack holds what the backup holds again: nothing pending, no helper, keys, rows, mail. */
async function expectStackAsBackedUp(): Promise<void> {
  expect(existsSync(path.join(dataDir, 'stack-restore'))).toBe(false);
  expect(helpersLeft()).toBe('');
  expect(await withRedis((r) => r.get('maildock:kept'))).toBe('a value in Redis');
  expect(
    await withPostgres(async (c) => (await c.query('SELECT count(*)::int AS n FROM kept')).rows),
  ).toEqual([{ n: 500 }]);
  expect(await mailboxes()).toEqual(before);
}

function message(i: number): string {
  return [
    `From: Bob <bob@maildock.test>`,
    `To: alice@maildock.test`,
    `Subject: Kept safe ${i}`,
    `Message-ID: <kept-${i}@maildock.test>`,
    `Date: Thu, 03 Dec 2026 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    '',
    `Body of message ${i}: ${randomBytes(48).toString('hex')}`,
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  t = await openService({ timeoutMs: 15_000 });
  ({ dataDir, secretKey } = t);
  ports = await configureTestStack(t, PROJECT, 1000);
  await t.call('stack.up', {});
  const alice = await t.call('stack.user.add', { name: 'alice', password: PASSWORD });
  accountId = alice.accountId;
  // Mail in the local mailbox: an Inbox, an Archive folder, flags on some.
  await imap(async (c) => {
    await c.mailboxCreate('Archive');
    for (let i = 0; i < MESSAGES; i++) {
      await c.append(
        i % 4 === 0 ? 'Archive' : 'INBOX',
        message(i),
        i % 3 === 0 ? ['\\Seen', '\\Flagged'] : i % 3 === 1 ? ['\\Seen'] : [],
      );
    }
  });
  await t.call('draft.save', { accountId, to: ['bob@maildock.test'], subject: 'Unfinished' });
  // Everything on the server before the snapshots below: nothing left to replay.
  await t.call('sync.run', { accountId });
  await t.call('sync.run', { accountId }); // the uploaded draft seen back from the server
  expect((await t.call('sync.summary', {})).operations.pending).toBe(0);
  await withPostgres(async (c) => {
    await c.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
    await c.query(`INSERT INTO kept SELECT g, 'row ' || g FROM generate_series(1, 500) g`);
  });
  await withRedis(async (r) => {
    await r.set('maildock:kept', 'a value in Redis');
    await r.hset('maildock:hash', { a: '1', b: '2' });
  });
  before = await mailboxes();
  storeBefore = await storeView();
}, 20 * 60_000);

afterAll(async () => {
  if (!t) return;
  await t.svc.invoke('stack.down', { volumes: true, confirm: true });
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
  if (kept) await rm(kept, { force: true });
});

describe('a backup with the bundled stack', () => {
  it('holds the database dump, the Redis snapshot and the volumes, and verifies with pg_restore', async () => {
    const made = await t.call('backup.create', {
      includeSecrets: true,
      passphrase: PASSPHRASE,
    });
    archive = made.file;
    const paths = (await entriesOf(archive)).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'store/maildock.db',
        'stack/postgres.dump',
        'stack/redis.rdb',
        'stack/volumes/mail.tar',
        'stack/volumes/tls.tar',
        'stack/volumes/postfix-queue.tar',
        'secrets.sealed.json',
      ]),
    );
    // The Postgres and Redis volumes go as their own dumps, not as raw files.
    expect(paths.some((p) => /postgres-data|redis-data/.test(p))).toBe(false);
    const report = await t.call('backup.verify', { file: archive, passphrase: PASSPHRASE });
    expect(report).toMatchObject({ ok: true, problems: [], notes: [], stack: true, secrets: true });
  }, 300_000);

  it('refuses a Postgres dump that pg_restore cannot list, even with a manifest to match', async () => {
    const junk = Buffer.concat([Buffer.from('PGDMP'), randomBytes(4000)]);
    const entries = (await entriesOf(archive)).map((e) =>
      e.path === PG_ENTRY ? { ...e, data: junk } : e,
    );
    const bad = path.join(path.dirname(archive), 'bad-dump.maildock-backup');
    await writeFile(
      bad,
      tarOf(
        withManifest(entries, (m) => ({
          ...m,
          files: m.files.map((f) =>
            f.path === PG_ENTRY ? { ...f, size: junk.length, sha256: sha(junk) } : f,
          ),
        })),
      ),
    );
    const report = await t.call('backup.verify', { file: bad });
    expect(report.ok).toBe(false);
    expect(report.problems.join(' ')).toMatch(/Postgres dump does not list with pg_restore/);
    await rm(bad);
  }, 120_000);

  it('refuses a flipped byte in each of the stack’s parts, naming the part', async () => {
    const entries = await entriesOf(archive);
    const parts = entries.filter((e) => e.path.startsWith('stack/')).map((e) => e.path);
    expect(parts).toHaveLength(5);
    const bad = path.join(path.dirname(archive), 'flipped.maildock-backup');
    for (const part of parts) {
      await writeFile(
        bad,
        tarOf(entries.map((e) => (e.path === part ? { ...e, data: flip(e.data, 100) } : e))),
      );
      const report = await t.call('backup.verify', { file: bad });
      expect(report.ok, part).toBe(false);
      expect(report.problems, part).toEqual([`${part} does not match its checksum.`]);
    }
    await rm(bad);
  }, 120_000);

  it('starts a stopped Postgres and Redis for their dumps, and stops them again', async () => {
    await t.call('stack.stop', {});
    const made = await t.call('backup.create', {
      to: path.join(dataDir, 'backups', 'stopped.tar'),
    });
    const paths = (await entriesOf(made.file)).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['stack/postgres.dump', 'stack/redis.rdb']));
    const status = await t.call('stack.status', {});
    expect(status.services.map((s) => [s.service, s.state])).toEqual(
      status.services.map((s) => [s.service, 'exited']),
    );
    await rm(made.file);
    await t.call('stack.up', {});
  }, 300_000);

  it('comes back whole on a wiped machine: mail over IMAP, rows, keys, the store and passwords', async () => {
    // Wipe: the stack's containers and volumes, then the whole data folder.
    kept = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.backup`);
    await writeFile(kept, await readFile(archive));
    await t.call('stack.down', { volumes: true, confirm: true });
    await t.close();
    await rm(dataDir, { recursive: true, force: true });

    const restored = await MaildockService.restoreBackup(dataDir, kept, {
      passphrase: PASSPHRASE,
      secretKey,
    });
    expect(restored).toMatchObject({ stack: 'restored', stackProblem: null, secrets: 1 });
    expect(existsSync(path.join(dataDir, 'stack-restore'))).toBe(false);
    // The helper containers that filled the volumes are gone.
    expect(helpersLeft()).toBe('');

    t = await openService({ dataDir, secretKey, timeoutMs: 15_000 });
    const status = await t.call('stack.status', {});
    for (const s of status.services) expect(s.health, s.service).toBe('healthy');

    // The local mailbox: the same folders, UIDs, flags and bytes.
    expect(await mailboxes()).toEqual(before);
    expect(before.flatMap((b) => b.messages)).toHaveLength(MESSAGES + 1); // and the draft
    expect(storeBefore.flatMap((b) => b.messages)).toHaveLength(MESSAGES + 1);
    expect(
      await withPostgres(async (c) => (await c.query('SELECT count(*)::int AS n FROM kept')).rows),
    ).toEqual([{ n: 500 }]);
    expect(
      await withRedis(async (r) => [
        await r.get('maildock:kept'),
        await r.hgetall('maildock:hash'),
      ]),
    ).toEqual(['a value in Redis', { a: '1', b: '2' }]);

    // Maildock's side: the same messages and draft, and a sync that finds nothing to change.
    expect(await storeView()).toEqual(storeBefore);
    expect((await t.call('draft.list', {})).map((d) => d.subject)).toEqual(['Unfinished']);
    const summary = await t.call('sync.run', { accountId });
    expect(summary.errors).toEqual([]);
    expect(await storeView()).toEqual(storeBefore);
  }, 600_000);

  it('puts the stack’s data back when the stack next starts (start, not only up) when Docker was away during the restore', async () => {
    await withRedis((r) => r.set('maildock:kept', 'changed after the backup'));
    await withPostgres((c) => c.query('DELETE FROM kept WHERE id > 10'));
    await t.close();
    const restored = await MaildockService.restoreBackup(dataDir, kept, {
      secretKey,
      stack: { docker: { socketPath: '/nonexistent/docker.sock' } },
    });
    expect(restored.stack).toBe('pending');
    expect(restored.stackProblem).toMatch(/Docker/);
    expect(existsSync(path.join(dataDir, 'stack-restore', 'postgres.dump'))).toBe(true);

    t = await openService({ dataDir, secretKey, timeoutMs: 15_000 });
    const steps: string[] = [];
    const off = t.svc.on('stack.progress', (p) => steps.push(`${p.step}: ${p.message}`));
    // `start` would run the old containers on the old volumes: it puts the data back first.
    await t.call('stack.start', {});
    off();
    expect(steps).toContain('restore: The stack’s data is restored');
    await expectStackAsBackedUp();
  }, 600_000);

  it('finishes putting the stack’s data back at the next stack up after a SIGKILL in the middle', async () => {
    await withRedis((r) => r.set('maildock:kept', 'changed once more'));
    await t.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, dataDir, kept, secretKey, 'Restoring mail for dovecot'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    // Past the commit point: the data folder is the backup's; the stack's part waits.
    expect(existsSync(path.join(dataDir, 'stack-restore', 'postgres.dump'))).toBe(true);

    t = await openService({ dataDir, secretKey, timeoutMs: 15_000 });
    await t.call('stack.up', {});
    await expectStackAsBackedUp();
  }, 600_000);
});
