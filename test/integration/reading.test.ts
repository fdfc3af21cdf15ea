// What the mailbox UI reads through the contract, against a real Dovecot: the sync state of
// each account (running, last finished, errors, pushed as it changes, kept across restarts),
// conversations across folders, conversation rows in a list, addresses for completion, and
// an account added while the service watches being watched at once.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountSyncState } from '../../common/types.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

let server: DovecotServer;
let t: TestService;

beforeEach(async () => {
  server = await startDovecot({ users: [{ user: 'carol', password: 'carol-secret-1' }] });
  t = await openService();
});
afterEach(async () => {
  await t?.close();
  await server?.stop();
});

async function waitFor<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const day = (d: number) => new Date(Date.UTC(2024, 4, d, 9));

describe('sync state', () => {
  it('says running while a pass runs, then when it finished, and keeps that across a restart', async () => {
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: 30 }, (_, i) => ({ raw: makeMail({ subject: `m${i}` }) })),
    );
    const account = await t.call('account.add', accountInput(server));
    const [before] = await t.call('sync.state');
    expect(before).toMatchObject({ accountId: account.id, running: false, lastSyncAt: null });
    const pushed: AccountSyncState[] = [];
    t.svc.on('sync.state', (s) => pushed.push(s));
    const started = Date.now();
    await t.call('sync.run', {});
    expect(pushed.some((s) => s.running && s.progress?.phase === 'headers')).toBe(true);
    const last = pushed.at(-1)!;
    expect(last).toMatchObject({
      accountId: account.id,
      running: false,
      progress: null,
      errors: [],
    });
    expect(Date.parse(last.lastSyncAt!)).toBeGreaterThanOrEqual(started - 1000);
    expect(await t.call('sync.state')).toEqual([last]);

    await t.svc.close();
    const again = await openService({ dataDir: t.dataDir, secretKey: t.secretKey });
    try {
      expect((await again.call('sync.state'))[0]!.lastSyncAt).toBe(last.lastSyncAt);
    } finally {
      await again.close();
      await rm(t.dataDir, { recursive: true, force: true });
      t = await openService();
    }
  });

  it("keeps the last pass's errors as codes a person can be told, until a pass succeeds", async () => {
    const account = await t.call('account.add', accountInput(server));
    await server.stop({ keepData: true });
    await t.call('sync.run', {});
    const [state] = await t.call('sync.state');
    expect(state!.accountId).toBe(account.id);
    expect(state!.errors.map((e) => e.code)).toEqual(['HOST_UNREACHABLE']);
    await server.start();
    await t.call('sync.run', {});
    expect((await t.call('sync.state'))[0]!.errors).toEqual([]);
  });
});

describe('conversations and addresses', () => {
  it('a conversation across Inbox and Sent is one row in conversation view and whole in message.thread', async () => {
    await server.loadMaildir('INBOX', [
      {
        raw: makeMail({
          messageId: '<plan-1@x.test>',
          subject: 'The plan',
          from: 'Dana Ray <dana@example.test>',
          date: day(1),
        }),
      },
      {
        raw: makeMail({
          messageId: '<plan-3@x.test>',
          subject: 'Re: The plan',
          inReplyTo: '<plan-2@x.test>',
          references: ['<plan-1@x.test>', '<plan-2@x.test>'],
          from: 'Dana Ray <dana@example.test>',
          date: day(3),
        }),
      },
      { raw: makeMail({ subject: 'Other', date: day(2), from: 'Eve <eve@example.test>' }) },
    ]);
    await server.loadMaildir('Sent', [
      {
        raw: makeMail({
          messageId: '<plan-2@x.test>',
          subject: 'Re: The plan',
          inReplyTo: '<plan-1@x.test>',
          references: ['<plan-1@x.test>'],
          to: 'Dana Ray <dana@example.test>',
          date: day(2),
        }),
      },
    ]);
    await t.call('account.add', accountInput(server));
    await t.call('sync.run', {});
    const flat = await t.call('message.list', { path: 'INBOX' });
    expect(flat.total).toBe(3);
    // By role: every folder of that role, the same rows as by path or id.
    expect(await t.call('message.list', { role: 'inbox' })).toEqual(flat);
    const sent = await t.call('message.list', { role: 'sent', threads: true });
    expect(sent.messages.map((m) => [m.mailbox, m.messageId])).toEqual([
      ['Sent', '<plan-2@x.test>'],
    ]);
    const grouped = await t.call('message.list', { path: 'INBOX', threads: true });
    expect(grouped.total).toBe(2);
    expect(grouped.messages.map((m) => [m.subject, m.threadSize])).toEqual([
      ['Re: The plan', 2],
      ['Other', 1],
    ]);
    const thread = await t.call('message.thread', { id: grouped.messages[0]!.id });
    expect(thread.messages.map((m) => [m.mailbox, m.messageId])).toEqual([
      ['INBOX', '<plan-1@x.test>'],
      ['Sent', '<plan-2@x.test>'],
      ['INBOX', '<plan-3@x.test>'],
    ]);
    const suggested = await t.call('address.suggest', { query: 'da' });
    expect(suggested[0]).toMatchObject({
      address: 'dana@example.test',
      name: 'Dana Ray',
      count: 3,
    });
    await expect(t.call('message.thread', { id: 12345 })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(
      t.call('message.list', { path: 'INBOX', offset: 1, before: 5 }),
    ).rejects.toMatchObject({ data: { code: 'INVALID_INPUT' } });
  });
});

describe('watching', () => {
  it('an account added while the service watches is watched at once: its new mail arrives by push', async () => {
    await t.call('account.add', accountInput(server));
    await t.svc.watch({ pollMs: 60_000 });
    const carol = server.forUser('carol');
    await carol.loadMaildir('INBOX', [{ raw: makeMail({ subject: 'for carol, early' }) }]);
    const added = await t.call(
      'account.add',
      accountInput(server, {
        email: 'carol@maildock.test',
        imap: { host: server.host, port: server.port, security: 'none', user: 'carol' },
        password: 'carol-secret-1',
      }),
    );
    const subjects = async () =>
      (
        await t.call('message.list', { path: 'INBOX', accountId: added.id }).catch(() => null)
      )?.messages.map((m) => m.subject) ?? [];
    await waitFor(
      async () => ((await subjects()).includes('for carol, early') ? true : undefined),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    await carol.append('INBOX', makeMail({ subject: 'for carol, pushed' }));
    await waitFor(
      async () => ((await subjects()).includes('for carol, pushed') ? true : undefined),
      5000,
    );
    const states = await t.call('sync.state');
    expect(states.find((s) => s.accountId === added.id)?.lastSyncAt).not.toBeNull();
    // The unified Inbox asked for by role is both accounts' Inboxes, as by their ids.
    const inboxes = (await t.call('mailbox.list', {}))
      .filter((m) => m.role === 'inbox')
      .map((m) => m.id);
    expect(inboxes).toHaveLength(2);
    const byRole = await t.call('message.list', { role: 'inbox' });
    expect(byRole).toEqual(await t.call('message.list', { mailboxIds: inboxes }));
    expect(byRole.messages.map((m) => m.subject)).toContain('for carol, pushed');
  });
});
