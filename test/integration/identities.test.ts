// Identities against a real Dovecot and a real Postfix: aliases added, renamed and removed
// (the account's own address stays, named by the account); a message goes from the identity
// asked for, a reply from the one the original was sent to, a reply to all leaving every
// address of the account out; a draft keeps its identity. `maildock identity …` and
// `maildock send --from` end to end, with the signature under the text.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorData } from '../../common/errors.js';
import { MAX_IDENTITIES } from '../../common/identities.js';
import type { Account } from '../../common/types.js';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { waitFor } from '../support/processes.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
const BOB = { user: 'bob', password: 'bob-secret-7' };
const SALES = `sales@${DOMAIN}`;
const SIGNATURE = { text: 'Alice Example\nSales team', html: '<p><b>Alice</b> of Sales</p>' };

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;
let alice: Account;
const cleanup: (() => Promise<unknown>)[] = [];

async function refused(
  method: 'identity.save' | 'identity.remove' | 'outbox.send',
  input: unknown,
) {
  const r = await t.svc.invoke(method, input);
  if (r.ok) throw new Error(`${method} ${JSON.stringify(input)} was accepted`);
  return r.error as ErrorData;
}

/** Bob's delivered message of this Message-ID, parsed, straight from Dovecot. */
async function deliveredToBob(messageId: string): Promise<ParsedMail> {
  let found: Buffer | null = null;
  await waitFor(async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: BOB.user, pass: BOB.password },
      logger: false,
    });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        for await (const m of client.fetch('1:*', { envelope: true, source: true })) {
          if (m.envelope?.messageId === messageId) found = m.source!;
        }
      } finally {
        lock.release();
      }
    } catch (err) {
      if (!/nonexistent|doesn't exist|no messages/i.test(String(err))) throw err;
    } finally {
      await client.logout().catch(() => client.close());
    }
    return found !== null;
  }, 20_000);
  if (!found) throw new Error(`${messageId} never reached Bob`);
  return simpleParser(found);
}

/** Queues a message and sends it now; returns its Message-ID. */
async function sendNow(input: Record<string, unknown>): Promise<string> {
  const entry = await t.call('outbox.send', input);
  expect((await t.call('sync.run')).errors).toEqual([]);
  expect((await t.call('outbox.list', {})).find((o) => o.id === entry.id)?.state).toBe('sent');
  return entry.messageId;
}

