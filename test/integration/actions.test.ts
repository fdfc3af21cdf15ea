// Local actions against a real Dovecot: done at once in the store, replayed to the server
// once by the next sync, conflicts resolved toward the server, undo.
import { afterEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { dayAt, makeMail } from '../support/mail.js';
import { startProxy, type FreezableProxy } from '../support/proxy.js';
import { runCli, startCli } from '../support/cli.js';
import Database from 'better-sqlite3';
import path from 'node:path';

let server: DovecotServer;
let t: TestService;
let proxy: FreezableProxy | undefined;

afterEach(async () => {
  await t?.close();
  await proxy?.close();
  proxy = undefined;
  await server?.stop();
});

/** Dovecot's own capability list without MOVE: moves must be emulated. */
const WITHOUT_MOVE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED LIST-STATUS SPECIAL-USE LITERAL+ CONDSTORE QRESYNC';

async function setup(opts: { count?: number; withoutMove?: boolean; viaProxy?: boolean } = {}) {
  server = await startDovecot({
    folders: ['Projects'],
    ...(opts.withoutMove ? { imapCapability: WITHOUT_MOVE } : {}),
  });
  await server.loadMaildir(
    'INBOX',
    Array.from({ length: opts.count ?? 6 }, (_, i) => ({
      raw: makeMail({ subject: `msg${i}`, date: dayAt(i), messageId: `<msg${i}@maildock.test>` }),
    })),
  );
  t = await openService({ attempts: 3 });
  let port = server.port;
  if (opts.viaProxy) {
    proxy = await startProxy(server.port);
    port = proxy.port;
  }
  await t.call(
    'account.add',
    accountInput(server, {
      imap: { host: server.host, port, security: 'none', user: server.user },
    }),
  );
  expect((await t.call('sync.run')).errors).toEqual([]);
}

async function mailbox(path: string) {
  return (await t.svc.store.mailboxes.list()).find((m) => m.path === path)!;
}

async function local(path: string) {
  return t.svc.store.messages.list((await mailbox(path)).id, 1000);
}

/** The local id of the message with this subject, in whichever folder it is. */
async function idOf(subject: string): Promise<number> {
  for (const m of await t.svc.store.mailboxes.list()) {
    const row = (await t.svc.store.messages.list(m.id, 1000)).find((r) => r.subject === subject);
    if (row) return row.id;
  }
  throw new Error(`no local message ${subject}`);
}

/** What the server holds in a folder: subject → flags. */
async function onServer(path: string): Promise<Map<string, string[]>> {
  const out = await server.doveadm(
    'fetch',
    '-u',
    server.user,
    'flags hdr.subject',
    'mailbox',
    path,
    'all',
  );
  const map = new Map<string, string[]>();
  for (const block of out.split('\f')) {
    const flags = /^flags: ?(.*)$/m.exec(block);
    const subject = /^hdr\.subject: ?(.*)$/m.exec(block);
    if (subject && map.has(subject[1]!.trim())) throw new Error(`${subject[1]} twice in ${path}`);
    if (subject)
      map.set(
        subject[1]!.trim(),
        (flags?.[1] ?? '').split(' ').filter((f) => f && f !== '\\Recent'),
      );
  }
  return map;
}

describe('local actions', () => {
  it('marks read and flagged at once, and the next sync carries it to the server', async () => {
    await setup();
    const r = await t.call('message.mark', {
      ids: [await idOf('msg1'), await idOf('msg2')],
      read: true,
    });
    expect(r).toMatchObject({ affected: 2, description: 'Marked 2 messages as read' });
    expect((await local('INBOX')).find((m) => m.subject === 'msg1')!.flags).toEqual(['\\Seen']);
    expect((await onServer('INBOX')).get('msg1')).toEqual([]);
    expect((await t.call('sync.summary')).operations).toEqual({ pending: 1, failed: 0 });

    await t.call('message.mark', { ids: [await idOf('msg2')], flagged: true });
    // A change made on the server meanwhile to another flag of the same message.
    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '$Work',
      'mailbox',
      'INBOX',
      'uid',
      '3',
    );

    const summary = await t.call('sync.run');
    expect(summary.operations).toEqual({ pending: 0, failed: 0 });
    const remote = await onServer('INBOX');
    expect(remote.get('msg1')).toEqual(['\\Seen']);
    expect(remote.get('msg2')!.sort()).toEqual(['$Work', '\\Flagged', '\\Seen']);
    expect(remote.get('msg3')).toEqual([]);
    await t.call('sync.run');
    expect((await local('INBOX')).find((m) => m.subject === 'msg2')!.flags.sort()).toEqual([
      '$Work',
      '\\Flagged',
      '\\Seen',
    ]);
  });

  it('keeps a local change that is not replayed yet over the server flags a sync brings', async () => {
    await setup();
    await t.call('message.mark', { ids: [await idOf('msg0')], flagged: true });
    // The server's copy changes too; the sync that follows replays ours first.
    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '\\Seen',
      'mailbox',
      'INBOX',
      'uid',
      '1',
    );
    await t.call('sync.run');
    expect((await onServer('INBOX')).get('msg0')!.sort()).toEqual(['\\Flagged', '\\Seen']);
    await t.call('sync.run');
    expect((await local('INBOX')).find((m) => m.subject === 'msg0')!.flags.sort()).toEqual([
      '\\Flagged',
      '\\Seen',
    ]);
  });

  it('acts on whole threads', async () => {
    server = await startDovecot();
    await server.loadMaildir('INBOX', [
      { raw: makeMail({ subject: 'plan', messageId: '<p@maildock.test>', date: dayAt(1) }) },
      {
        raw: makeMail({
          subject: 'Re: plan',
          messageId: '<r@maildock.test>',
          inReplyTo: '<p@maildock.test>',
          references: ['<p@maildock.test>'],
          date: dayAt(2),
        }),
      },
      { raw: makeMail({ subject: 'other', date: dayAt(3) }) },
    ]);
    t = await openService();
    await t.call('account.add', accountInput(server));
    await t.call('sync.run');
    const thread = (await local('INBOX')).find((m) => m.subject === 'plan')!.threadId!;
    const r = await t.call('message.mark', { threadIds: [thread], read: true });
    expect(r.affected).toBe(2);
    await t.call('sync.run');
    const remote = await onServer('INBOX');
    expect(remote.get('plan')).toEqual(['\\Seen']);
    expect(remote.get('Re: plan')).toEqual(['\\Seen']);
    expect(remote.get('other')).toEqual([]);
  });

  it('moves with MOVE: shown in the target at once, on the server once after sync', async () => {
    await setup();
    const id = await idOf('msg3');
    await t.call('message.move', { ids: [id], path: 'Projects' });
    expect((await local('INBOX')).map((m) => m.subject)).not.toContain('msg3');
    const moved = (await local('Projects')).find((m) => m.subject === 'msg3')!;
    expect(moved.id).toBe(id);
    expect(moved.uid).toBeLessThan(0);

    await t.call('sync.run');
    expect([...(await onServer('Projects')).keys()]).toEqual(['msg3']);
    expect((await onServer('INBOX')).has('msg3')).toBe(false);
    const after = await local('Projects');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id, uid: 1 });
    // A second sync finds the message already known under its new UID: no duplicate.
    await t.call('sync.run');
    expect(await local('Projects')).toHaveLength(1);
    expect(await local('INBOX')).toHaveLength(5);
  });

  it('follows a message through several actions made before any replay', async () => {
    await setup();
    const id = await idOf('msg1');
    await t.call('message.move', { ids: [id], path: 'Projects' });
    await t.call('message.mark', { ids: [id], flagged: true });
    await t.call('message.delete', { ids: [id] });
    expect((await local('Trash')).map((m) => m.subject)).toEqual(['msg1']);
    expect((await t.call('sync.run')).operations).toEqual({ pending: 0, failed: 0 });
    expect((await onServer('Trash')).get('msg1')).toEqual(['\\Flagged']);
    expect((await onServer('Projects')).size).toBe(0);
    expect((await onServer('INBOX')).has('msg1')).toBe(false);
    await t.call('sync.run');
    expect(await local('Trash')).toMatchObject([{ id, subject: 'msg1', flags: ['\\Flagged'] }]);
    expect(await local('Projects')).toHaveLength(0);
  });

  it('deletes to the Trash, then for good from the Trash', async () => {
    await setup();
    const id = await idOf('msg4');
    expect((await t.call('message.delete', { ids: [id] })).description).toBe(
      'Moved 1 message to the Trash',
    );
    await t.call('sync.run');
    expect((await onServer('Trash')).has('msg4')).toBe(true);
    const inTrash = (await local('Trash')).find((m) => m.subject === 'msg4')!;
    expect((await t.call('message.delete', { ids: [inTrash.id] })).description).toBe(
      'Deleted 1 message for good',
    );
    expect(await local('Trash')).toHaveLength(0);
    await t.call('sync.run');
    expect((await onServer('Trash')).size).toBe(0);
    expect((await onServer('INBOX')).size).toBe(5);
    expect((await t.call('action.undo')).undone).toBe(false);
  });

  it('undoes an action before it reached the server, and after', async () => {
    await setup();
    const id = await idOf('msg2');
    await t.call('message.move', { ids: [id], role: 'archive' });
    expect(await local('Archive')).toHaveLength(1);
    const before = await t.call('action.undo');
    expect(before).toMatchObject({ undone: true });
    expect((await local('INBOX')).find((m) => m.subject === 'msg2')).toMatchObject({ id, uid: 3 });
    expect(await local('Archive')).toHaveLength(0);
    await t.call('sync.run');
    expect((await onServer('Archive')).size).toBe(0);
    expect((await onServer('INBOX')).has('msg2')).toBe(true);

    await t.call('message.move', { ids: [id], role: 'archive' });
    await t.call('message.mark', { ids: [await idOf('msg5')], read: true });
    await t.call('sync.run');
    expect((await onServer('Archive')).has('msg2')).toBe(true);
    // The last action (mark read) first, then the move.
    expect((await t.call('action.undo')).description).toBe('Undone: Marked 1 message as read');
    expect((await t.call('action.undo')).description).toBe('Undone: Moved 1 message to Archive');
    expect((await local('INBOX')).map((m) => m.subject)).toContain('msg2');
    await t.call('sync.run');
    expect((await onServer('INBOX')).get('msg5')).toEqual([]);
    expect((await onServer('INBOX')).has('msg2')).toBe(true);
    expect((await onServer('Archive')).size).toBe(0);
    await t.call('sync.run');
    expect((await local('INBOX')).filter((m) => m.subject === 'msg2')).toHaveLength(1);
    expect(await local('Archive')).toHaveLength(0);
  });
});

