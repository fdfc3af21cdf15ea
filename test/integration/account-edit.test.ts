// Editing an account against a real Dovecot and a real Postfix (SMTP AUTH through Dovecot):
// the name reaches From, SMTP added later sends, SMTP removed stops sending, a wrong password
// or an unreachable server saves nothing, a new password works once the server has it, the
// IMAP server moved to another address keeps the mail while another mailbox is refused, and
// a watching service syncs with the new settings. `maildock account edit` end to end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorData } from '../../common/errors.js';
import type { Account } from '../../common/types.js';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { dayAt, makeMail } from '../support/mail.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { waitFor } from '../support/processes.js';
import { startProxy, type FreezableProxy } from '../support/proxy.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
const BOB = { user: 'bob', password: 'bob-secret-7' };
const CAROL = { user: 'carol', password: 'carol-first-password' };
const CAROL_NEW = 'carol-second-password';

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;
let alice: Account;
const cleanup: (() => Promise<unknown>)[] = [];

const imapOf = (user: string, port = dovecot.port) => ({
  host: '127.0.0.1',
  port,
  security: 'none' as const,
  user,
});
const smtpOf = (user: string, port = postfix.port) => ({
  host: '127.0.0.1',
  port,
  security: 'none' as const,
  user,
});

async function refused(input: Record<string, unknown>): Promise<ErrorData> {
  const r = await t.svc.invoke('account.update', input);
  if (r.ok) throw new Error(`account.update ${JSON.stringify(input)} was accepted`);
  return r.error;
}

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The messages of a user's Inbox, straight from Dovecot. */
async function inboxOf(user: string, password: string) {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const out: { messageId: string; source: Buffer }[] = [];
      for await (const m of client.fetch('1:*', { envelope: true, source: true })) {
        out.push({ messageId: m.envelope?.messageId ?? '', source: m.source! });
      }
      return out;
    } finally {
      lock.release();
    }
  } catch (err) {
    if (/nonexistent|doesn't exist|no messages/i.test(String(err))) return [];
    throw err;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The account's Inbox as stored: message id → Message-ID. */
async function storedInbox(svc: TestService, accountId: number) {
  const page = await svc.call('message.list', { accountId, path: 'INBOX', limit: 500 });
  return page.messages.map((m) => [m.id, m.messageId]);
}

/** Changes a user's password in the test Dovecot's passwd-file (it re-reads it when changed). */
async function setDovecotPassword(user: string, from: string, to: string): Promise<void> {
  const file = path.join(dovecot.root, 'users');
  const before = await readFile(file, 'utf8');
  const after = before.replace(`${user}:{PLAIN}${from}:`, `${user}:{PLAIN}${to}:`);
  expect(after).not.toBe(before);
  await writeFile(file, after);
}

beforeAll(async () => {
  dovecot = await startDovecot({ users: [BOB, CAROL], lmtp: true });
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  await dovecot.loadMaildir('INBOX', [
    { raw: makeMail({ subject: 'First', date: dayAt(1) }) },
    { raw: makeMail({ subject: 'Second', date: dayAt(2) }) },
  ]);
  t = await openService({ timeoutMs: 3000, send: { delaySeconds: 0, timeoutMs: 3000 } });
  alice = await t.call('account.add', {
    email: `${dovecot.user}@${DOMAIN}`,
    imap: imapOf(dovecot.user),
    password: dovecot.password,
  });
  expect((await t.call('sync.run')).errors).toEqual([]);
}, 60_000);

afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
});

