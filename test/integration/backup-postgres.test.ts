// Backups of a Postgres store, with a private Postgres and a real service: the archive holds
// the store's pg_dump under its own name and the manifest names the engine; verify reads the
// dump through with pg_restore (a damaged one is refused); a restore, from the running
// service or from the command line's path, brings back the store as it was, in one
// transaction; a dump from a newer Maildock, a backup of the other engine, or a store in use
// are refused with nothing changed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../main/core/backup/archive.js';
import { POSTGRES_STORE_ENTRY, STORE_ENTRY } from '../../main/core/backup/manifest.js';
import { verifyBackup } from '../../main/core/backup/verify.js';
import { MaildockService } from '../../main/core/service.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { migrations } from '../../main/core/store/postgres/migrations/index.js';
import type { Store } from '../../main/core/store/index.js';
import { entriesOf, flip, sha, tarOf, withManifest, type Entry } from '../support/archive.js';
import { runCli } from '../support/cli.js';
import { headerRecord } from '../support/headers.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { query } from '../support/postgres-store.js';
import { openService, type TestService } from '../support/service.js';

let server: PostgresServer;
let dir: string;
let databases = 0;

const newDatabase = () => server.createDatabase(`backup_${process.pid}_${++databases}`);

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-pg-backup-'));
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** An account with an Inbox of `count` messages, the first with a body, and a setting. */
async function fill(store: Store, count: number, word: string): Promise<void> {
  const account = await store.accounts.add({
    email: `${word}@example.test`,
    imap: { host: '127.0.0.1', port: 143, security: 'none', user: word },
  });
  const inbox = await store.mailboxes.upsert(account.id, {
    path: 'INBOX',
    name: 'INBOX',
    delimiter: '/',
    role: 'inbox',
  });
  const ids = await store.messages.insertHeaders(
    account.id,
    inbox,
    Array.from({ length: count }, (_, i) =>
      headerRecord(i + 1, { subject: `${word} ${i + 1}`, flags: i % 2 ? ['\\Seen'] : [] }),
    ),
  );
  await store.bodies.save(ids[0]!, {
    text: `the ${word} body`,
    html: null,
    snippet: word,
    attachments: [],
    parseError: null,
  });
  await store.settings.set('test.word', word);
}

/** What a user would see of a store: accounts, subjects, flags, a body, a setting, a search. */
async function seen(store: Store) {
  const accounts = await store.accounts.list();
  const boxes = (await Promise.all(accounts.map((a) => store.mailboxes.list(a.id)))).flat();
  const messages = (await Promise.all(boxes.map((b) => store.messages.list(b.id, 10_000))))
    .flat()
    .map((m) => `${m.subject}|${m.flags.join(',')}`)
    .sort();
  const first = (await store.messages.list(boxes[0]!.id, 10_000)).find((m) =>
    m.subject?.endsWith(' 1'),
  );
  return {
    accounts: accounts.map((a) => a.email),
    messages,
    body: first ? (await store.messages.detail(first.id))?.text : null,
    setting: await store.settings.get('test.word'),
    counts: await store.messages.counts(),
  };
}

async function rewrite(file: string, change: (entries: Entry[]) => Entry[]): Promise<string> {
  const to = path.join(dir, `changed-${++databases}.maildock-backup`);
  await writeFile(to, tarOf(change(await entriesOf(file))));
  return to;
}

/** The archive with the store's dump replaced by `data`, and a manifest that matches it. */
const withDump = (file: string, data: (dump: Buffer) => Buffer) =>
  rewrite(file, (entries) => {
    const dump = data(entries.find((e) => e.path === POSTGRES_STORE_ENTRY)!.data);
    return withManifest(
      entries.map((e) => (e.path === POSTGRES_STORE_ENTRY ? { ...e, data: dump } : e)),
      (m) => ({
        ...m,
        files: m.files.map((f) =>
          f.path === POSTGRES_STORE_ENTRY ? { ...f, size: dump.length, sha256: sha(dump) } : f,
        ),
      }),
    );
  });

