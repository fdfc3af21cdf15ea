// Folders created, renamed, moved and deleted through the contract against a real Dovecot
// (separator "/"): shown here at once, carried to the server exactly once by the sync, seen
// there by a client of its own; done with the server down, then replayed when it is back;
// replayed again after a crash between the server's answer and the journal's record; and
// never undone by a sync that lists the folders before they are replayed.
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncProgress } from '../../common/types.js';
import { syncMailboxList } from '../../main/core/sync/mailbox-list.js';
import { replayFolder } from '../../main/core/sync/folder-replay.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const OTHER = { user: 'other', password: 'other-password-Zq4' };

let server: DovecotServer;
let t: TestService | undefined;

beforeAll(async () => {
  server = await startDovecot({ users: [OTHER] });
}, 30_000);
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => {
  await server?.stop();
});

/** A service with the server's main user as its account, synced once. */
async function open(): Promise<{ svc: TestService; accountId: number }> {
  const svc = await openService({ attempts: 2 });
  t = svc;
  const account = await svc.call('account.add', accountInput(server));
  expect((await svc.call('sync.run')).errors).toEqual([]);
  return { svc, accountId: account.id };
}

async function withClient<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
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
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

interface RemoteFolder {
  subscribed: boolean;
  uidValidity: string;
}

/** The server's folders as another client lists them (only those under `prefixes`). */
async function onServer(...prefixes: string[]): Promise<Map<string, RemoteFolder>> {
  const listed = await withClient((c) => c.list({ statusQuery: { uidValidity: true } }));
  return new Map(
    listed
      .filter((l) => prefixes.some((p) => l.path === p || l.path.startsWith(`${p}/`)))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((l) => [
        l.path,
        { subscribed: l.subscribed, uidValidity: String(l.status?.uidValidity) },
      ]),
  );
}

/** A folder's messages on the server: subject → flags. */
async function mailOnServer(path: string): Promise<Map<string, string[]>> {
  return withClient(async (c) => {
    const lock = await c.getMailboxLock(path, { readOnly: true });
    const out = new Map<string, string[]>();
    try {
      if ((c.mailbox as { exists: number }).exists > 0)
        for await (const m of c.fetch('1:*', { envelope: true, flags: true }))
          out.set(m.envelope!.subject!, [...m.flags!].filter((f) => f !== '\\Recent').sort());
    } finally {
      lock.release();
    }
    return out;
  });
}

async function localPaths(svc: TestService, accountId: number): Promise<string[]> {
  return (await svc.call('mailbox.list', { accountId })).map((m) => m.path).sort();
}

async function waiting(svc: TestService) {
  return (await svc.call('sync.summary')).operations;
}

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'taken',
    (e: { data?: { code: string; fields?: unknown } }) => e.data,
  );
}