describe('account.update', () => {
  it('adds SMTP later once Postfix takes the login, and sends through it with the new name in From', async () => {
    const before = await t.svc.invoke('outbox.send', { accountId: alice.id, to: ['bob@x.test'] });
    expect(before.ok ? null : before.error.code).toBe('NO_SMTP');

    const unreachable = await refused({
      id: alice.id,
      smtp: smtpOf(alice.imap.user, await closedPort()),
    });
    expect(unreachable.code).toBe('HOST_UNREACHABLE');
    expect(unreachable.message).toContain('SMTP');
    // Bob's login with Alice's password: Postfix asks Dovecot, which says no.
    const wrongLogin = await refused({ id: alice.id, name: 'Not saved', smtp: smtpOf(BOB.user) });
    expect(wrongLogin).toMatchObject({ code: 'AUTH_FAILED', fields: { port: postfix.port } });
    expect(await t.call('account.list')).toEqual([alice]);

    const updated = await t.call('account.update', {
      id: alice.id,
      name: 'Alice Renamed',
      smtp: smtpOf(alice.imap.user),
    });
    expect(updated).toEqual({
      ...alice,
      name: 'Alice Renamed',
      smtp: smtpOf(alice.imap.user),
      // The account's name is its own address's, the primary identity's.
      identities: [{ ...alice.identities[0], name: 'Alice Renamed' }],
    });
    expect(await t.call('account.list')).toEqual([updated]);

    const entry = await t.call('outbox.send', {
      accountId: alice.id,
      to: [`bob@${DOMAIN}`],
      subject: 'Sent after the edit',
      text: 'Through the SMTP server added later.',
    });
    expect((await t.call('sync.run')).errors).toEqual([]);
    expect((await t.call('outbox.list', {})).find((o) => o.id === entry.id)?.state).toBe('sent');
    let delivered: Awaited<ReturnType<typeof inboxOf>> = [];
    await waitFor(async () => {
      delivered = (await inboxOf(BOB.user, BOB.password)).filter(
        (m) => m.messageId === entry.messageId,
      );
      return delivered.length === 1;
    }, 20_000);
    expect(delivered).toHaveLength(1);
    const parsed = await simpleParser(delivered[0]!.source);
    expect(parsed.from?.value[0]).toEqual({ name: 'Alice Renamed', address: alice.email });
  });

  it('removes SMTP: the account keeps its name and no longer sends', async () => {
    const updated = await t.call('account.update', { id: alice.id, smtp: null });
    expect(updated).toMatchObject({ name: 'Alice Renamed', smtp: null, imap: alice.imap });
    expect((await t.call('account.list'))[0]?.smtp).toBeNull();
    const send = await t.svc.invoke('outbox.send', { accountId: alice.id, to: ['bob@x.test'] });
    expect(send.ok ? null : send.error.code).toBe('NO_SMTP');
    // A name cleared, with no server to test.
    expect((await t.call('account.update', { id: alice.id, name: null })).name).toBeNull();
  });

  it('refuses a wrong password and saves nothing: the old password still syncs', async () => {
    const stored = await t.call('account.list');
    const error = await refused({ id: alice.id, password: 'not-the-password', name: 'Not saved' });
    expect(error).toMatchObject({ code: 'AUTH_FAILED', fields: { port: dovecot.port } });
    expect(error.message).not.toContain('not-the-password');
    expect(await t.call('account.list')).toEqual(stored);

    await dovecot.append('INBOX', makeMail({ subject: 'After the refused edit' }));
    expect((await t.call('sync.run', { accountId: alice.id })).errors).toEqual([]);
    const page = await t.call('message.list', { accountId: alice.id, path: 'INBOX' });
    expect(page.messages.map((m) => m.subject)).toContain('After the refused edit');
  });

  it('takes a new password once the server has it, for IMAP and for SMTP', async () => {
    const carol = await t.call('account.add', {
      email: `carol@${DOMAIN}`,
      imap: imapOf(CAROL.user),
      smtp: smtpOf(CAROL.user),
      password: CAROL.password,
    });
    await setDovecotPassword(CAROL.user, CAROL.password, CAROL_NEW);
    // Dovecot looks at its passwd-file at most once a second.
    const refusesOld = async () =>
      (await t.call('sync.run', { accountId: carol.id })).errors.some(
        (e) => e.code === 'AUTH_FAILED',
      );
    expect(await waitFor(refusesOld, 5_000, 250)).toBe(true);

    const updated = await t.call('account.update', { id: carol.id, password: CAROL_NEW });
    expect(updated).toEqual(carol);
    expect(JSON.stringify(updated)).not.toContain(CAROL_NEW);
    expect((await t.call('sync.run', { accountId: carol.id })).errors).toEqual([]);
    // The same secret signs in to Postfix.
    const entry = await t.call('outbox.send', {
      accountId: carol.id,
      to: [`bob@${DOMAIN}`],
      subject: 'With the new password',
    });
    expect((await t.call('sync.run', { accountId: carol.id })).errors).toEqual([]);
    expect((await t.call('outbox.list', {})).find((o) => o.id === entry.id)?.state).toBe('sent');
  });

  it('keeps the mail when the same mailbox is reached at another address, and refuses another mailbox', async () => {
    const before = await storedInbox(t, alice.id);
    expect(before.length).toBeGreaterThanOrEqual(2);

    // Bob's own mailbox, with Bob's own password: it logs in, but it is not Alice's mail.
    const other = await refused({ id: alice.id, imap: imapOf(BOB.user), password: BOB.password });
    expect(other).toMatchObject({ code: 'INVALID_INPUT', fields: { field: 'imap' } });
    expect((await t.call('account.list')).find((a) => a.id === alice.id)?.imap).toEqual(alice.imap);
    expect((await t.call('sync.run', { accountId: alice.id })).errors).toEqual([]);

    const proxy = await startProxy(dovecot.port);
    cleanup.push(() => proxy.close());
    const moved = await t.call('account.update', {
      id: alice.id,
      imap: imapOf(dovecot.user, proxy.port),
    });
    expect(moved.imap.port).toBe(proxy.port);
    expect((await t.call('sync.run', { accountId: alice.id })).errors).toEqual([]);
    expect(await storedInbox(t, alice.id)).toEqual(before);
  });

  it('answers NOT_FOUND for an account that does not exist', async () => {
    expect(await refused({ id: 987_654, name: 'Nobody' })).toMatchObject({
      code: 'NOT_FOUND',
      fields: { accountId: 987_654 },
    });
    expect(
      (await refused({ id: 987_654, imap: imapOf(dovecot.user), password: dovecot.password })).code,
    ).toBe('NOT_FOUND');
  });
});