describe('conflicts', () => {
  it('a move to a folder deleted on the server fails with its reason and the message comes back', async () => {
    await setup();
    await t.call('message.move', { ids: [await idOf('msg1')], path: 'Projects' });
    await server.doveadm('mailbox', 'delete', '-u', server.user, 'Projects');
    const summary = await t.call('sync.run');
    expect(summary.operations).toEqual({ pending: 0, failed: 1 });
    const [failed] = await t.call('operation.list', { state: 'failed' });
    expect(failed).toMatchObject({ kind: 'move', mailbox: 'INBOX' });
    expect(failed!.error).toMatchObject({
      code: 'PROTOCOL_ERROR',
      message: expect.stringMatching(/Projects/),
    });
    await t.call('sync.run');
    expect((await local('INBOX')).map((m) => m.subject)).toContain('msg1');
    expect((await onServer('INBOX')).has('msg1')).toBe(true);
  });

  it('flags for a message expunged on the server end quietly and the message goes', async () => {
    await setup();
    await t.call('message.mark', { ids: [await idOf('msg0')], flagged: true });
    await server.doveadm('expunge', '-u', server.user, 'mailbox', 'INBOX', 'uid', '1');
    const summary = await t.call('sync.run');
    expect(summary.operations.pending).toBe(0);
    expect((await local('INBOX')).map((m) => m.subject)).not.toContain('msg0');
  });

  it('never applies UIDs after a UIDVALIDITY change', async () => {
    await setup();
    await t.call('message.mark', { ids: [await idOf('msg0')], read: true });
    // Recreate INBOX's contents under a new UIDVALIDITY, in another order.
    await server.doveadm('expunge', '-u', server.user, 'mailbox', 'INBOX', 'all');
    await server.doveadm(
      'mailbox',
      'update',
      '-u',
      server.user,
      '--uid-validity',
      '12345',
      'INBOX',
    );
    await server.loadMaildir('INBOX', [{ raw: makeMail({ subject: 'fresh', date: dayAt(9) }) }]);
    const summary = await t.call('sync.run');
    expect(summary.operations).toEqual({ pending: 0, failed: 1 });
    expect((await onServer('INBOX')).get('fresh')).toEqual([]);
    expect((await local('INBOX')).map((m) => m.subject)).toEqual(['fresh']);
  });
});

