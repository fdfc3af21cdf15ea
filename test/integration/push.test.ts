// Push through IDLE, reconnection after the server goes away, and hostile MIME that must
// not stop a sync.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { makeMail } from '../support/mail.js';
import { HOSTILE } from '../support/hostile-mime.js';
import { startProxy } from '../support/proxy.js';

let server: DovecotServer;
let t: TestService;

beforeEach(async () => {
  server = await startDovecot();
  t = await openService();
  await server.loadMaildir('INBOX', [{ raw: makeMail({ subject: 'already here' }) }]);
  await t.call('account.add', accountInput(server));
});
afterEach(async () => {
  await t?.close();
  await server?.stop();
});

async function waitFor<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inboxSubjects = async (t: TestService) => {
  const box = (await t.svc.store.mailboxes.list()).find((m) => m.path === 'INBOX');
  return box ? (await t.svc.store.messages.list(box.id, 100)).map((m) => m.subject) : [];
};

describe('push', () => {
  it('IDLE delivers a message appended on the server within 2 s', async () => {
    await t.svc.watch({ pollMs: 60_000 });
    await waitFor(
      async () => ((await inboxSubjects(t)).includes('already here') ? true : undefined),
      10_000,
    );
    // Let the IDLE connection settle into IDLE before the new mail lands.
    await new Promise((r) => setTimeout(r, 500));
    const events: number[] = [];
    t.svc.on('mail.new', (e) => events.push(e.count));
    const appended = Date.now();
    await server.append('INBOX', makeMail({ subject: 'pushed to you' }));
    await waitFor(
      async () => ((await inboxSubjects(t)).includes('pushed to you') ? true : undefined),
      2000,
    );
    expect(Date.now() - appended).toBeLessThan(2000);
    expect(events).toEqual([1]);
  });

  it('reconnects after the server was down and picks up what arrived meanwhile', async () => {
    await t.svc.watch({ pollMs: 60_000, maxBackoffMs: 500 });
    await waitFor(
      async () => ((await inboxSubjects(t)).includes('already here') ? true : undefined),
      10_000,
    );
    await server.kill();
    await new Promise((r) => setTimeout(r, 300));
    await server.start();
    await server.append('INBOX', makeMail({ subject: 'after the outage' }));
    await waitFor(
      async () => ((await inboxSubjects(t)).includes('after the outage') ? true : undefined),
      10_000,
    );
  });
});

describe('local changes while watching', () => {
  it('replays an action at once, and one made by another process within seconds', async () => {
    await t.svc.watch({ pollMs: 60_000, changesPollMs: 200 });
    await waitFor(
      async () => ((await inboxSubjects(t)).includes('already here') ? true : undefined),
      10_000,
    );
    const first = (await t.svc.store.mailboxes.list())[0]!;
    const id = (await t.svc.store.messages.list(first.id, 1))[0]!.id;
    const seen = async () =>
      (await server.doveadm('search', '-u', server.user, 'mailbox', 'INBOX', 'SEEN')).trim() !== '';
    const flagged = async () =>
      (await server.doveadm('search', '-u', server.user, 'mailbox', 'INBOX', 'FLAGGED')).trim() !==
      '';

    await t.call('message.mark', { ids: [id], read: true });
    for (let i = 0; i < 100 && !(await seen()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await seen()).toBe(true);

    // Another process (the command line) writes to the same store.
    const other = await openService({ dataDir: t.dataDir, secretKey: t.secretKey });
    try {
      await other.call('message.mark', { ids: [id], flagged: true });
    } finally {
      await other.svc.close();
    }
    for (let i = 0; i < 150 && !(await flagged()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await flagged()).toBe(true);
  });
});

describe('a connection that dies silently', () => {
  it('is detected and replaced, and mail that arrived meanwhile is picked up', async () => {
    const proxy = await startProxy(server.port);
    await t.close();
    t = await openService({ timeoutMs: 1000 });
    await t.call(
      'account.add',
      accountInput(server, {
        imap: { host: '127.0.0.1', port: proxy.port, security: 'none', user: server.user },
      }),
    );
    try {
      await t.svc.watch({ pollMs: 600_000, maxBackoffMs: 500 });
      await waitFor(
        async () => ((await inboxSubjects(t)).includes('already here') ? true : undefined),
        10_000,
      );
      await new Promise((r) => setTimeout(r, 300));
      // Both the IDLE and the sync connection now carry nothing, in either direction.
      proxy.freeze();
      await server.append('INBOX', makeMail({ subject: 'behind a dead connection' }));
      await waitFor(
        async () =>
          (await inboxSubjects(t)).includes('behind a dead connection') ? true : undefined,
        15_000,
      );
    } finally {
      await t.close();
      t = await openService();
      await proxy.close();
    }
  });
});

describe('hostile MIME', () => {
  it('parses every hostile message in bounded time and keeps syncing the rest', async () => {
    const names = Object.keys(HOSTILE);
    await server.loadMaildir('INBOX', [
      ...names.map((name) => ({ raw: HOSTILE[name]!() })),
      { raw: makeMail({ subject: 'normal after hostile', text: 'still readable' }) },
    ]);
    const started = Date.now();
    const summary = await t.call('sync.run');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(summary.errors).toEqual([]);
    expect(summary.messages).toBe(names.length + 2);
    expect(summary.bodies).toBe(names.length + 2);
    const box = (await t.svc.store.mailboxes.list()).find((m) => m.path === 'INBOX')!;
    const normal = (await t.svc.store.messages.list(box.id, 100)).find(
      (m) => m.subject === 'normal after hostile',
    )!;
    expect((await t.call('message.get', { id: normal.id })).text).toContain('still readable');
    // Every message is readable in some form: parsed text or HTML, or a recorded error.
    for (const m of await t.svc.store.messages.list(box.id, 100)) {
      const d = await t.call('message.get', { id: m.id });
      expect(d.text !== null || d.html !== null || d.parseError !== null, m.subject).toBe(true);
    }
  });
});