describe('a watching service', () => {
  let w: TestService;
  let proxy: FreezableProxy;

  beforeAll(async () => {
    w = await openService({ timeoutMs: 3000 });
    proxy = await startProxy(dovecot.port);
  });
  afterAll(async () => {
    await w?.close();
    await proxy?.close();
  });

  it('syncs with the new settings after an edit, without the old server', async () => {
    await dovecot
      .forUser(BOB.user)
      .append('INBOX', makeMail({ subject: 'Bob before the move', date: dayAt(3) }));
    const bob = await w.call('account.add', {
      email: `bob@${DOMAIN}`,
      imap: imapOf(BOB.user, proxy.port),
      password: BOB.password,
    });
    await w.svc.watch({ pollMs: 60_000, changesPollMs: 60_000 });
    // Until the first pass has listed the folders, there is no Inbox.
    const subjects = async () => {
      const page = await w.svc.invoke('message.list', {
        accountId: bob.id,
        path: 'INBOX',
        limit: 500,
      });
      return page.ok ? page.value.messages.map((m) => m.subject) : [];
    };
    expect(
      await waitFor(async () => (await subjects()).includes('Bob before the move'), 15_000),
    ).toBe(true);

    await w.call('account.update', { id: bob.id, imap: imapOf(BOB.user) });
    // The old address is gone: a watcher still on it would never see new mail.
    await proxy.close();
    await dovecot.forUser(BOB.user).append('INBOX', makeMail({ subject: 'Bob after the move' }));
    expect(
      await waitFor(async () => (await subjects()).includes('Bob after the move'), 15_000),
    ).toBe(true);
    expect(await subjects()).toContain('Bob before the move');
  });
});

describe('maildock account edit', () => {
  it('changes the name and adds SMTP, refuses a wrong password saving nothing, removes SMTP', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-edit-cli-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const secretKey = randomBytes(32).toString('base64');
    // Added in this process (`account add` has its own test): each command here costs seconds.
    const setup = await openService({ dataDir, secretKey });
    const { id } = await setup.call('account.add', {
      email: `${dovecot.user}@${DOMAIN}`,
      imap: imapOf(dovecot.user),
      password: dovecot.password,
    });
    await setup.close();
    const env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: secretKey };

    const edit = await runCli(
      [
        '--json',
        ...['account', 'edit', String(id), '--name', 'Cli Name'],
        ...['--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.port)],
        ...['--smtp-security', 'none'],
      ],
      env,
    );
    expect(edit.code, edit.stderr).toBe(0);
    expect(JSON.parse(edit.stdout)).toMatchObject({
      id,
      name: 'Cli Name',
      smtp: smtpOf(dovecot.user),
      imap: imapOf(dovecot.user),
    });

    const wrong = await runCli(
      ['account', 'edit', String(id), '--no-name', '--password-stdin'],
      env,
      'not-the-password\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('AUTH_FAILED');
    expect(wrong.stderr).not.toContain('not-the-password');

    const removed = await runCli(['--json', 'account', 'edit', String(id), '--no-smtp'], env);
    expect(removed.code, removed.stderr).toBe(0);
    // The refused edit changed nothing: the name is still the one given before.
    expect(JSON.parse(removed.stdout)).toMatchObject({ id, name: 'Cli Name', smtp: null });
  });
});
