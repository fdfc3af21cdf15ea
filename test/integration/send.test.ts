// Sending through a real Postfix that delivers by LMTP into a real Dovecot: delivery with
// attachments intact, one copy in Sent, threading seen by the receiver, a stopped relay, a
// refused recipient, undo send, send later, and the sending process killed at each phase of
// the SMTP transaction (a proxy holds the connection there): delivered once or flagged
// "may have been sent", never twice.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';
import { runCli, startCli } from '../support/cli.js';

const DOMAIN = 'maildock.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;
const cleanup: (() => Promise<unknown>)[] = [];

interface Mailbox {
  user: string;
  password: string;
  email: string;
}
let alice: Mailbox;
let bob: Mailbox;

beforeEach(async () => {
  dovecot = await startDovecot({
    users: [{ user: 'bob', password: 'bob-secret' }],
    lmtp: true,
  });
  alice = { user: dovecot.user, password: dovecot.password, email: `${dovecot.user}@${DOMAIN}` };
  bob = { user: 'bob', password: 'bob-secret', email: `bob@${DOMAIN}` };
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  t = await openService({ send: { delaySeconds: 0, timeoutMs: 5000 } });
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
});

function accountFor(who: Mailbox, smtpPort = postfix.port) {
  return {
    email: who.email,
    name: who.user === 'bob' ? 'Bob Receiver' : 'Alice Sender',
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: who.user },
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'none', user: who.user },
    password: who.password,
  };
}