describe('a Postgres store’s backup', () => {
  let t: TestService;
  let url: string;
  let backup: string;
  let before: Awaited<ReturnType<typeof seen>>;

  beforeAll(async () => {
    url = await newDatabase();
    t = await openService({ database: url });
    await fill(t.svc.store, 300, 'kept');
    await mkdir(path.join(t.dataDir, 'attachments'), { recursive: true });
    await writeFile(path.join(t.dataDir, 'attachments', 'a'.repeat(64)), 'the attachment');
    before = await seen(t.svc.store);
    backup = (await t.call('backup.create', {})).file;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('holds the store’s pg_dump under its own name, and the manifest names the engine', async () => {
    const entries = await entriesOf(backup);
    const paths = entries.map((e) => e.path);
    expect(paths[0]).toBe(POSTGRES_STORE_ENTRY);
    expect(paths).not.toContain(STORE_ENTRY);
    expect(entries[0]!.data.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    const report = await t.call('backup.verify', { file: backup });
    expect(report).toMatchObject({ ok: true, problems: [], format: 2 });
    const manifest = (await verifyBackup(backup)).manifest;
    expect(manifest?.engine).toBe('postgres');
  });

  it('is refused by verify when its dump is damaged, even with checksums that match', async () => {
    const cut = await withDump(backup, (d) => d.subarray(0, Math.floor(d.length / 2)));
    const cutReport = await verifyBackup(cut);
    expect(cutReport.ok).toBe(false);
    expect(cutReport.problems.join(' ')).toMatch(/cannot be read back by pg_restore/);

    const flipped = await withDump(backup, (d) => flip(d, d.length - 200));
    const flippedReport = await verifyBackup(flipped);
    expect(flippedReport.ok).toBe(false);
    expect(flippedReport.problems.join(' ')).toMatch(/pg_restore/);

    // Damage the checksums catch, as for SQLite.
    const changed = await rewrite(backup, (entries) =>
      entries.map((e) => (e.path === POSTGRES_STORE_ENTRY ? { ...e, data: flip(e.data, 40) } : e)),
    );
    expect((await verifyBackup(changed)).problems).toContain(
      `${POSTGRES_STORE_ENTRY} does not match its checksum.`,
    );
  });

  it('is restored into the running service: the store and the attachments as they were', async () => {
    const store = t.svc.store;
    await fill(store, 50, 'added');
    await store.settings.set('test.word', 'changed');
    await writeFile(path.join(t.dataDir, 'attachments', 'a'.repeat(64)), 'changed since');
    expect((await seen(store)).counts).not.toEqual(before.counts);

    const restored = await t.call('backup.restore', { file: backup });
    expect(restored.files).toBe(2);
    // The service opened the restored store again.
    expect(t.svc.store).not.toBe(store);
    expect(await seen(t.svc.store)).toEqual(before);
    expect(await readFile(path.join(t.dataDir, 'attachments', 'a'.repeat(64)), 'utf8')).toBe(
      'the attachment',
    );
    // It goes on working: a search over the restored messages, a new message.
    expect((await t.call('message.search', { query: 'kept' })).hits.length).toBeGreaterThan(0);
    await fill(t.svc.store, 1, 'after');
    expect((await t.svc.store.accounts.list()).map((a) => a.email)).toContain('after@example.test');
  });

  it('is restored into a store nothing has open, from an older dump too; refused while one is', async () => {
    const target = await newDatabase();
    const other = await openService({ database: target });
    await fill(other.svc.store, 20, 'other');
    const otherBefore = await seen(other.svc.store);
    const refused = await MaildockService.restoreBackup(other.dataDir, backup, {
      database: target,
    }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'IN_USE' });
    expect(await seen(other.svc.store)).toEqual(otherBefore);
    const dataDir = other.dataDir;
    await other.svc.close();

    // From the command line: a dump at schema 1, brought to this Maildock's schema in the
    // same transaction.
    const old = await dumpAtSchema(1);
    const { stdout, stderr } = await runCli(
      ['--data-dir', dataDir, '--database', target, 'backup', 'restore', old.file],
      { MAILDOCK_SECRETS: 'file', MAILDOCK_SECRET_KEY: other.secretKey },
    );
    expect(stdout, stderr).toMatch(/^Restored 1 file from the backup of /);
    const [row] = await query<{ version: number }>(
      target,
      'SELECT max(version) AS version FROM schema_version',
    );
    expect(row?.version).toBeGreaterThan(1);
    const reopened = await openPostgresStore(target);
    try {
      expect(await seen(reopened)).toMatchObject(old.seen);
    } finally {
      await reopened.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a dump from a newer Maildock, and a backup of the other engine, changing nothing', async () => {
    const now = await seen(t.svc.store);
    const newer = await dumpAtSchema(99);
    const refused = await t.svc.invoke('backup.restore', { file: newer.file });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'STORE_FAILED', fields: { schema: 99 } },
    });
    expect(await seen(t.svc.store)).toEqual(now);

    // One that fails at its very end (a migration after the dump's data is in) leaves the
    // store and the data folder as they were: one transaction, and the files rolled back.
    const attachment = path.join(t.dataDir, 'attachments', 'a'.repeat(64));
    const attached = await readFile(attachment, 'utf8');
    const failing = await dumpAtSchema(1, true);
    const failed = await t.svc.invoke('backup.restore', { file: failing.file });
    expect(failed).toMatchObject({ ok: false, error: { code: 'STORE_FAILED' } });
    expect(!failed.ok && failed.error.message).toMatch(/messages_seen.*already exists/);
    expect(await seen(t.svc.store)).toEqual(now);
    expect(await readFile(attachment, 'utf8')).toBe(attached);

    // A SQLite service's backup, into this Postgres store.
    const sqlite = await openService();
    try {
      await fill(sqlite.svc.store, 5, 'sqlite');
      const sqliteBackup = (await sqlite.call('backup.create', {})).file;
      const across = await t.svc.invoke('backup.restore', { file: sqliteBackup });
      expect(across).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          fields: { backupEngine: 'sqlite', storeEngine: 'postgres' },
        },
      });
      expect(!across.ok && across.error.message).toMatch(/SQLite store.*Postgres/);
      expect(await seen(t.svc.store)).toEqual(now);

      // And the reverse: this backup into the SQLite service.
      const sqliteNow = await seen(sqlite.svc.store);
      const reverse = await sqlite.svc.invoke('backup.restore', { file: backup });
      expect(reverse).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          fields: { backupEngine: 'postgres', storeEngine: 'sqlite' },
        },
      });
      expect(await seen(sqlite.svc.store)).toEqual(sqliteNow);
    } finally {
      await sqlite.close();
    }
  });
});

