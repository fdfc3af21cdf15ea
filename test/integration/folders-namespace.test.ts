// Folders made at the top on a server whose folders all live under a personal namespace
// prefix ("INBOX.", as Courier and old Cyrus have it; here a Dovecot set up so): the server
// puts them under the prefix, and the folder here follows, keeping its id and its mail.
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

let server: DovecotServer;
let t: TestService | undefined;

beforeAll(async () => {
  server = await startDovecot({ separator: '.', namespacePrefix: 'INBOX.' });
}, 30_000);
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => {
  await server?.stop();
});

/** The server's folders under the prefix made by this test, and whether each is subscribed. */
async function onServer(): Promise<Map<string, boolean>> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const listed = await client.list();
    return new Map(
      listed
        .filter((l) => /^INBOX\.(Projects|Work)/.test(l.path))
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((l) => [l.path, l.subscribed]),
    );
  } finally {
    await client.logout().catch(() => client.close());
  }
}

describe('folders on a server with a namespace prefix', () => {
  it('made or moved to the top, take the prefix the server gives them and keep their ids', async () => {
    t = await openService({ attempts: 2 });
    const svc = t;
    const { id: accountId } = await svc.call('account.add', accountInput(server));
    await svc.call('sync.run');
    const paths = async () =>
      (await svc.call('mailbox.list', { accountId })).map((m) => [m.id, m.path]);
    expect((await svc.call('mailbox.list', { accountId })).map((m) => m.path)).toContain(
      'INBOX.Sent',
    );

    const top = await svc.call('mailbox.create', { accountId, name: 'Projects' });
    expect(top.path).toBe('Projects');
    const later = await svc.call('mailbox.create', { accountId, name: 'Projects2' });
    // A folder row made after them (of an account never synced here), so that a row made
    // again for either could not take its old id back.
    const { store } = svc.svc;
    const idle = await store.accounts.add({
      email: 'idle@maildock.test',
      imap: { host: '127.0.0.1', port: 1, security: 'none', user: 'idle' },
    });
    await store.mailboxes.upsert(idle.id, {
      path: 'INBOX',
      name: 'INBOX',
      delimiter: '.',
      role: null,
    });
    const summary = await svc.call('sync.run', { accountId });
    expect(summary.operations).toEqual({ pending: 0, failed: 0 });
    expect([...(await onServer()).entries()]).toEqual([
      ['INBOX.Projects', true],
      ['INBOX.Projects2', true],
    ]);
    expect(await paths()).toEqual(
      expect.arrayContaining([
        [top.id, 'INBOX.Projects'],
        [later.id, 'INBOX.Projects2'],
      ]),
    );
    expect((await paths()).filter(([, p]) => p === 'Projects')).toEqual([]);

    const sub = await svc.call('mailbox.create', { accountId, name: 'Sub', parentId: top.id });
    expect(sub.path).toBe('INBOX.Projects.Sub');
    await svc.call('sync.run', { accountId });
    await server.append('INBOX.Projects.Sub', makeMail({ subject: 'kept' }));
    await svc.call('sync.run', { accountId });
    const [mail] = (await svc.call('message.list', { mailboxId: sub.id })).messages;

    // To the top under a new name: the server puts it under the prefix again.
    await svc.call('mailbox.rename', { id: top.id, name: 'Work', parentId: null });
    expect((await svc.call('sync.run', { accountId })).operations).toEqual({
      pending: 0,
      failed: 0,
    });
    expect([...(await onServer()).entries()]).toEqual([
      ['INBOX.Projects2', true],
      ['INBOX.Work', true],
      ['INBOX.Work.Sub', true],
    ]);
    expect(await paths()).toEqual(
      expect.arrayContaining([
        [top.id, 'INBOX.Work'],
        [sub.id, 'INBOX.Work.Sub'],
      ]),
    );
    expect((await svc.call('message.list', { mailboxId: sub.id })).messages).toMatchObject([
      { id: mail!.id, subject: 'kept' },
    ]);

    await svc.call('mailbox.delete', { id: top.id });
    await svc.call('mailbox.delete', { id: later.id });
    expect((await svc.call('sync.run', { accountId })).operations).toEqual({
      pending: 0,
      failed: 0,
    });
    expect((await onServer()).size).toBe(0);
  });
});
