// Restoring a backup into a data folder: the same store, attachments and stack files come
// back byte for byte; a damaged or newer archive changes nothing; and a restore SIGKILLed at
// each of its steps leaves, after the next start, exactly the old data or exactly the new.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../main/core/backup/archive.js';
import { recoverRestore, restoreBackup, RESTORE_JOURNAL } from '../../main/core/backup/restore.js';
import { restoreAll } from '../../main/core/backup/restore-all.js';
import { seal, SECRETS_ENTRY } from '../../main/core/backup/sealed.js';
import { restoredText } from '../../common/backup-words.js';
import { StackFiles } from '../../main/core/stack/stack-files.js';
import { entriesOf } from '../support/archive.js';
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file.js';
import { MaildockService } from '../../main/core/service.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { runCli } from '../support/cli.js';
import { headerRecord } from '../support/headers.js';
import { storeWithInbox } from '../support/store.js';
import { openService } from '../support/service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let backup: string;
let oldDir: string;
let newTree: Record<string, string>;
let oldTree: Record<string, string>;

/** The files a restore owns in a data folder, each with its SHA-256. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    if (!/^(maildock\.db|attachments|stack)(\/|$)/.test(rel)) continue;
    out[rel] = createHash('sha256')
      .update(await readFile(path.join(root, rel)))
      .digest('hex');
  }
  return out;
}

async function makeData(
  at: string,
  opts: { messages: number; project: string; attachment: string },
) {
  const { store, accountId, inbox } = await storeWithInbox(path.join(at, 'maildock.db'));
  await store.transaction((tx) =>
    tx.messages.insertHeaders(
      accountId,
      inbox,
      Array.from({ length: opts.messages }, (_, i) =>
        headerRecord(i + 1, { flags: i % 3 === 0 ? ['\\Seen', '\\Flagged'] : [] }),
      ),
    ),
  );
  await store.settings.set('app.settings', JSON.stringify({ closeToTray: opts.messages > 100 }));
  await store.close();
  await mkdir(path.join(at, 'attachments'), { recursive: true });
  await writeFile(
    path.join(at, 'attachments', opts.attachment),
    Buffer.alloc(50_000, opts.messages % 251),
  );
  await mkdir(path.join(at, 'stack', 'services', 'dovecot'), { recursive: true });
  await writeFile(
    path.join(at, 'stack', 'settings.json'),
    JSON.stringify({ project: opts.project }),
  );
  await writeFile(path.join(at, 'stack', 'services', 'dovecot', 'users'), `${opts.project}:x\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-restore-'));
  const source = path.join(dir, 'source');
  await makeData(source, { messages: 3000, project: 'new', attachment: 'n'.repeat(64) });
  const store = SqliteStore.open(path.join(source, 'maildock.db'));
  backup = path.join(dir, 'the.maildock-backup');
  await createBackup({ dataDir: source, store, to: backup, app: '0.1.0' });
  await store.close();
  const fresh = path.join(dir, 'fresh');
  await restoreBackup({ dataDir: fresh, file: backup });
  newTree = await tree(fresh);
  oldDir = path.join(dir, 'old');
  await makeData(oldDir, { messages: 10, project: 'old', attachment: 'o'.repeat(64) });
  oldTree = await tree(oldDir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const copyOld = async (name: string) => {
  const to = path.join(dir, name);
  await cp(oldDir, to, { recursive: true });
  return to;
};

describe('restore', () => {
  it('brings back the same messages, flags, folders, settings, attachments and stack files', async () => {
    const target = await copyOld('round-trip');
    // Wiped first, as after a lost disk: only the backup is left.
    await rm(target, { recursive: true, force: true });
    const restored = await MaildockService.restoreBackup(target, backup);
    expect(restored).toMatchObject({ files: 4, app: '0.1.0' });
    expect(await tree(target)).toEqual(newTree);
    // The rows of the two files, read as SQLite files: the restore swaps files, not rows.
    const rows = (file: string) => {
      const s = new Database(file, { readonly: true });
      try {
        return createHash('sha256')
          .update(
            JSON.stringify([
              s.prepare('SELECT uid, subject, flags, message_id FROM messages ORDER BY uid').all(),
              s.prepare('SELECT path, role FROM mailboxes ORDER BY path').all(),
              s.prepare('SELECT key, value FROM settings ORDER BY key').all(),
              s.prepare('SELECT email FROM accounts').all(),
            ]),
          )
          .digest('hex');
      } finally {
        s.close();
      }
    };
    expect(rows(path.join(target, 'maildock.db'))).toBe(
      rows(path.join(dir, 'source', 'maildock.db')),
    );
    const back = SqliteStore.open(path.join(target, 'maildock.db'));
    const inbox = (await back.mailboxes.list()).find((m) => m.path === 'INBOX')!;
    const flagged = (await back.messages.list(inbox.id, 10_000)).filter((m) =>
      m.flags.includes('\\Flagged'),
    );
    expect(flagged).toHaveLength(1000);
    await back.close();
    // A service opens it as its own: the search index came along too.
    const svc = await MaildockService.open({ dataDir: target, secretsBackend: 'file' });
    try {
      const hits = await svc.invoke('message.search', { query: 'subject:"subject 2999"' });
      expect(hits).toMatchObject({
        ok: true,
        value: {
          hits: [
            expect.objectContaining({
              message: expect.objectContaining({ subject: 'subject 2999' }),
            }),
          ],
        },
      });
    } finally {
      await svc.close();
    }
  });

  it('touches nothing when the archive is damaged or from a newer Maildock', async () => {
    const target = await copyOld('refused');
    const bytes = await readFile(backup);
    const damaged = Buffer.from(bytes);
    damaged[3000] = damaged[3000]! ^ 0xff;
    const bad = path.join(dir, 'damaged.maildock-backup');
    await writeFile(bad, damaged);
    await expect(restoreBackup({ dataDir: target, file: bad })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /cannot be restored, and nothing was changed: .*does not match its checksum/,
      ),
    });
    expect(await tree(target)).toEqual(oldTree);
    // Nothing left but the restore lock (an empty file that stays, as a lock file does).
    expect((await readdir(target)).sort()).toEqual(
      [...(await readdir(oldDir)), 'restore.lock'].sort(),
    );
  });

  const steps = [
    'verified',
    'staged',
    'journal',
    'moved-out:maildock.db',
    'moved-in:maildock.db',
    'moved-out:attachments',
    'moved-in:attachments',
    'moved-in:stack',
    'swapped',
  ];

  it(`leaves the old data or the new, never a mix, when SIGKILLed at any of ${steps.length} steps`, async () => {
    for (const step of steps) {
      const target = await copyOld(`killed-${step.replace(/[^a-z]/g, '-')}`);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'test/support/restore-child.ts'), target, backup, step],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
        child.on('exit', (c, s) => r([c, s])),
      );
      expect(signal, `${step}: ${stderr}`).toBe('SIGKILL');
      expect(code).toBeNull();
      // The next start: the service finishes or rolls back what the kill interrupted.
      const svc = await MaildockService.open({ dataDir: target, secretsBackend: 'file' });
      await svc.close();
      const now = await tree(target);
      expect(now, step).toEqual(step === 'swapped' ? newTree : oldTree);
      const left = await readdir(target);
      expect(
        left.filter((n) => n.startsWith('.restore') || n.startsWith(RESTORE_JOURNAL)),
        step,
      ).toEqual([]);
    }
  });

  it('holds the data folder while it runs: another start is refused and its staging stays', async () => {
    const target = await copyOld('locked');
    const during: string[] = [];
    await restoreBackup({
      dataDir: target,
      file: backup,
      beforeSwap: async () => {
        // Here, and from a process of its own (the command line opens the data folder).
        await expect(recoverRestore(target)).rejects.toMatchObject({ code: 'IN_USE' });
        const other = await runCli(['--data-dir', target, 'backup', 'list'], {
          MAILDOCK_SECRETS: 'file',
        });
        during.push(`${other.code} ${other.stderr}`);
        await expect(restoreBackup({ dataDir: target, file: backup })).rejects.toMatchObject({
          code: 'IN_USE',
        });
        expect(existsSync(path.join(target, '.restore-new', 'maildock.db'))).toBe(true);
      },
    });
    expect(during).toEqual([expect.stringMatching(/^1 .*A backup is being restored into/)]);
    expect(await tree(target)).toEqual(newTree);
    // Done, the folder is free again.
    expect(await recoverRestore(target)).toBe('none');
  });

  it('puts the old data back when the swap fails midway', async () => {
    const target = await copyOld('swap-fails');
    await expect(
      restoreBackup({
        dataDir: target,
        file: backup,
        onStep: (step) => {
          // Something in the way of the new store: its rename fails.
          if (step === 'moved-out:maildock.db')
            mkdirSync(path.join(target, 'maildock.db', 'in-the-way'), { recursive: true });
        },
      }),
    ).rejects.toThrow(/failed while the data was being swapped .*; the old data was put back/);
    expect(await tree(target)).toEqual(oldTree);
    expect(
      (await readdir(target)).filter(
        (n) => n.startsWith('.restore') || n.startsWith(RESTORE_JOURNAL),
      ),
    ).toEqual([]);
  });

  it('finishes a committed restore, and a second recovery does nothing', async () => {
    const target = await copyOld('recover-twice');
    expect(await recoverRestore(target)).toBe('none');
    await restoreBackup({ dataDir: target, file: backup });
    expect(await tree(target)).toEqual(newTree);
    expect(await recoverRestore(target)).toBe('none');
  });

  it('migrates the store of a backup from an older Maildock, and refuses a newer one unchanged', async () => {
    const latest = migrations.at(-1)!.version;
    const backupOf = async (name: string, schema: number, undo: string) => {
      const at = path.join(dir, name);
      await makeData(at, { messages: 50, project: name, attachment: 'a'.repeat(64) });
      // Opened before the schema is changed under it (opening would migrate it back); its
      // snapshot copies the file's pages as they are.
      const store = SqliteStore.open(path.join(at, 'maildock.db'));
      const db = new Database(path.join(at, 'maildock.db'));
      // Undoing 0007 redefines the index's content view, a name FTS5 reserves.
      db.unsafeMode(true);
      db.exec(undo);
      db.unsafeMode(false);
      db.pragma(`user_version = ${schema}`);
      db.close();
      const file = path.join(dir, `${name}.maildock-backup`);
      await createBackup({ dataDir: at, store, to: file, app: '0.0.9' });
      await store.close();
      return file;
    };
    // As a Maildock before the contacts (and their accounts), the unread index, the HTML's
    // text, the lists' unsubscribe links, identities, import keys, local folders and the
    // search index's prefixes and Cc, Bcc and List-Id wrote it (schema 4).
    const older = await backupOf(
      'older',
      4,
      `DROP TABLE message_fts_words; DROP TABLE message_fts; DROP VIEW message_fts_content;
       ALTER TABLE messages DROP COLUMN cc_text; ALTER TABLE messages DROP COLUMN bcc_text;
       ALTER TABLE messages DROP COLUMN list_id;
       CREATE VIEW message_fts_content AS
         SELECT m.id AS id, m.subject AS subject, m.sender AS sender, m.recipients AS recipients,
                coalesce(b.search_text, b.text, '') AS body
           FROM messages m LEFT JOIN bodies b ON b.message_id = m.id;
       CREATE VIRTUAL TABLE message_fts USING fts5(subject, sender, recipients, body,
         content = 'message_fts_content', content_rowid = 'id',
         tokenize = 'unicode61 remove_diacritics 2');
       INSERT INTO message_fts (message_fts) VALUES ('rebuild');
       DROP TABLE local_changes; ALTER TABLE mailboxes DROP COLUMN local;
       DROP TABLE import_keys; ALTER TABLE accounts DROP COLUMN identities;
       DROP TABLE contact_accounts; DROP INDEX attachments_content;
       ALTER TABLE messages DROP COLUMN unsubscribe;
       DROP TABLE contacts; DROP INDEX messages_unread; DROP TABLE body_reindex;
       DROP VIEW message_fts_content; ALTER TABLE bodies DROP COLUMN search_text;
       CREATE VIEW message_fts_content AS
         SELECT m.id AS id, m.subject AS subject, m.sender AS sender, m.recipients AS recipients,
                coalesce(b.text, '') AS body
           FROM messages m LEFT JOIN bodies b ON b.message_id = m.id;`,
    );
    const target = await copyOld('from-older');
    await restoreBackup({ dataDir: target, file: older });
    const back = new Database(path.join(target, 'maildock.db'), { readonly: true });
    try {
      expect(back.pragma('user_version', { simple: true })).toBe(latest);
      expect(back.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 50 });
      // Migration 5 fills the contacts from the restored mail.
      const contacts = back.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number };
      expect(contacts.n).toBeGreaterThan(0);
    } finally {
      back.close();
    }

    const newer = await backupOf('newer', latest + 1, 'SELECT 1');
    const untouched = await copyOld('from-newer');
    await expect(restoreBackup({ dataDir: untouched, file: newer })).rejects.toThrow(
      /nothing was changed: The mail store was written by a newer Maildock/,
    );
    expect(await tree(untouched)).toEqual(oldTree);
    expect((await readdir(untouched)).filter((n) => n.startsWith('.restore'))).toEqual([]);
  });

  it('restores from the command line', async () => {
    const target = await copyOld('cli');
    const { stdout } = await runCli(['--data-dir', target, 'backup', 'restore', backup], {
      MAILDOCK_SECRETS: 'file',
    });
    expect(stdout).toMatch(/^Restored 4 files from the backup of .* \(Maildock 0\.1\.0\) into /);
    expect(await tree(target)).toEqual(newTree);
  });
});

describe('restore inside a running Maildock', () => {
  const messagesIn = (r: Awaited<ReturnType<MaildockService['invoke']>>) => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return (r.value as { total: number }[]).reduce((n, m) => n + m.total, 0);
  };

  it('swaps the data under a running service, whose calls meanwhile wait and then see it', async () => {
    const target = await copyOld('in-place');
    const svc = await MaildockService.open({ dataDir: target, secretsBackend: 'file' });
    try {
      expect(messagesIn(await svc.invoke('mailbox.list', {}))).toBe(10);
      const phases = new Set<string>();
      const off = svc.on('backup.progress', (p) => phases.add(p.phase));
      const restoring = svc.invoke('backup.restore', { file: backup });
      // Calls made during the restore answer, from the old data or the new, never half.
      const during: ReturnType<MaildockService['invoke']>[] = [];
      for (let i = 0; i < 40; i++) {
        during.push(svc.invoke('mailbox.list', {}));
        await new Promise((r) => setTimeout(r, 5));
      }
      const r = await restoring;
      off();
      expect(r).toMatchObject({ ok: true, value: { files: 4, stack: 'none', secrets: null } });
      const seen = (await Promise.all(during)).map(messagesIn);
      expect(seen.every((n) => n === 10 || n === 3000)).toBe(true);
      expect(phases.has('verify')).toBe(true);
      // The restored store is the service's own now: read, searched and written.
      expect(messagesIn(await svc.invoke('mailbox.list', {}))).toBe(3000);
      const hits = await svc.invoke('message.search', { query: 'subject:"subject 2999"' });
      expect(hits.ok && hits.value.hits).toHaveLength(1);
      const inbox = (await svc.store.mailboxes.list()).find((m) => m.path === 'INBOX')!;
      const first = (await svc.store.messages.list(inbox.id, 1))[0]!;
      const marked = await svc.invoke('message.mark', { ids: [first.id], flagged: true });
      expect(marked.ok).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('is refused by the command line while a Maildock has the data open, changing nothing', async () => {
    const target = await copyOld('busy');
    const before = await tree(target);
    const svc = await MaildockService.open({ dataDir: target, secretsBackend: 'file' });
    const failed = await runCli(['--data-dir', target, 'backup', 'restore', backup], {
      MAILDOCK_SECRETS: 'file',
    });
    try {
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/Maildock is running with .*; nothing was changed/);
      expect(messagesIn(await svc.invoke('mailbox.list', {}))).toBe(10);
    } finally {
      await svc.close();
    }
    expect(await tree(target)).toEqual(before);
    expect((await readdir(target)).filter((n) => n.startsWith('.restore'))).toEqual([]);
  });
});

describe('passwords in a backup, sealed with a passphrase', () => {
  it('go in only when asked, under a passphrase, and come back only with it', async () => {
    const dataDir = path.join(dir, 'with-secrets');
    await makeData(dataDir, { messages: 20, project: 'sealed', attachment: 's'.repeat(64) });
    const key = Buffer.alloc(32, 9).toString('base64');
    const secrets = await EncryptedFileSecretStore.open({ dir: dataDir, key });
    await secrets.set('account:1:password', 'hunter2-imap');
    await secrets.set('account:2:password', 'second-secret');
    const t = await openService({ dataDir, secretKey: key });
    const file = path.join(dir, 'sealed.maildock-backup');
    try {
      expect(await t.svc.invoke('backup.create', { to: file, includeSecrets: true })).toMatchObject(
        {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: expect.stringContaining('passphrase of at least 8'),
          },
        },
      );
      expect(
        await t.svc.invoke('backup.create', { to: file, passphrase: 'no secrets asked' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      await t.call('backup.create', {
        to: file,
        includeSecrets: true,
        passphrase: 'correct horse battery',
      });
      expect(await t.call('backup.verify', { file })).toMatchObject({ ok: true, secrets: true });
      expect(
        await t.call('backup.verify', { file, passphrase: 'correct horse battery' }),
      ).toMatchObject({ ok: true });
      expect(
        await t.call('backup.verify', { file, passphrase: 'wrong horse battery' }),
      ).toMatchObject({
        ok: false,
        problems: ['The passphrase does not open the passwords in this backup.'],
      });
    } finally {
      await t.svc.close();
    }
    // Never in clear anywhere in the archive.
    const bytes = await readFile(file);
    expect(bytes.includes('hunter2-imap')).toBe(false);
    expect(bytes.includes('second-secret')).toBe(false);

    // A wrong passphrase refuses the restore before anything changes.
    const target = await copyOld('sealed-target');
    await expect(
      MaildockService.restoreBackup(target, file, {
        passphrase: 'wrong horse battery',
        secretKey: key,
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('does not open the passwords') });
    expect(await tree(target)).toEqual(oldTree);

    const restored = await MaildockService.restoreBackup(target, file, {
      passphrase: 'correct horse battery',
      secretKey: key,
    });
    expect(restored.secrets).toBe(2);
    const back = await EncryptedFileSecretStore.open({ dir: target, key });
    expect(await back.get('account:1:password')).toBe('hunter2-imap');
    expect(await back.get('account:2:password')).toBe('second-secret');
    // Without the passphrase the data comes back, the passwords do not.
    const plain = await copyOld('sealed-no-passphrase');
    expect(
      (await MaildockService.restoreBackup(plain, file, { secretKey: key })).secrets,
    ).toBeNull();
  });

  it('hold the stack relay’s password only sealed, and put it back where Postfix reads it', async () => {
    const dataDir = path.join(dir, 'with-relay');
    await makeData(dataDir, { messages: 5, project: 'relay', attachment: 'r'.repeat(64) });
    const relay = { host: 'smtp.example.test', port: 587, user: 'me@example.test' };
    await writeFile(
      path.join(dataDir, 'stack', 'settings.json'),
      JSON.stringify({ project: 'relay', relay }),
    );
    new StackFiles(dataDir).setRelayPassword({ ...relay, password: 'the relay secret' });
    const line = '[smtp.example.test]:587 me@example.test:the relay secret\n';
    const key = Buffer.alloc(32, 5).toString('base64');
    const PASS = 'a passphrase for the relay';
    const plain = path.join(dir, 'relay-plain.maildock-backup');
    const sealed = path.join(dir, 'relay-sealed.maildock-backup');
    const t = await openService({ dataDir, secretKey: key });
    try {
      await t.call('backup.create', { to: plain, stack: false });
      await t.call('backup.create', {
        to: sealed,
        stack: false,
        includeSecrets: true,
        passphrase: PASS,
      });
    } finally {
      await t.close();
    }
    for (const file of [plain, sealed]) {
      expect((await readFile(file)).includes('the relay secret'), file).toBe(false);
      expect((await entriesOf(file)).map((e) => e.path)).not.toContain(
        'data/stack/services/postfix/relay_passwd',
      );
    }

    const without = await copyOld('relay-without');
    const r1 = await MaildockService.restoreBackup(without, plain, { secretKey: key });
    expect(r1.relayWithoutPassword).toBe(true);
    expect(restoredText(r1)).toMatch(/relay needs its password again/);
    expect(new StackFiles(without).relayPasswordFile()).toBeNull();

    const back = await copyOld('relay-back');
    const r2 = await MaildockService.restoreBackup(back, sealed, {
      secretKey: key,
      passphrase: PASS,
    });
    expect(r2.relayWithoutPassword).toBe(false);
    expect(new StackFiles(back).relayPasswordFile()).toBe(line);
    const file = path.join(back, 'stack', 'services', 'postfix', 'relay_passwd');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Not an account's: it is not in the secret store.
    const kept = await EncryptedFileSecretStore.open({ dir: back, key });
    expect((await kept.list()).filter((k) => k.startsWith('stack:'))).toEqual([]);
  });

  it('belong to accounts, not ids: kept for the same account, dropped for another, in before anything starts', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const secretsOf = (at: string) => EncryptedFileSecretStore.open({ dir: at, key });
    // A backup whose account 1 is someone else than the account 1 here.
    const source = path.join(dir, 'other-account');
    await makeData(source, { messages: 5, project: 'other', attachment: 'x'.repeat(64) });
    const db = new Database(path.join(source, 'maildock.db'));
    db.prepare(
      "UPDATE accounts SET email = 'other@example.test', imap_host = 'mail.other.test', imap_user = 'other' WHERE id = 1",
    ).run();
    db.close();
    const store = SqliteStore.open(path.join(source, 'maildock.db'));
    const other = path.join(dir, 'other-account.maildock-backup');
    await createBackup({ dataDir: source, store, to: other, app: '0.1.0' });
    const PASS = 'a passphrase for it';
    const sealed = path.join(dir, 'other-account-sealed.maildock-backup');
    await createBackup({
      dataDir: source,
      store,
      to: sealed,
      app: '0.1.0',
      extra: [
        {
          path: SECRETS_ENTRY,
          data: await seal({ 'account:1:password': 'the other one’s' }, PASS),
        },
      ],
    });
    await store.close();

    const target = await copyOld('passwords-follow');
    await (await secretsOf(target)).set('account:1:password', 'me@example.test’s');
    // An OAuth2 refresh token is a password too.
    await (await secretsOf(target)).set('account:1:oauth2', 'me@example.test’s refresh token');
    // The same account (a backup of this data's kind): its password stays.
    const same = await MaildockService.restoreBackup(target, backup, { secretKey: key });
    expect(same.withoutPassword).toBe(0);
    expect(await (await secretsOf(target)).get('account:1:password')).toBe('me@example.test’s');
    expect(await (await secretsOf(target)).get('account:1:oauth2')).toBe(
      'me@example.test’s refresh token',
    );

    // Another account under the same id: the password here would go to its server.
    const moved = await MaildockService.restoreBackup(target, other, { secretKey: key });
    expect(moved.withoutPassword).toBe(1);
    expect(restoredText(moved)).toMatch(/ One account needs its password again/);
    expect(await (await secretsOf(target)).get('account:1:password')).toBeNull();
    expect(await (await secretsOf(target)).get('account:1:oauth2')).toBeNull();

    // The backup's own, in before the restored data is used.
    const target2 = await copyOld('passwords-sealed');
    await (await secretsOf(target2)).set('account:1:password', 'me@example.test’s');
    let seen: string | null = null;
    const r = await restoreAll(target2, sealed, {
      passphrase: PASS,
      secretStore: () => secretsOf(target2),
      afterSwap: async () => {
        seen = await (await secretsOf(target2)).get('account:1:password');
      },
    });
    expect(seen).toBe('the other one’s');
    expect(r).toMatchObject({ secrets: 1, withoutPassword: 0 });
  });
});