/**
 * A backup of a Postgres store whose schema_version says `version`; what the migrations
 * after it add is gone from it unless `keepLater` (its migrations then fail on restore).
 */
/**
 * A backup whose dump says schema `version`. At 1 it is a store of schema 1 indeed (its rows
 * written in that schema's SQL), and what a restore must bring to this Maildock's schema;
 * `failing` adds what migration 2 makes, so that the restore fails at its very end.
 */
async function dumpAtSchema(version: number, failing = false) {
  const url = await newDatabase();
  if (version === 1) {
    const store = await openPostgresStore(url, { migrations: migrations.slice(0, 1) });
    try {
      await fillSchema1(url, 7, 'schema1');
      if (failing)
        await query(url, 'CREATE STATISTICS messages_seen ON ((flags & 1)) FROM messages');
      const dataDir = await mkdtemp(path.join(dir, 'source-'));
      const file = path.join(dir, `schema-1-${databases}.maildock-backup`);
      await createBackup({ dataDir, store, to: file, app: '0.1.0' });
      return { file, seen: SCHEMA1_SEEN(7, 'schema1') };
    } finally {
      await store.close();
    }
  }
  const store = await openPostgresStore(url);
  try {
    await fill(store, 7, `schema${version}`);
    await query(url, 'UPDATE schema_version SET version = $1', [version]);
    const dataDir = await mkdtemp(path.join(dir, 'source-'));
    const file = path.join(dir, `schema-${version}-${databases}.maildock-backup`);
    await createBackup({ dataDir, store, to: file, app: '0.1.0' });
    return { file, seen: await seen(store) };
  } finally {
    await store.close();
  }
}

/** What fill() stores, in the SQL of schema 1 (ids as that schema's store gave them). */
async function fillSchema1(url: string, count: number, word: string): Promise<void> {
  await query(
    url,
    `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
     VALUES (1, $1, '127.0.0.1', 143, 'none', $2)`,
    [`${word}@example.test`, word],
  );
  await query(
    url,
    `INSERT INTO mailboxes (id, account_id, path, name, delimiter, role)
                    VALUES (1, 1, 'INBOX', 'INBOX', '/', 'inbox')`,
  );
  await query(
    url,
    `INSERT INTO messages (id, account_id, mailbox_id, uid, subject, date, flags, body_state)
     SELECT g * 1024, 1, 1, g, $1 || ' ' || g, g, CASE WHEN g % 2 = 0 THEN 1 ELSE 0 END,
            CASE WHEN g = 1 THEN 1 ELSE 0 END
       FROM generate_series(1, $2::integer) g`,
    [word, count],
  );
  await query(url, 'INSERT INTO bodies (message_id, text) VALUES (1024, $1)', [`the ${word} body`]);
  await query(url, "INSERT INTO settings (key, value) VALUES ('test.word', $1)", [word]);
}

/** What seen() finds in a store restored from fillSchema1's rows (but the counts). */
const SCHEMA1_SEEN = (count: number, word: string) => ({
  accounts: [`${word}@example.test`],
  messages: Array.from(
    { length: count },
    (_, i) => `${word} ${i + 1}|${(i + 1) % 2 === 0 ? '\\Seen' : ''}`,
  ).sort(),
  body: `the ${word} body`,
  setting: word,
});