describe('folders from the app', () => {
  it('are made, renamed, moved and deleted here at once, and on the server once synced', async () => {
    const { svc, accountId } = await open();
    const changed: number[] = [];
    svc.svc.on('mailbox.changed', (e) => changed.push(e.accountId));

    const top = await svc.call('mailbox.create', { accountId, name: 'Projects' });
    const sub = await svc.call('mailbox.create', { accountId, name: '2026', parentId: top.id });
    expect(sub).toMatchObject({ path: 'Projects/2026', name: '2026', delimiter: '/', role: null });
    expect(await localPaths(svc, accountId)).toEqual(
      expect.arrayContaining(['Projects', 'Projects/2026']),
    );
    expect(changed).toEqual([accountId, accountId]);
    expect((await onServer('Projects')).size).toBe(0);
    expect(await waiting(svc)).toEqual({ pending: 2, failed: 0 });

    await svc.call('sync.run');
    expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
    const made = await onServer('Projects');
    expect([...made.keys()]).toEqual(['Projects', 'Projects/2026']);
    expect([...made.values()].every((f) => f.subscribed)).toBe(true);
    // The rows made here are the server's folders now: same ids, the server's UIDVALIDITY.
    const synced = (await svc.call('mailbox.list', { accountId })).find((m) => m.id === sub.id);
    expect(synced).toMatchObject({
      path: 'Projects/2026',
      uidValidity: made.get('Projects/2026')!.uidValidity,
    });

    await server.append('Projects/2026', makeMail({ subject: 'plan A' }));
    await server.append('Projects/2026', makeMail({ subject: 'plan B' }));
    await svc.call('sync.run');
    const before = (await svc.call('message.list', { mailboxId: sub.id })).messages;
    expect(before.map((m) => m.subject).sort()).toEqual(['plan A', 'plan B']);

    const renamed = await svc.call('mailbox.rename', { id: top.id, name: 'Work' });
    expect(renamed).toMatchObject({ id: top.id, path: 'Work', name: 'Work' });
    const here = (await svc.call('message.list', { mailboxId: sub.id })).messages;
    expect(here.map((m) => [m.id, m.mailbox])).toEqual(before.map((m) => [m.id, 'Work/2026']));

    const progress: SyncProgress[] = [];
    const off = svc.svc.on('sync.progress', (p) => progress.push(p));
    await svc.call('sync.run');
    off();
    const after = await onServer('Projects', 'Work');
    expect([...after.keys()]).toEqual(['Work', 'Work/2026']);
    expect(after.get('Work/2026')!.subscribed).toBe(true);
    // Dovecot keeps a folder's UIDVALIDITY through a rename, so its mail is not fetched again:
    // the same messages, under the same ids, and no header fetch in that folder.
    expect(after.get('Work/2026')!.uidValidity).toBe(made.get('Projects/2026')!.uidValidity);
    const kept = (await svc.call('message.list', { mailboxId: sub.id })).messages;
    expect(kept.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(progress.filter((p) => p.phase === 'headers' && p.mailbox === 'Work/2026')).toEqual([]);

    // To the top, then under Work again with another name: two moves, one sync.
    await svc.call('mailbox.rename', { id: sub.id, parentId: null });
    expect(await localPaths(svc, accountId)).toContain('2026');
    const back = await svc.call('mailbox.rename', { id: sub.id, name: 'Y2026', parentId: top.id });
    expect(back).toMatchObject({ id: sub.id, path: 'Work/Y2026' });
    await svc.call('sync.run');
    expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
    expect([...(await onServer('2026', 'Work')).keys()]).toEqual(['Work', 'Work/Y2026']);
    expect([...(await mailOnServer('Work/Y2026')).keys()].sort()).toEqual(['plan A', 'plan B']);

    const deleted = await svc.call('mailbox.delete', { id: top.id });
    expect(deleted).toEqual({ deleted: true, messages: 2 });
    expect((await localPaths(svc, accountId)).filter((p) => p.startsWith('Work'))).toEqual([]);
    await expect(svc.call('message.get', { id: before[0]!.id })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await svc.call('sync.run');
    expect((await onServer('Work')).size).toBe(0);
    // A second pass brings nothing back.
    await svc.call('sync.run');
    expect((await localPaths(svc, accountId)).filter((p) => p.startsWith('Work'))).toEqual([]);
    expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
    expect(changed).toHaveLength(6);
  });

  it('made with the server down, they are replayed exactly once when it is back', async () => {
    await server.loadMaildir('Trip', [{ raw: makeMail({ subject: 'ticket' }) }]);
    await server.loadMaildir('Drop', [{ raw: makeMail({ subject: 'junk mail' }) }]);
    const { svc, accountId } = await open();
    const boxes = await svc.call('mailbox.list', { accountId });
    const trip = boxes.find((m) => m.path === 'Trip')!;
    const drop = boxes.find((m) => m.path === 'Drop')!;
    const ticket = (await svc.call('message.list', { mailboxId: trip.id })).messages[0]!;

    await server.stop({ keepData: true });
    try {
      const first = await svc.call('mailbox.create', { accountId, name: 'Offline' });
      await svc.call('mailbox.rename', { id: first.id, name: 'Offline2' });
      // The name is free again here: a new folder takes it.
      const second = await svc.call('mailbox.create', { accountId, name: 'Offline' });
      await svc.call('mailbox.rename', { id: trip.id, name: 'Journey' });
      await svc.call('mailbox.delete', { id: drop.id });
      const expected = ['Journey', 'Offline', 'Offline2'];
      const ours = async () =>
        (await localPaths(svc, accountId)).filter((p) => [...expected, 'Trip', 'Drop'].includes(p));
      expect(await ours()).toEqual(expected);

      const down = await svc.call('sync.run');
      expect(down.errors.length).toBeGreaterThan(0);
      expect(down.operations).toEqual({ pending: 5, failed: 0 });
      expect(await ours()).toEqual(expected);

      await server.start();
      const up = await svc.call('sync.run');
      expect(up.errors).toEqual([]);
      expect(up.operations).toEqual({ pending: 0, failed: 0 });
      const remote = await onServer('Offline', 'Offline2', 'Journey', 'Trip', 'Drop');
      expect([...remote.keys()]).toEqual(expected);
      await svc.call('sync.run');
      expect([...(await onServer('Offline', 'Offline2', 'Trip', 'Drop')).keys()]).toEqual([
        'Offline',
        'Offline2',
      ]);
      const now = await svc.call('mailbox.list', { accountId });
      expect(now.find((m) => m.path === 'Offline2')?.id).toBe(first.id);
      expect(now.find((m) => m.path === 'Offline')?.id).toBe(second.id);
      expect((await svc.call('message.list', { mailboxId: trip.id })).messages).toMatchObject([
        { id: ticket.id, mailbox: 'Journey', subject: 'ticket' },
      ]);
    } finally {
      await server.start();
    }
  });

  it('a change the server made before a crash, unrecorded, is neither failed nor made twice', async () => {
    const { svc, accountId } = await open();
    const sync = await svc.svc.accountSync(await svc.svc.account(accountId));
    const client = await sync.connect();
    // The server does what is waiting; the journal never hears of it, as after a crash.
    const crash = async () => {
      for (const op of await svc.svc.store.operations.pendingFolders(accountId))
        await replayFolder(client, op);
    };
    try {
      const box = await svc.call('mailbox.create', { accountId, name: 'Crash' });
      await crash();
      expect((await onServer('Crash')).size).toBe(1);
      await svc.call('sync.run');
      expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
      expect([...(await onServer('Crash')).keys()]).toEqual(['Crash']);

      await server.append('Crash', makeMail({ subject: 'survivor' }));
      await svc.call('sync.run');
      const [mail] = (await svc.call('message.list', { mailboxId: box.id })).messages;

      await svc.call('mailbox.rename', { id: box.id, name: 'Crashed' });
      await crash();
      await svc.call('sync.run');
      expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
      expect([...(await onServer('Crash', 'Crashed')).keys()]).toEqual(['Crashed']);
      expect((await svc.call('message.list', { mailboxId: box.id })).messages).toMatchObject([
        { id: mail!.id, mailbox: 'Crashed' },
      ]);

      await svc.call('mailbox.delete', { id: box.id });
      await crash();
      await svc.call('sync.run');
      expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
      expect((await onServer('Crash', 'Crashed')).size).toBe(0);
    } finally {
      await client.logout().catch(() => client.close());
    }
  });

  it('changes to messages made before a folder is renamed or deleted reach it first', async () => {
    await server.loadMaildir('Src', [
      { raw: makeMail({ subject: 'src one' }) },
      { raw: makeMail({ subject: 'src two' }) },
    ]);
    const { svc, accountId } = await open();
    const src = (await svc.call('mailbox.list', { accountId })).find((m) => m.path === 'Src')!;
    const mail = (await svc.call('message.list', { mailboxId: src.id })).messages;
    const id = (subject: string) => mail.find((m) => m.subject === subject)!.id;

    await svc.call('message.mark', { ids: [id('src one')], read: true });
    await svc.call('message.move', { ids: [id('src two')], path: 'INBOX' });
    await svc.call('mailbox.rename', { id: src.id, name: 'Dst' });
    await svc.call('sync.run');
    expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
    expect(await mailOnServer('Dst')).toEqual(new Map([['src one', ['\\Seen']]]));
    expect((await mailOnServer('INBOX')).has('src two')).toBe(true);

    // Moved out, then its folder deleted: the message is safe in the Inbox.
    await svc.call('message.move', { ids: [id('src one')], path: 'INBOX' });
    await svc.call('mailbox.delete', { id: src.id });
    await svc.call('sync.run');
    expect(await waiting(svc)).toEqual({ pending: 0, failed: 0 });
    expect((await onServer('Src', 'Dst')).size).toBe(0);
    const inbox = await mailOnServer('INBOX');
    expect(inbox.get('src one')).toEqual(['\\Seen']);
    expect(inbox.has('src two')).toBe(true);
  });

  it('a sync that lists the folders before the replay leaves the waiting changes as they are', async () => {
    await server.loadMaildir('Keep', [{ raw: makeMail({ subject: 'keep me' }) }]);
    await server.loadMaildir('Toss', [{ raw: makeMail({ subject: 'toss me' }) }]);
    const { svc, accountId } = await open();
    const boxes = await svc.call('mailbox.list', { accountId });
    const keep = boxes.find((m) => m.path === 'Keep')!;
    const fresh = await svc.call('mailbox.create', { accountId, name: 'Fresh' });
    await svc.call('mailbox.rename', { id: keep.id, name: 'Kept' });
    await svc.call('mailbox.delete', { id: boxes.find((m) => m.path === 'Toss')!.id });

    const sync = await svc.svc.accountSync(await svc.svc.account(accountId));
    const client = await sync.connect();
    try {
      const listed = await syncMailboxList(client, svc.svc.store, accountId);
      // Neither synced from the server's side (which is about to change) nor taken away here.
      expect(listed.map((l) => l.path)).not.toContain('Keep');
      expect(listed.map((l) => l.path)).not.toContain('Toss');
    } finally {
      await client.logout().catch(() => client.close());
    }
    const now = await svc.call('mailbox.list', { accountId });
    expect(now.find((m) => m.path === 'Fresh')?.id).toBe(fresh.id);
    expect(now.find((m) => m.path === 'Kept')).toMatchObject({ id: keep.id, total: 1 });
    expect(now.map((m) => m.path)).not.toContain('Keep');
    expect(now.map((m) => m.path)).not.toContain('Toss');

    await svc.call('sync.run');
    expect([...(await onServer('Fresh', 'Keep', 'Kept', 'Toss')).keys()]).toEqual([
      'Fresh',
      'Kept',
    ]);
  });

  it('a folder replayed by another connection while this one lists is not taken away', async () => {
    const { svc, accountId } = await open();
    const sync = await svc.svc.accountSync(await svc.svc.account(accountId));
    const lister = await sync.connect();
    // The LIST is answered; then, before it is applied, another connection replays the
    // folders made here, one made before the LIST and one made while it ran.
    const early = await svc.call('mailbox.create', { accountId, name: 'Made before' });
    let late = 0;
    const list = lister.list.bind(lister);
    lister.list = async (...args: Parameters<ImapFlow['list']>) => {
      const stale = await list(...args);
      late = (await svc.call('mailbox.create', { accountId, name: 'Made during' })).id;
      const other = await sync.connect();
      try {
        expect((await sync.replay(other)).folders).toBe(2);
      } finally {
        await other.logout().catch(() => other.close());
      }
      return stale;
    };
    try {
      await syncMailboxList(lister, svc.svc.store, accountId);
    } finally {
      await lister.logout().catch(() => lister.close());
    }
    const boxes = await svc.call('mailbox.list', { accountId });
    expect(boxes.find((m) => m.path === 'Made before')?.id).toBe(early.id);
    expect(boxes.find((m) => m.path === 'Made during')?.id).toBe(late);
    // The next sync finds them on the server, under the same ids.
    expect((await svc.call('sync.run')).errors).toEqual([]);
    const after = await svc.call('mailbox.list', { accountId });
    expect(after.find((m) => m.path === 'Made before')?.id).toBe(early.id);
    expect(after.find((m) => m.path === 'Made during')?.id).toBe(late);
  });

  it('refuses the folders of a role, bad names, taken names and moves under itself', async () => {
    const { svc, accountId } = await open();
    const boxes = await svc.call('mailbox.list', { accountId });
    const role = (r: string) => boxes.find((m) => m.role === r)!;
    expect(
      await codeOf(svc.call('mailbox.rename', { id: role('inbox').id, name: 'Mail' })),
    ).toEqual({
      code: 'INVALID_INPUT',
      message: 'The Inbox folder cannot be renamed or moved.',
      fields: { mailboxId: role('inbox').id, role: 'inbox', path: 'INBOX' },
    });
    for (const r of ['sent', 'drafts', 'trash', 'junk', 'archive'])
      expect(await codeOf(svc.call('mailbox.delete', { id: role(r).id }))).toMatchObject({
        code: 'INVALID_INPUT',
        fields: { role: r },
      });
    expect(
      await codeOf(
        svc.call('mailbox.rename', { id: role('trash').id, parentId: role('inbox').id }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await codeOf(svc.call('mailbox.create', { accountId, name: 'a/b' }))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { delimiter: '/' },
    });
    expect(
      await codeOf(svc.call('mailbox.create', { accountId, name: 'line\nbreak' })),
    ).toMatchObject({ code: 'INVALID_INPUT', fields: { path: 'name' } });
    expect(await codeOf(svc.call('mailbox.create', { accountId, name: 'Sent' }))).toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { path: 'Sent' },
    });
    expect(
      await codeOf(svc.call('mailbox.create', { accountId: 987_654, name: 'x' })),
    ).toMatchObject({ code: 'NOT_FOUND', fields: { accountId: 987_654 } });
    expect(await codeOf(svc.call('mailbox.rename', { id: role('inbox').id }))).toMatchObject({
      code: 'INVALID_INPUT',
    });

    const p = await svc.call('mailbox.create', { accountId, name: 'Parent' });
    const c = await svc.call('mailbox.create', { accountId, name: 'Child', parentId: p.id });
    // On a server that separates with "/", a dot is part of a name.
    expect(
      (await svc.call('mailbox.create', { accountId, name: 'v1.2', parentId: p.id })).path,
    ).toBe('Parent/v1.2');
    expect(await codeOf(svc.call('mailbox.rename', { id: p.id, parentId: c.id }))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { mailboxId: p.id, parentId: c.id },
    });
    expect(await codeOf(svc.call('mailbox.rename', { id: c.id, name: 'v1.2' }))).toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { path: 'Parent/v1.2' },
    });
    expect(await codeOf(svc.call('mailbox.delete', { id: 987_654 }))).toMatchObject({
      code: 'NOT_FOUND',
      fields: { mailboxId: 987_654 },
    });
    // Another account's folder is no place for this one's.
    const other = await svc.call(
      'account.add',
      accountInput(server, {
        email: 'other@maildock.test',
        imap: { host: server.host, port: server.port, security: 'none', user: OTHER.user },
        password: OTHER.password,
      }),
    );
    expect(
      await codeOf(svc.call('mailbox.create', { accountId: other.id, name: 'x', parentId: p.id })),
    ).toMatchObject({ code: 'INVALID_INPUT', fields: { mailboxId: p.id } });
    // What was refused left nothing to replay: the three folders made, nothing else.
    expect(await waiting(svc)).toEqual({ pending: 3, failed: 0 });
  });
});