beforeAll(async () => {
  dovecot = await startDovecot({ users: [BOB], lmtp: true });
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  t = await openService({ timeoutMs: 3000, send: { delaySeconds: 0, timeoutMs: 3000 } });
  alice = await t.call('account.add', {
    email: `${dovecot.user}@${DOMAIN}`,
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
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

describe('identity.save and identity.remove', () => {
  it("keeps the account's own address first, named by the account, and aliases after it", async () => {
    expect(alice.identities).toEqual([
      { email: alice.email, name: null, signature: null, primary: true },
    ]);
    const withAlias = await t.call('identity.save', {
      accountId: alice.id,
      email: SALES,
      name: 'Alice Sales',
      signature: SIGNATURE,
    });
    expect(withAlias.identities).toEqual([
      { email: alice.email, name: null, signature: null, primary: true },
      { email: SALES, name: 'Alice Sales', signature: SIGNATURE, primary: false },
    ]);

    // The primary identity's name is the account's, both ways.
    const named = await t.call('identity.save', {
      accountId: alice.id,
      email: alice.email.toUpperCase(),
      name: 'Alice Example',
      signature: { text: 'Alice', html: null },
    });
    expect(named.name).toBe('Alice Example');
    expect(named.identities[0]).toEqual({
      email: alice.email,
      name: 'Alice Example',
      signature: { text: 'Alice', html: null },
      primary: true,
    });
    const renamed = await t.call('account.update', { id: alice.id, name: 'Alice A.' });
    expect(renamed.identities[0]).toMatchObject({ name: 'Alice A.', signature: { text: 'Alice' } });
    expect(renamed.identities[1]).toMatchObject({ email: SALES, name: 'Alice Sales' });

    // An alias written in another case is the same alias, keeping the address as first written.
    const again = await t.call('identity.save', {
      accountId: alice.id,
      email: SALES.toUpperCase(),
      name: 'Sales',
    });
    expect(again.identities.map((i) => [i.email, i.name])).toEqual([
      [alice.email, 'Alice A.'],
      [SALES, 'Sales'],
    ]);
    // What is left out stays: the signature is still there.
    expect(again.identities[1]?.signature).toEqual(SIGNATURE);
    expect(await t.call('account.list')).toEqual([again]);
    await t.call('identity.save', { accountId: alice.id, email: SALES, name: 'Alice Sales' });
  });

  it('refuses to remove the own address, an unknown one, a bad address, one too many', async () => {
    expect(
      await refused('identity.remove', { accountId: alice.id, email: alice.email }),
    ).toMatchObject({ code: 'INVALID_INPUT', fields: { path: 'email' } });
    expect(
      (await refused('identity.remove', { accountId: alice.id, email: 'nobody@x.test' })).code,
    ).toBe('NOT_FOUND');
    expect(
      (await refused('identity.save', { accountId: alice.id, email: 'not an address' })).code,
    ).toBe('INVALID_INPUT');
    expect(
      (await refused('identity.save', { accountId: alice.id, email: 'x@y.test', name: 'a\nb' }))
        .code,
    ).toBe('INVALID_INPUT');
    expect((await refused('identity.save', { accountId: 999, email: 'x@y.test' })).code).toBe(
      'NOT_FOUND',
    );

    const before = (await t.call('account.list'))[0]!;
    const extra: string[] = [];
    for (let i = before.identities.length; i < MAX_IDENTITIES; i++) {
      extra.push(`extra${i}@${DOMAIN}`);
      await t.call('identity.save', { accountId: alice.id, email: `extra${i}@${DOMAIN}` });
    }
    const full = await refused('identity.save', {
      accountId: alice.id,
      email: `one-more@${DOMAIN}`,
    });
    expect(full.code).toBe('INVALID_INPUT');
    // A full list still takes changes to the identities it has.
    await t.call('identity.save', { accountId: alice.id, email: extra[0]!, name: 'Changed' });
    for (const email of extra) await t.call('identity.remove', { accountId: alice.id, email });
    expect(await t.call('account.list')).toEqual([before]);
  });
});

describe('sending from an identity', () => {
  it('sends from the identity asked for: From and the envelope', async () => {
    const messageId = await sendNow({
      accountId: alice.id,
      from: SALES.toUpperCase(),
      to: [`bob@${DOMAIN}`],
      subject: 'From the sales address',
      text: 'Hello Bob.',
    });
    const parsed = await deliveredToBob(messageId);
    expect(parsed.from?.value).toEqual([{ name: 'Alice Sales', address: SALES }]);
    // The envelope sender too, where bounces go.
    expect(JSON.stringify(parsed.headers.get('return-path') ?? null)).toContain(SALES);

    const unknown = await refused('outbox.send', {
      accountId: alice.id,
      from: 'someone-else@x.test',
      to: [`bob@${DOMAIN}`],
    });
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', fields: { path: 'from' } });
  });

  it('replies from the identity the original was sent to, leaving every own address out of a reply to all', async () => {
    await dovecot.append(
      'INBOX',
      makeMail({
        from: `Bob <bob@${DOMAIN}>`,
        to: `Sales <${SALES}>, Carol <carol@elsewhere.test>`,
        cc: `Alice <${alice.email}>, Dan <dan@elsewhere.test>`,
        subject: 'A question for sales',
        messageId: '<question-1@maildock.test>',
      }),
    );
    expect((await t.call('sync.run')).errors).toEqual([]);
    const page = await t.call('message.list', { accountId: alice.id, path: 'INBOX', limit: 50 });
    const question = page.messages.find((m) => m.subject === 'A question for sales')!;
    expect(question).toBeDefined();

    const messageId = await sendNow({
      reference: { id: question.id, mode: 'reply-all' },
      text: 'Here is the answer.',
    });
    const parsed = await deliveredToBob(messageId);
    expect(parsed.from?.value).toEqual([{ name: 'Alice Sales', address: SALES }]);
    const addresses = (v: ParsedMail['to']) =>
      (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address));
    expect(addresses(parsed.to).sort()).toEqual([`bob@${DOMAIN}`, 'carol@elsewhere.test']);
    expect(addresses(parsed.cc)).toEqual(['dan@elsewhere.test']);

    // Asked for, the account's own address wins over the one it was sent to.
    const own = await sendNow({
      reference: { id: question.id, mode: 'reply' },
      from: alice.email,
      text: 'From my own address.',
    });
    expect((await deliveredToBob(own)).from?.value[0]?.address).toBe(alice.email);
  });

  it('keeps the identity with a draft', async () => {
    const draft = await t.call('draft.save', {
      accountId: alice.id,
      from: SALES,
      to: [`bob@${DOMAIN}`],
      subject: 'A draft from sales',
      text: 'Not yet.',
    });
    const back = await t.call('draft.get', { id: draft.id! });
    expect(back).toMatchObject({ from: SALES, subject: 'A draft from sales' });
  });
});

describe('maildock identity and send --from', () => {
  it('adds, lists, edits and removes an alias, and sends from it with its signature', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-identity-cli-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const secretKey = randomBytes(32).toString('base64');
    const setup = await openService({ dataDir, secretKey });
    await setup.call('account.add', {
      email: alice.email,
      imap: alice.imap,
      smtp: alice.smtp,
      password: dovecot.password,
    });
    await setup.close();
    const env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: secretKey };
    const signatureFile = path.join(dataDir, 'signature.txt');
    await writeFile(signatureFile, 'Support desk\nMaildock test\n');
    const bodyFile = path.join(dataDir, 'body.txt');
    await writeFile(bodyFile, 'Your ticket is open.\n');
    const support = `support@${DOMAIN}`;

    const add = await runCli(
      [
        '--json',
        'identity',
        'add',
        support,
        '--name',
        'Support',
        '--signature-file',
        signatureFile,
      ],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout).identities[1]).toEqual({
      email: support,
      name: 'Support',
      signature: { text: 'Support desk\nMaildock test\n', html: null },
      primary: false,
    });
    const twice = await runCli(['identity', 'add', support], env);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('identity edit');

    const list = await runCli(['identity', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`* ${alice.email}`);
    expect(list.stdout).toContain(`Support <${support}>  (signature)`);

    const sent = await runCli(
      [
        '--json',
        ...['send', '--from', support, '--to', `bob@${DOMAIN}`, '--subject', 'From support'],
        ...['--body-file', bodyFile, '--delay', '0'],
      ],
      env,
    );
    expect(sent.code, sent.stderr + sent.stdout).toBe(0);
    const entry = JSON.parse(sent.stdout) as { messageId: string; from: string };
    expect(entry.from).toBe(support);
    const plain = await runCli(
      [
        '--json',
        ...['send', '--from', support, '--to', `bob@${DOMAIN}`, '--subject', 'Unsigned'],
        ...['--body-file', bodyFile, '--delay', '0', '--no-signature'],
      ],
      env,
    );
    expect(plain.code, plain.stderr).toBe(0);
    const sync = await runCli(['sync'], env);
    expect(sync.code, sync.stderr).toBe(0);
    const signed = await deliveredToBob(entry.messageId);
    expect(signed.from?.value).toEqual([{ name: 'Support', address: support }]);
    expect(signed.text?.replace(/\r\n/g, '\n')).toBe(
      'Your ticket is open.\n\n-- \nSupport desk\nMaildock test\n',
    );
    const unsigned = await deliveredToBob(JSON.parse(plain.stdout).messageId);
    expect(unsigned.text).not.toContain('Support desk');

    const edit = await runCli(['--json', 'identity', 'edit', support, '--no-signature'], env);
    expect(edit.code, edit.stderr).toBe(0);
    expect(JSON.parse(edit.stdout).identities[1]).toMatchObject({ signature: null });
    const nothing = await runCli(['identity', 'edit', support], env);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain('Nothing to change');

    const removed = await runCli(['--json', 'identity', 'remove', support], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout).identities).toHaveLength(1);
    const own = await runCli(['identity', 'remove', alice.email], env);
    expect(own.code).not.toBe(0);
    expect(own.stderr).toContain('cannot be removed');
  }, 120_000);
});
