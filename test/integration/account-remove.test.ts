// `account remove` removes everything synced for it, against a real Dovecot with two
// users: the attachment files it downloaded and the addresses only its mail named go;
// another account's, and a file or an address both accounts share, stay.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { dayAt, makeMail } from '../support/mail.js';

let server: DovecotServer;
let t: TestService;

afterEach(async () => {
  await t?.close();
  await server?.stop();
});

const OTHER = { user: 'other', password: 'other-test-password' };
const pdf = (text: string) => ({
  filename: `${text}.pdf`,
  contentType: 'application/pdf',
  content: Buffer.from(`%PDF-1.4 ${text}`),
});

it('takes the account’s cached attachments and its own addresses, and leaves the other’s', async () => {
  server = await startDovecot({ users: [OTHER] });
  await server.loadMaildir('INBOX', [
    {
      raw: makeMail({
        from: 'Only A <only-a@example.test>',
        attachment: pdf('mine'),
        date: dayAt(1),
      }),
    },
    {
      raw: makeMail({
        from: 'Both <both@example.test>',
        attachment: pdf('shared'),
        date: dayAt(2),
      }),
    },
  ]);
  await server.forUser(OTHER.user).loadMaildir('INBOX', [
    {
      raw: makeMail({
        from: 'Only B <only-b@example.test>',
        attachment: pdf('theirs'),
        date: dayAt(3),
      }),
    },
    {
      raw: makeMail({
        from: 'Both <both@example.test>',
        attachment: pdf('shared'),
        date: dayAt(4),
      }),
    },
  ]);
  t = await openService();
  const mine = (await t.call('account.add', accountInput(server))) as { id: number };
  const theirs = (await t.call(
    'account.add',
    accountInput(server, {
      email: `${OTHER.user}@maildock.test`,
      imap: { host: server.host, port: server.port, security: 'none', user: OTHER.user },
      password: OTHER.password,
    }),
  )) as { id: number };
  expect((await t.call('sync.run')).errors).toEqual([]);

  // Open every attachment: each is downloaded into the cache.
  const attachments: { id: number; accountId: number }[] = [];
  for (const box of await t.svc.store.mailboxes.list())
    for (const m of await t.svc.store.messages.list(box.id, 100))
      for (const a of (await t.svc.store.messages.detail(m.id))!.attachments)
        attachments.push({ id: a.id, accountId: m.accountId });
  expect(attachments).toHaveLength(4);
  for (const a of attachments) await t.call('attachment.get', { id: a.id });
  const cacheDir = path.join(t.dataDir, 'attachments');
  const hashOf = (text: string) => createHash('sha256').update(pdf(text).content).digest('hex');
  expect((await readdir(cacheDir)).sort()).toEqual(
    [hashOf('mine'), hashOf('shared'), hashOf('theirs')].sort(),
  );
  const known = async () =>
    ((await t.call('address.suggest', { query: 'o', limit: 20 })) as { address: string }[])
      .map((c) => c.address)
      .sort();
  expect(await known()).toEqual(
    expect.arrayContaining(['only-a@example.test', 'only-b@example.test']),
  );

  expect(await t.call('account.remove', { id: mine.id })).toEqual({ removed: true });
  expect((await readdir(cacheDir)).sort()).toEqual([hashOf('shared'), hashOf('theirs')].sort());
  const left = (await t.call('address.suggest', { query: '', limit: 50 })) as { address: string }[];
  expect(left.map((c) => c.address)).not.toContain('only-a@example.test');
  expect(left.map((c) => c.address)).toEqual(
    expect.arrayContaining(['only-b@example.test', 'both@example.test', 'bob@example.test']),
  );
  // What is left still opens, from the cache.
  for (const a of attachments.filter((x) => x.accountId === theirs.id))
    await t.call('attachment.get', { id: a.id });

  expect(await t.call('account.remove', { id: theirs.id })).toEqual({ removed: true });
  expect(await readdir(cacheDir)).toEqual([]);
  expect(await t.call('address.suggest', { query: '', limit: 50 })).toEqual([]);
});
