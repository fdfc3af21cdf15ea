// The stack's own mailboxes in its Postgres, against a real Docker engine: a passwd-file
// mailbox of a stack from before moves in on the first `up` and still logs in; `stack user
// add` makes a user whose one password opens IMAP (and the web sign-in's hash); Postfix
// delivers to a mailbox Postgres lists, refuses an unknown one, follows an alias, and a
// mailbox's quota turns away a message that does not fit.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import argon2 from 'argon2';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedTls } from '../../main/core/net/pinned-tls.js';
import { dovecotPbkdf2, verifyDovecotPbkdf2 } from '../../main/core/stack/pbkdf2-hash.js';
import { sleep } from '../support/processes.js';
import { openService, type TestService } from '../support/service.js';
import { configureTestStack } from '../support/stack.js';

const PROJECT = `mdmail${randomBytes(3).toString('hex')}`;
const DOMAIN = 'maildock.test';

let t: TestService;
let ports: Record<string, number>;

async function imap(address: string, password: string): Promise<ImapFlow> {
  const pem = (await t.svc.stack()).controller.files.pinnedCert()!.pem;
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: ports.imaps!,
    secure: true,
    tls: pinnedTls(pem),
    auth: { user: address, pass: password },
    logger: false,
  });
  await client.connect();
  return client;
}

async function subjects(address: string, password: string): Promise<string[]> {
  const client = await imap(address, password);
  try {
    const box = await client.mailboxOpen('INBOX');
    if (!box.exists) return [];
    const out: string[] = [];
    for await (const m of client.fetch('1:*', { envelope: true }))
      out.push(m.envelope?.subject ?? '');
    return out;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Polls the inbox until `done` holds (delivery is asynchronous), up to 30 s. */
async function inboxWhen(address: string, password: string, done: (s: string[]) => boolean) {
  let last: string[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
    last = await subjects(address, password);
    if (done(last)) return last;
  }
  return last;
}

/** Mail from outside, through Postfix's SMTP port as any sender on the internet would. */
function send(to: string, subject: string, text = 'Hello.') {
  return nodemailer
    .createTransport({ host: '127.0.0.1', port: ports.smtp!, secure: false, ignoreTLS: true })
    .sendMail({ from: `carol@${DOMAIN}`, to, subject, text });
}

const mail = async () => (await t.svc.stack()).mail;

beforeAll(async () => {
  t = await openService({ timeoutMs: 15_000 });
  ports = await configureTestStack(t, PROJECT, 60_000);
  // A stack from before: its mailbox in Dovecot's passwd-file, as Maildock wrote it.
  const dovecot = path.join(t.dataDir, 'stack', 'services', 'dovecot');
  mkdirSync(dovecot, { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(dovecot, 'users'),
    `carol@${DOMAIN}:${dovecotPbkdf2('carol-old-password')}::::::\n`,
    { mode: 0o600 },
  );
  await t.call('stack.up', {});
}, 20 * 60_000);

afterAll(async () => {
  if (!t) return;
  await t.svc.invoke('stack.down', { volumes: true, confirm: true });
  await t.close();
});

describe('the stack’s mailboxes in Postgres', () => {
  it('moved the passwd-file mailbox in on the first up: it logs in with its old password', async () => {
    const dovecot = path.join(t.dataDir, 'stack', 'services', 'dovecot');
    expect(existsSync(path.join(dovecot, 'users'))).toBe(false);
    expect(existsSync(path.join(dovecot, 'users.migrated'))).toBe(true);
    expect(await t.call('stack.user.list', {})).toEqual([
      { address: `carol@${DOMAIN}`, accountId: null, quotaBytes: null },
    ]);
    expect(await subjects(`carol@${DOMAIN}`, 'carol-old-password')).toEqual([]);
    // The web sign-in finds the same hash, and can check it.
    const carol = await (await mail()).use((p) => p.users.forSignIn(`carol@${DOMAIN}`));
    expect(carol?.tenant).toBe(DOMAIN);
    expect(await verifyDovecotPbkdf2(carol!.passwordHash!, 'carol-old-password')).toBe(true);
  });

  it('adds a user whose one password opens IMAP and the web sign-in, and no other does', async () => {
    const added = await t.call('stack.user.add', { name: 'dave', password: 'dave-password-1' });
    expect(added.address).toBe(`dave@${DOMAIN}`);
    const dave = await (await mail()).use((p) => p.users.forSignIn(`dave@${DOMAIN}`));
    expect(dave!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(dave!.passwordHash!, 'dave-password-1')).toBe(true);
    expect(await subjects(`dave@${DOMAIN}`, 'dave-password-1')).toEqual([]);
    await expect(imap(`dave@${DOMAIN}`, 'dave-password-2')).rejects.toMatchObject({
      authenticationFailed: true,
    });

    await t.call('stack.user.passwd', { name: 'dave', password: 'dave-password-2' });
    expect(await subjects(`dave@${DOMAIN}`, 'dave-password-2')).toEqual([]);
    await expect(imap(`dave@${DOMAIN}`, 'dave-password-1')).rejects.toMatchObject({
      authenticationFailed: true,
    });
  });

  it('delivers to a listed mailbox and through an alias, and refuses an unknown address', async () => {
    await (
      await mail()
    ).use((p) =>
      p.mailboxes.addAlias({ source: `sales@${DOMAIN}`, destination: `dave@${DOMAIN}` }),
    );
    await send(`dave@${DOMAIN}`, 'Straight to Dave');
    await send(`Sales@${DOMAIN}`, 'Through the alias');
    const refused = await send(`nobody@${DOMAIN}`, 'To no one').catch((e: unknown) => e);
    expect(refused).toMatchObject({ responseCode: 550 });
    expect(String((refused as Error).message)).toMatch(/nobody@maildock\.test/);
    const got = await inboxWhen(`dave@${DOMAIN}`, 'dave-password-2', (s) => s.length >= 2);
    expect(got.sort()).toEqual(['Straight to Dave', 'Through the alias']);
  }, 90_000);

  it('turns away a message that does not fit the quota, and the sender hears of it', async () => {
    await t.call('stack.user.add', { name: 'erin', password: 'erin-password-1', quota: 4096 });
    expect(
      (await t.call('stack.user.list', {})).find((u) => u.address === `erin@${DOMAIN}`),
    ).toMatchObject({ quotaBytes: 4096 });
    await send(`erin@${DOMAIN}`, 'Small enough');
    await send(`erin@${DOMAIN}`, 'Far too big', 'x'.repeat(20_000));
    const bounce = await inboxWhen(`carol@${DOMAIN}`, 'carol-old-password', (s) =>
      s.some((x) => /Undelivered Mail/i.test(x)),
    );
    expect(bounce).toEqual(['Undelivered Mail Returned to Sender']);
    expect(await subjects(`erin@${DOMAIN}`, 'erin-password-1')).toEqual(['Small enough']);
    // IMAP clients see the quota too.
    const client = await imap(`erin@${DOMAIN}`, 'erin-password-1');
    try {
      const quota = await client.getQuota('INBOX');
      expect(quota && quota.storage?.limit).toBe(4096);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }, 90_000);

  it('removes a mailbox: no login, no delivery', async () => {
    await t.call('stack.user.remove', { name: 'erin' });
    await expect(imap(`erin@${DOMAIN}`, 'erin-password-1')).rejects.toMatchObject({
      authenticationFailed: true,
    });
    await expect(send(`erin@${DOMAIN}`, 'Gone')).rejects.toMatchObject({ responseCode: 550 });
  });
});