/** Every message of a user's folder, straight from Dovecot. */
async function serverMessages(who: Mailbox, folder = 'INBOX') {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: who.user, pass: who.password },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: { uid: number; messageId: string; source: Buffer }[] = [];
      for await (const m of client.fetch('1:*', { uid: true, envelope: true, source: true })) {
        out.push({ uid: m.uid, messageId: m.envelope?.messageId ?? '', source: m.source! });
      }
      return out;
    } finally {
      lock.release();
    }
  } catch (err) {
    if (/nonexistent|doesn't exist/i.test(String(err))) return [];
    throw err;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Waits until Postfix has delivered `n` messages into the folder (LMTP is asynchronous). */
async function waitForMessages(who: Mailbox, n: number, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await serverMessages(who);
    if (list.length >= n || Date.now() > until) return list;
    await sleep(200);
  }
}

const countOf = (list: { messageId: string }[], id: string) =>
  list.filter((m) => m.messageId === id).length;

describe('sending through Postfix', () => {
  it('delivers text, HTML and attachments intact, and files one copy in Sent', async () => {
    const a = await t.call('account.add', accountFor(alice));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-attach-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const fileBytes = randomBytes(300_000);
    await writeFile(path.join(dir, 'data.bin'), fileBytes);
    const inlineBytes = randomBytes(2000);
    const entry = await t.call('outbox.send', {
      accountId: a.id,
      to: [`Bob <${bob.email}>`],
      subject: 'Quarterly report',
      text: 'The report is attached.',
      html: '<p>The report is attached. <img src="cid:chart@x"></p>',
      attachments: [
        { path: path.join(dir, 'data.bin') },
        {
          content: inlineBytes.toString('base64'),
          filename: 'chart.png',
          contentType: 'image/png',
          contentId: 'chart@x',
        },
      ],
    });
    expect(entry).toMatchObject({ state: 'queued', recipients: [bob.email] });

    const summary = await t.call('sync.run');
    expect(summary.errors).toEqual([]);
    const sent = (await t.call('outbox.list', {}))[0]!;
    expect(sent).toMatchObject({ id: entry.id, state: 'sent', sentCopy: 'done', attempts: 1 });

    const inbox = await waitForMessages(bob, 1);
    expect(inbox.map((m) => m.messageId)).toEqual([entry.messageId]);
    const parsed = await simpleParser(inbox[0]!.source);
    expect(parsed.subject).toBe('Quarterly report');
    expect(parsed.from?.value[0]).toMatchObject({ address: alice.email, name: 'Alice Sender' });
    expect(parsed.text?.trim()).toBe('The report is attached.');
    expect(inbox[0]!.source.toString('latin1')).toContain('src="cid:chart@x"');
    const file = parsed.attachments.find((x) => x.filename === 'data.bin')!;
    expect(file.content.equals(fileBytes)).toBe(true);
    const chart = parsed.attachments.find((x) => x.filename === 'chart.png')!;
    expect(chart.cid).toBe('chart@x');
    expect(chart.content.equals(inlineBytes)).toBe(true);

    // One copy in Sent, and another sync does not add a second.
    await t.call('sync.run');
    const sentFolder = await serverMessages(alice, 'Sent');
    expect(countOf(sentFolder, entry.messageId)).toBe(1);
    const local = await t.call('message.list', { path: 'Sent', accountId: a.id });
    expect(local.messages.map((m) => m.messageId)).toEqual([entry.messageId]);

    // A crash between the APPEND and recording it leaves the row "under way": the next pass
    // finds the copy by its Message-ID and does not append a second one.
    // No repository undoes a finished copy: the crash is staged on a connection of its own.
    const db = new Database(path.join(t.dataDir, 'maildock.db'));
    try {
      db.prepare('UPDATE outbox SET sent_copy = 3 WHERE id = ?').run(entry.id);
    } finally {
      db.close();
    }
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]?.sentCopy).toBe('done');
    expect(countOf(await serverMessages(alice, 'Sent'), entry.messageId)).toBe(1);
  });

  it('makes no copy in Sent for an account whose server saves sent mail itself', async () => {
    const a = await t.call('account.add', accountFor(alice));
    expect(await t.call('outbox.settings', { accountId: a.id })).toEqual({
      accountId: a.id,
      serverSavesSent: false,
    });
    await t.call('outbox.settings', { accountId: a.id, serverSavesSent: true });
    const entry = await t.call('outbox.send', { accountId: a.id, to: [bob.email], text: 'x' });
    expect(entry.sentCopy).toBe('server');
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({
      state: 'sent',
      sentCopy: 'server',
    });
    await waitForMessages(bob, 1);
    await t.call('sync.run');
    expect(await serverMessages(alice, 'Sent')).toEqual([]);
  });

  it('STARTTLS: an untrusted certificate fails with the reason; trusted, the message goes', async () => {
    const secure = await startPostfix({ dovecot, domain: DOMAIN, tls: true });
    cleanup.push(() => secure.stop());
    const input = accountFor(alice, secure.port);
    await t.call('account.add', { ...input, smtp: { ...input.smtp, security: 'starttls' } });
    const entry = await t.call('outbox.send', { accountId: 1, to: [bob.email], text: 'tls' });
    await t.call('sync.run');
    const failed = (await t.call('outbox.list', {}))[0]!;
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatchObject({
      code: 'TLS_FAILED',
      message: expect.stringMatching(/certificate/i),
    });
    await t.call('outbox.resend', { id: entry.id });

    // The same account from a process that trusts the server's certificate.
    const { dataDir, secretKey } = t;
    await t.svc.close();
    const env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: secretKey,
      NODE_EXTRA_CA_CERTS: secure.caFile!,
    };
    const r = await runCli(['--json', 'sync', '--once'], env);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse((await runCli(['--json', 'outbox', 'list'], env)).stdout);
    expect(list[0]).toMatchObject({ id: entry.id, state: 'sent', attempts: 1 });
    expect((await waitForMessages(bob, 1)).map((m) => m.messageId)).toEqual([entry.messageId]);
  });

  it('threads a reply on the receiving side: In-Reply-To, References, one Re:', async () => {
    const a = await t.call('account.add', accountFor(alice));
    const b = await t.call('account.add', accountFor(bob));
    const first = await t.call('outbox.send', {
      accountId: b.id,
      to: [alice.email],
      subject: 'Lunch on Friday?',
      text: 'Pizza or sushi?',
    });
    await t.call('sync.run', { accountId: b.id });
    await waitForMessages(alice, 1);
    await t.call('sync.run', { accountId: a.id });
    const inAlice = (await t.call('message.list', { path: 'INBOX', accountId: a.id })).messages[0]!;
    expect(inAlice.messageId).toBe(first.messageId);

    const reply = await t.call('outbox.send', {
      text: 'Sushi!',
      reference: { id: inAlice.id, mode: 'reply' },
    });
    expect(reply).toMatchObject({ accountId: a.id, subject: 'Re: Lunch on Friday?' });
    expect(reply.recipients).toEqual([bob.email]);
    await t.call('sync.run', { accountId: a.id });
    const bobInbox = await waitForMessages(bob, 1);
    const parsed = await simpleParser(bobInbox[0]!.source);
    expect(parsed.inReplyTo).toBe(first.messageId);
    expect(parsed.references).toEqual(first.messageId);
    expect(parsed.text).toContain('> Pizza or sushi?');
    // Alice's original is marked answered here at once, and on her server after the replay.
    const answered = (await t.call('message.get', { id: inAlice.id })).message.flags;
    expect(answered).toContain('\\Answered');
    expect((await t.call('action.undo')).undone).toBe(false);
    await t.call('sync.run', { accountId: a.id });
    const onAlice = await dovecot.doveadm(
      'search',
      '-u',
      alice.user,
      'mailbox',
      'INBOX',
      'ANSWERED',
    );
    expect(onAlice.trim()).not.toBe('');

    // Bob's Maildock files the reply in the thread of the message he sent.
    await t.call('sync.run', { accountId: b.id });
    const mine = (await t.call('message.list', { path: 'Sent', accountId: b.id })).messages[0]!;
    const got = (await t.call('message.list', { path: 'INBOX', accountId: b.id })).messages[0]!;
    expect(got.subject).toBe('Re: Lunch on Friday?');
    expect(got.threadId).not.toBeNull();
    expect(got.threadId).toBe(mine.threadId);
  });

  it('waits while Postfix is down (retrying, with the reason), then delivers once', async () => {
    const a = await t.call('account.add', accountFor(alice));
    await postfix.stopService();
    const entry = await t.call('outbox.send', { accountId: a.id, to: [bob.email], text: 'hi' });
    await t.call('sync.run');
    const waiting = (await t.call('outbox.list', {}))[0]!;
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastError).toMatchObject({
      code: 'HOST_UNREACHABLE',
      message: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
    expect(Date.parse(waiting.nextAttempt!)).toBeGreaterThan(Date.now());
    // Not due yet: another pass leaves it waiting.
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({ state: 'retrying', attempts: 1 });

    await postfix.startService();
    expect(await t.call('outbox.retry', { all: true })).toEqual({ due: 1 });
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({ state: 'sent', attempts: 2 });
    await t.call('sync.run');
    const inbox = await waitForMessages(bob, 1);
    await sleep(500);
    expect(countOf(await serverMessages(bob), entry.messageId)).toBe(1);
    expect(inbox).toHaveLength(1);
  });

  it("keeps a message the server refuses (5xx) as failed with the server's words", async () => {
    const a = await t.call('account.add', accountFor(alice));
    const entry = await t.call('outbox.send', {
      accountId: a.id,
      to: [`nobody-here@${DOMAIN}`],
      text: 'anyone?',
    });
    await t.call('sync.run');
    const failed = (await t.call('outbox.list', {}))[0]!;
    expect(failed).toMatchObject({ id: entry.id, state: 'failed' });
    expect(failed.lastError).toMatchObject({
      code: 'SMTP_REJECTED',
      message: expect.stringMatching(/^5\d\d .*nobody-here@/),
      fields: { responseCode: expect.any(Number) },
    });
    // Failed is final: another pass does not try again, resend does.
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect((await t.call('outbox.resend', { id: entry.id })).state).toBe('queued');

    // The user corrects the address: the same message (same Message-ID) goes to bob.
    const edited = await t.call('outbox.edit', {
      id: entry.id,
      to: [bob.email],
      text: 'anyone? (address fixed)',
      delaySeconds: 0,
    });
    expect(edited).toMatchObject({ state: 'queued', messageId: entry.messageId, lastError: null });
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({ id: entry.id, state: 'sent' });
    await waitForMessages(bob, 1);
    const [got] = await serverMessages(bob);
    expect(got!.messageId).toBe(entry.messageId);
    expect(got!.source.toString()).toContain('address fixed');
    await expect(t.call('outbox.edit', { id: entry.id, to: [bob.email] })).rejects.toThrow(
      /has not left/,
    );
  });

  it('undo send: a message cancelled within the delay never leaves', async () => {
    const a = await t.call('account.add', accountFor(alice));
    const entry = await t.call('outbox.send', {
      accountId: a.id,
      to: [bob.email],
      subject: 'oops',
      text: 'not this one',
      delaySeconds: 2,
    });
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]?.state).toBe('queued');
    expect((await t.call('outbox.cancel', { id: entry.id })).state).toBe('cancelled');
    await sleep(2200);
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]).toMatchObject({ state: 'cancelled', attempts: 0 });
    // A control message sent after it arrives alone.
    const control = await t.call('outbox.send', { accountId: a.id, to: [bob.email], text: 'ok' });
    await t.call('sync.run');
    const inbox = await waitForMessages(bob, 1);
    await sleep(500);
    expect((await serverMessages(bob)).map((m) => m.messageId)).toEqual([control.messageId]);
    expect(inbox).toHaveLength(1);
  });

  it('send later survives a restart and leaves only when its time has come', async () => {
    const a = await t.call('account.add', accountFor(alice));
    const at = new Date(Date.now() + 2500).toISOString();
    const entry = await t.call('outbox.send', {
      accountId: a.id,
      to: [bob.email],
      text: 'later',
      sendAt: at,
    });
    expect(entry.sendAt).toBe(at);
    const { dataDir, secretKey } = t;
    await t.svc.close();
    t = await openService({ dataDir, secretKey, send: { delaySeconds: 0, timeoutMs: 5000 } });
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]?.state).toBe('queued');
    await sleep(Math.max(0, Date.parse(at) - Date.now()) + 100);
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]?.state).toBe('sent');
    expect((await waitForMessages(bob, 1)).map((m) => m.messageId)).toEqual([entry.messageId]);
  });

  it('a watching service sends by itself, woken when a message is queued', async () => {
    const a = await t.call('account.add', accountFor(alice));
    await t.svc.watch();
    const entry = await t.call('outbox.send', { accountId: a.id, to: [bob.email], text: 'w' });
    const inbox = await waitForMessages(bob, 1, 15_000);
    expect(inbox.map((m) => m.messageId)).toEqual([entry.messageId]);
  });

  it('drafts: saved here and in Drafts, the old server copy replaced; one from another client shows up', async () => {
    const a = await t.call('account.add', accountFor(alice));
    await t.call('sync.run');
    const d1 = await t.call('draft.save', {
      accountId: a.id,
      to: [bob.email],
      subject: 'Draft v1',
      text: 'first',
    });
    expect(d1.origin).toBe('synced');
    const d2 = await t.call('draft.save', { id: d1.id!, to: [bob.email], subject: 'Draft v2' });
    expect(d2).toMatchObject({ id: d1.id, messageId: d1.messageId, subject: 'Draft v2' });
    const onServer = await serverMessages(alice, 'Drafts');
    expect(onServer.map((m) => m.messageId)).toEqual([d1.messageId]);
    expect((await simpleParser(onServer[0]!.source)).subject).toBe('Draft v2');

    // A draft written elsewhere is just a message in Drafts: it appears after a sync.
    await dovecot.append(
      'Drafts',
      Buffer.from(
        `From: ${alice.email}\r\nTo: carol@example.test\r\nSubject: From my phone\r\nMessage-ID: <phone-1@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nwritten elsewhere\r\n`,
      ),
      ['\\Draft'],
    );
    await t.call('sync.run');
    const list = await t.call('draft.list', {});
    expect(list.map((d) => [d.subject, d.origin])).toEqual(
      expect.arrayContaining([
        ['Draft v2', 'synced'],
        ['From my phone', 'server'],
      ]),
    );
    expect(list).toHaveLength(2);
    expect(list.find((d) => d.origin === 'synced')?.storedMessageId).not.toBeNull();

    // Sent from the draft: the draft goes, here and on the server.
    await t.call('outbox.send', {
      accountId: a.id,
      to: [bob.email],
      subject: 'Draft v2',
      draftId: d1.id!,
    });
    await t.call('sync.run');
    expect((await serverMessages(alice, 'Drafts')).map((m) => m.messageId)).toEqual([
      '<phone-1@example.test>',
    ]);
  });
});

