// Undo over the contract against a real Dovecot: a window names the action it made, and
// only that one is taken back, on the server too; what another window did stays done.
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

async function onServer(path: string): Promise<string> {
  return server.doveadm('fetch', '-u', server.user, 'flags hdr.subject', 'mailbox', path, 'all');
}

it('undoes the named action, not the later one of another window, and says why it cannot', async () => {
  server = await startDovecot({});
  await server.loadMaildir(
    'INBOX',
    [0, 1, 2].map((i) => ({
      raw: makeMail({ subject: `msg${i}`, date: dayAt(i), messageId: `<u${i}@maildock.test>` }),
    })),
  );
  t = await openService({ attempts: 3 });
  await t.call('account.add', accountInput(server));
  expect((await t.call('sync.run')).errors).toEqual([]);
  const inbox = (await t.svc.store.mailboxes.list()).find((m) => m.path === 'INBOX')!;
  const [first, second] = (await t.svc.store.messages.list(inbox.id, 10)).map((m) => m.id);

  const mine = await t.call('message.move', { ids: [first], role: 'archive' });
  const theirs = await t.call('message.mark', { ids: [second], flagged: true });
  await t.call('sync.run');
  expect(await onServer('Archive')).toMatch(/msg/);

  const undone = await t.call('action.undo', { actionId: mine.actionId });
  expect(undone).toEqual({
    undone: true,
    actionId: mine.actionId,
    description: `Undone: ${mine.description}`,
  });
  await t.call('sync.run');
  expect(await onServer('Archive')).not.toMatch(/msg/);
  // The other window's flag is still there, locally and on the server.
  expect((await t.svc.store.messages.summaries([second!]))[0]!.flags).toContain('\\Flagged');
  expect(await onServer('INBOX')).toMatch(/\\Flagged/);

  expect(await t.call('action.undo', { actionId: mine.actionId })).toMatchObject({
    undone: false,
    description: 'That change is undone already',
  });
  expect(await t.call('action.undo', { actionId: 99_999 })).toMatchObject({ undone: false });
  await expect(t.call('action.undo', { actionId: 'last' })).rejects.toThrow(/INVALID_INPUT/);
  // Without a name (the command line), the last one: the other window's flag.
  expect(await t.call('action.undo')).toMatchObject({ undone: true, actionId: theirs.actionId });
});