describe('replayed once', () => {
  it('an emulated move (no MOVE) interrupted after COPY copies once when replayed', async () => {
    await setup({ withoutMove: true, viaProxy: true });
    await t.call('message.move', {
      ids: [await idOf('msg2'), await idOf('msg3')],
      path: 'Projects',
    });
    // The server copies; the client never hears so, and replays the operation.
    const cut = proxy!.cutAfter(/UID COPY/i, 300, { holdReplies: true });
    const summary = await t.call('sync.run');
    await cut;
    expect(summary.errors).toEqual([]);
    expect(summary.operations).toEqual({ pending: 0, failed: 0 });
    expect([...(await onServer('Projects')).keys()].sort()).toEqual(['msg2', 'msg3']);
    expect([...(await onServer('INBOX')).keys()].sort()).toEqual(['msg0', 'msg1', 'msg4', 'msg5']);
    await t.call('sync.run');
    expect((await local('Projects')).map((m) => m.subject).sort()).toEqual(['msg2', 'msg3']);
    expect((await local('Projects')).every((m) => m.uid > 0)).toBe(true);
  });

  it('an emulated move whose copy fails leaves the source intact', async () => {
    await setup({ withoutMove: true });
    await t.call('message.move', { ids: [await idOf('msg1')], path: 'Projects' });
    await server.doveadm('mailbox', 'delete', '-u', server.user, 'Projects');
    expect((await t.call('sync.run')).operations.failed).toBe(1);
    expect((await onServer('INBOX')).has('msg1')).toBe(true);
    expect((await local('INBOX')).map((m) => m.subject)).toContain('msg1');
  });

  it('flag changes cut off mid-replay are applied once the connection is back', async () => {
    await setup({ viaProxy: true, count: 40 });
    for (let i = 0; i < 40; i += 2)
      await t.call('message.mark', { ids: [await idOf(`msg${i}`)], read: true });
    await t.call('message.move', { ids: [await idOf('msg1')], path: 'Projects' });
    const cut = proxy!.cutAfter(/UID STORE/i, 100, { holdReplies: true });
    const summary = await t.call('sync.run');
    await cut;
    expect(summary.operations).toEqual({ pending: 0, failed: 0 });
    const remote = await onServer('INBOX');
    for (let i = 0; i < 40; i++) {
      if (i === 1) continue;
      expect(remote.get(`msg${i}`)).toEqual(i % 2 === 0 ? ['\\Seen'] : []);
    }
    expect([...(await onServer('Projects')).keys()]).toEqual(['msg1']);
  });

  it('replays every kind of action once after the syncing process is killed with SIGKILL', async () => {
    const N = 60;
    await setup({ withoutMove: true, count: N });
    const dataDir = t.dataDir;
    const env = { MAILDOCK_SECRET_KEY: t.secretKey };
    // One operation per message, of every kind: the process dies in the middle of them.
    const kind = (i: number) => (['move', 'flag', 'trash', 'erase'] as const)[i % 4]!;
    for (let i = 0; i < N; i++) {
      const ids = [await idOf(`msg${i}`)];
      if (kind(i) === 'move') await t.call('message.move', { ids, path: 'Projects' });
      else if (kind(i) === 'flag') await t.call('message.mark', { ids, flagged: true });
      else await t.call('message.delete', { ids });
    }
    // Deleted for good: what is in the Trash now, locally, goes again.
    for (let i = 3; i < N; i += 4) await t.call('message.delete', { ids: [await idOf(`msg${i}`)] });
    await t.svc.close();
    const db = new Database(path.join(dataDir, 'maildock.db'), { readonly: true });
    const doneCount = db.prepare("SELECT count(*) FROM operations WHERE state = 'done'").pluck();
    const { child, done } = startCli(['--data-dir', dataDir, 'sync', '--once'], env);
    let atKill = 0;
    while ((atKill = doneCount.get() as number) === 0) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    await done;
    db.close();
    expect(atKill).toBeLessThan(N);
    const again = await runCli(['--data-dir', dataDir, '--json', 'sync', '--once'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ operations: { pending: 0, failed: 0 } });
    const of = (k: string) =>
      Array.from({ length: N }, (_, i) => i)
        .filter((i) => kind(i) === k)
        .map((i) => `msg${i}`)
        .sort();
    const projects = await onServer('Projects');
    const inbox = await onServer('INBOX');
    const trash = await onServer('Trash');
    expect([...projects.keys()].sort()).toEqual(of('move'));
    expect([...inbox.keys()].sort()).toEqual(of('flag'));
    for (const flags of inbox.values()) expect(flags).toEqual(['\\Flagged']);
    expect([...trash.keys()].sort()).toEqual(of('trash'));
    t = await openService({ dataDir, secretKey: t.secretKey });
    expect(await local('Projects')).toHaveLength(N / 4);
    expect(await local('Trash')).toHaveLength(N / 4);
    expect(await local('INBOX')).toHaveLength(N / 4);
  });
});