describe('maildock send, outbox and draft commands', () => {
  it('queue, list, sync, cancel too late, drafts; --json everywhere; no body or password in the log', async () => {
    const secretBody = 'confidential-outgoing-words-91c2';
    await t.call('account.add', accountFor(alice));
    const { dataDir, secretKey } = t;
    await t.svc.close();
    const env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: secretKey,
      MAILDOCK_LOG_LEVEL: 'trace',
    };
    const file = path.join(dataDir, 'notes.txt');
    await writeFile(file, 'attached notes\n');
    const sent = await runCli(
      ['--json', 'send', '--account', '1', '--to', bob.email, '--subject', 'From the CLI'].concat([
        '--body-stdin',
        '--attach',
        file,
        '--delay',
        '0',
      ]),
      env,
      secretBody,
    );
    expect(sent.code, sent.stderr).toBe(0);
    const entry = JSON.parse(sent.stdout);
    expect(entry).toMatchObject({ id: 1, state: 'queued', subject: 'From the CLI' });
    expect(entry.messageId).toMatch(/^<.+@maildock\.test>$/);

    const sync = await runCli(['--json', 'sync', '--once'], env);
    expect(sync.code, sync.stderr).toBe(0);
    const list = JSON.parse((await runCli(['--json', 'outbox', 'list'], env)).stdout);
    expect(list).toEqual([expect.objectContaining({ id: 1, state: 'sent', sentCopy: 'done' })]);
    const text = await runCli(['outbox', 'list'], env);
    expect(text.stdout).toMatch(/^\s+1\s+sent\s+sent \d{4}-/m);

    const late = await runCli(['--json', 'outbox', 'cancel', '1'], env);
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout).error.code).toBe('TOO_LATE');
    const bad = await runCli(['--json', 'send', '--account', '1', '--to', 'not an address'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('INVALID_INPUT');

    const draft = await runCli(
      ['--json', 'draft', 'save', '--account', '1', '--to', bob.email, '--subject', 'Half done'],
      env,
    );
    expect(draft.code, draft.stderr).toBe(0);
    expect(JSON.parse(draft.stdout)).toMatchObject({ id: 1, origin: 'synced' });
    const drafts = JSON.parse((await runCli(['--json', 'draft', 'list'], env)).stdout);
    expect(drafts.map((d: { subject: string }) => d.subject)).toEqual(['Half done']);

    const inbox = await waitForMessages(bob, 1);
    const parsed = await simpleParser(inbox[0]!.source);
    expect(parsed.messageId).toBe(entry.messageId);
    expect(parsed.text?.trim()).toBe(secretBody);
    expect(parsed.attachments[0]?.content.toString()).toBe('attached notes\n');

    const logDir = path.join(dataDir, 'logs');
    const logs = (
      await Promise.all((await readdir(logDir)).map((f) => readFile(path.join(logDir, f), 'utf8')))
    ).join('\n');
    expect(logs).toContain('message sent');
    expect(logs).not.toContain(secretBody);
    expect(logs).not.toContain(alice.password);
    expect(logs).not.toContain('attached notes');
  });
});

// ---------------------------------------------------------------------------------------
// The sending process killed at each phase of the SMTP transaction.

type Phase = 'greeting' | 'data' | 'after-dot';

/**
 * A loopback proxy that holds an SMTP connection at a chosen phase: before the greeting
 * reaches the client, in the middle of DATA (it stops reading, so the sender's socket
 * buffers fill), or after the final "." (the server's reply is held back).
 */
async function startPhaseProxy(target: number) {
  let hold: Phase | null = null;
  let reached: (() => void) | null = null;
  let reachedP = new Promise<void>((r) => (reached = r));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const phase = hold;
    let tail = '';
    let afterData = -1;
    let held = false;
    const holdNow = () => {
      held = true;
      reached?.();
    };
    upstream.on('data', (d: Buffer) => {
      if (phase === 'greeting' && !held) holdNow();
      if (held && phase !== 'data') return;
      client.write(d);
    });
    client.on('data', (d: Buffer) => {
      upstream.write(d);
      const s = tail + d.toString('latin1');
      tail = s.slice(-8);
      if (afterData < 0 && /\r\nDATA\r\n|^DATA\r\n/.test(s)) afterData = 0;
      else if (afterData >= 0) afterData += d.length;
      if (phase === 'data' && afterData > 64 * 1024 && !held) {
        client.pause();
        holdNow();
      }
      if (phase === 'after-dot' && afterData > 0 && /\r\n\.\r\n$/.test(s) && !held) holdNow();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** The next connection is held at this phase; null: carry everything. */
    holdAt(p: Phase | null) {
      hold = p;
      reachedP = new Promise<void>((r) => (reached = r));
    },
    reached: () => reachedP,
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('the sending process killed with SIGKILL', () => {
  let dataDir: string;
  let env: Record<string, string>;

  async function setupCli(smtpPort: number) {
    dataDir = t.dataDir;
    env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: t.secretKey };
    await t.call('account.add', accountFor(alice, smtpPort));
  }

  const row = (id: number) => {
    const db = new Database(path.join(dataDir, 'maildock.db'), { readonly: true });
    try {
      return db
        .prepare('SELECT state, data_sent_at, attempts FROM outbox WHERE id = ?')
        .get(id) as { state: string; data_sent_at: number | null; attempts: number };
    } finally {
      db.close();
    }
  };

  it.each([
    ['before the greeting', 'greeting', 'delivered once'],
    ['in the middle of DATA', 'data', 'delivered once'],
    ['after the final "."', 'after-dot', 'flagged maybe-sent, delivered once'],
  ] as const)('%s → %s', async (_name, phase, _expected) => {
    const proxy = await startPhaseProxy(postfix.port);
    cleanup.push(() => proxy.close());
    await setupCli(proxy.port);
    // Big enough that the socket buffers fill long before DATA ends (under Postfix's 10 MB).
    const big = phase === 'data' ? randomBytes(5 * 1024 * 1024).toString('base64') : undefined;
    const entry = await t.call('outbox.send', {
      accountId: 1,
      to: [bob.email],
      subject: `killed ${phase}`,
      text: 'x',
      ...(big
        ? { attachments: [{ content: big, filename: 'big.bin', contentType: 'application/x' }] }
        : {}),
    });
    await t.svc.close();

    proxy.holdAt(phase);
    const { child, done } = startCli(['sync', '--once'], env);
    await Promise.race([proxy.reached(), sleep(30_000)]);
    if (phase === 'after-dot') {
      // Postfix has the whole message and answers; the client never hears it.
      await sleep(300);
    }
    const before = row(entry.id);
    expect(before.state).toBe('sending');
    expect(before.data_sent_at === null).toBe(phase !== 'after-dot');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    proxy.dropAll();

    proxy.holdAt(null);
    const again = await runCli(['--json', 'sync', '--once'], env);
    expect(again.code, again.stderr).toBe(0);
    const after = row(entry.id);
    if (phase === 'after-dot') {
      expect(after.state).toBe('maybe-sent');
      expect(after.attempts).toBe(1);
    } else {
      expect(after.state).toBe('sent');
      expect(after.attempts).toBe(2);
    }
    const inbox = await waitForMessages(bob, 1);
    await sleep(1000);
    expect(countOf(await serverMessages(bob), entry.messageId)).toBe(1);
    expect(inbox.length).toBe(1);
    // Another pass changes nothing.
    expect((await runCli(['sync', '--once'], env)).code).toBe(0);
    expect(row(entry.id).state).toBe(after.state);
    expect(countOf(await serverMessages(bob), entry.messageId)).toBe(1);
  });

  it('a connection lost after the final "." in a live process → maybe-sent, not resent', async () => {
    const proxy = await startPhaseProxy(postfix.port);
    cleanup.push(() => proxy.close());
    await t.call('account.add', accountFor(alice, proxy.port));
    const entry = await t.call('outbox.send', { accountId: 1, to: [bob.email], text: 'lost' });
    proxy.holdAt('after-dot');
    const pass = t.call('sync.run');
    await proxy.reached();
    await sleep(200);
    proxy.dropAll();
    await pass;
    const e = (await t.call('outbox.list', {}))[0]!;
    expect(e).toMatchObject({ id: entry.id, state: 'maybe-sent' });
    expect(e.lastError).toMatchObject({
      code: 'CONNECTION_LOST',
      message: expect.stringMatching(/may have been sent/),
      fields: { maybeSent: true },
    });
    proxy.holdAt(null);
    await t.call('sync.run');
    expect((await t.call('outbox.list', {}))[0]?.state).toBe('maybe-sent');
    await waitForMessages(bob, 1);
    await sleep(500);
    expect(countOf(await serverMessages(bob), entry.messageId)).toBe(1);
  });

  it('200 messages queued offline, the sender restarted five times: 200 delivered, none twice', async () => {
    await setupCli(postfix.port);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const e = await t.call('outbox.send', {
        accountId: 1,
        to: [bob.email],
        subject: `batch ${i}`,
        text: `message ${i}`,
      });
      ids.push(e.messageId);
    }
    await t.svc.close();
    const sentCount = () => {
      const db = new Database(path.join(dataDir, 'maildock.db'), { readonly: true });
      try {
        return db
          .prepare("SELECT count(*) FROM outbox WHERE state IN ('sent', 'maybe-sent')")
          .pluck()
          .get() as number;
      } finally {
        db.close();
      }
    };
    for (let round = 1; round <= 5; round++) {
      const { child, done } = startCli(['sync', '--once'], env);
      const target = Math.min(190, round * 30);
      for (let i = 0; i < 600 && sentCount() < target; i++) await sleep(20);
      child.kill('SIGKILL');
      await done;
    }
    const killedAt = sentCount();
    expect(killedAt).toBeLessThan(200);
    const finish = await runCli(['--json', 'sync', '--once'], env);
    expect(finish.code, finish.stderr).toBe(0);
    expect(sentCount()).toBe(200);
    await postfix.waitForEmptyQueue(60_000);
    let delivered = (await serverMessages(bob)).map((m) => m.messageId);
    expect(new Set(delivered).size).toBe(delivered.length);
    // A kill that lands between the end-of-DATA marker and the final "." leaves a message
    // "may have been sent" that never arrived: never resent by itself, it is the user's call.
    // Every message that did not arrive must be one of those; the user resends them.
    const maybe = (() => {
      const db = new Database(path.join(dataDir, 'maildock.db'), { readonly: true });
      try {
        return db
          .prepare("SELECT id, message_id AS messageId FROM outbox WHERE state = 'maybe-sent'")
          .all() as { id: number; messageId: string }[];
      } finally {
        db.close();
      }
    })();
    const arrived = new Set(delivered);
    const missing = ids.filter((id) => !arrived.has(id));
    expect(missing.every((id) => maybe.some((m) => m.messageId === id))).toBe(true);
    for (const m of maybe.filter((x) => !arrived.has(x.messageId))) {
      expect((await runCli(['outbox', 'resend', String(m.id)], env)).code).toBe(0);
    }
    if (missing.length) {
      expect((await runCli(['sync', '--once'], env)).code).toBe(0);
      await postfix.waitForEmptyQueue(60_000);
      delivered = (await serverMessages(bob)).map((m) => m.messageId);
    }
    expect(delivered.length).toBe(200);
    expect(new Set(delivered)).toEqual(new Set(ids));
    // Six processes started from source, each a second or more on a loaded machine.
  }, 180_000);
});
