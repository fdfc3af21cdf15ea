// @vitest-environment jsdom
// The first screen's requests leave together without waiting for React: the accounts, the
// folders and the unified Inbox's first page (by role); where there is no Inbox, the first
// folder's page as soon as the folders are in. The app's own calls for the same things get
// those answers, once each; anything else, and everything after the list's first page,
// goes to the API.
import { afterEach, describe, expect, it } from 'vitest';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { withFirstScreen } from '../../renderer/src/state/first-screen.js';
import { firstInboxPageInput, firstPageInput } from '../../renderer/src/state/use-list.js';

const settle = () => new Promise((r) => setTimeout(r, 0));

const mailboxes = [
  { id: 1, accountId: 1, role: 'inbox', path: 'INBOX' },
  { id: 2, accountId: 1, role: 'archive', path: 'Archive' },
  { id: 3, accountId: 2, role: 'inbox', path: 'INBOX' },
];

/** A client that logs each call as it leaves, answering each with a fresh object. */
function fake(log: string[], folders = mailboxes): MaildockClient {
  return {
    transport: 'http',
    on: () => () => undefined,
    call: async (method: string, input: unknown) => {
      log.push(`${method} ${JSON.stringify(input)}`);
      if (method === 'mailbox.list') return folders.map((m) => ({ ...m }));
      if (method === 'account.list') return [{ id: 1 }, { id: 2 }];
      return { messages: [], total: 0, asked: input };
    },
  } as unknown as MaildockClient;
}

afterEach(() => localStorage.clear());

describe('the first screen', () => {
  it('asks for the unified Inbox’s first page with the folders, by role', async () => {
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    client.start();
    const byRole = `message.list ${JSON.stringify(firstInboxPageInput(false))}`;
    expect(log).toEqual([byRole, 'account.list {}', 'mailbox.list {}']);
    expect(firstInboxPageInput(false)).toMatchObject({ role: 'inbox', offset: 0, count: true });
    await settle();
    expect(log).toHaveLength(3);

    // The app asks for the same: no second request, the same answers.
    const [accounts, boxes] = await Promise.all([
      client.call('account.list', {}),
      client.call('mailbox.list', {}),
    ]);
    expect(accounts).toHaveLength(2);
    expect(boxes).toHaveLength(3);
    // The list asks for the Inboxes by their ids, its fields in another order: the page
    // asked for by role is its answer.
    const first = firstPageInput({ kind: 'unified', mailboxIds: [1, 3] }, false);
    const { count, threads, limit, offset, ...where } = first;
    const page = await client.call('message.list', { ...where, count, threads, limit, offset });
    expect(page).toMatchObject({ asked: firstInboxPageInput(false) });
    expect(log).toHaveLength(3);

    // Once each: a reload asks the API again.
    await client.call('mailbox.list', {});
    await client.call('message.list', first);
    expect(log.slice(3)).toEqual(['mailbox.list {}', `message.list ${JSON.stringify(first)}`]);
  });

  it('asks for the first folder’s page once the folders are in, where there is no Inbox', async () => {
    const log: string[] = [];
    const client = withFirstScreen(fake(log, [{ id: 7, accountId: 1, role: null, path: 'Lists' }]));
    client.start();
    await settle();
    const first = firstPageInput({ kind: 'mailbox', mailboxId: 7 }, false);
    expect(log.slice(3)).toEqual([`message.list ${JSON.stringify(first)}`]);
    // The page by role (empty, with no Inbox) is never handed out for the folder.
    expect(await client.call('message.list', first)).toMatchObject({ asked: first });
    expect(log).toHaveLength(4);
  });

  it('follows the conversation setting, and leaves a page no one asked for unused', async () => {
    localStorage.setItem('maildock.threads', '1');
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    client.start();
    await settle();
    expect(log[0]).toBe(`message.list ${JSON.stringify(firstInboxPageInput(true))}`);
    const first = firstPageInput({ kind: 'unified', mailboxIds: [1, 3] }, true);
    // The list asked for another folder first: the early page is not handed out later.
    await client.call('message.list', { ...first, mailboxIds: [1] });
    await client.call('message.list', first);
    expect(log).toHaveLength(5);
    // Nor the folders' answers, once the list has asked for a page.
    await client.call('account.list', {});
    expect(log).toHaveLength(6);
  });

  it('says when its answers are in, and hands them to a first render without waiting', async () => {
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    const first = firstPageInput({ kind: 'unified', mailboxIds: [1, 3] }, false);
    client.start();
    // Nothing is in hand before the answers come.
    expect(client.peek!('account.list', {})).toBeUndefined();
    await client.answered();
    expect(client.peek!('account.list', {})).toHaveLength(2);
    expect(client.peek!('mailbox.list', {})).toHaveLength(3);
    expect(client.peek!('message.list', first)).toMatchObject({
      asked: firstInboxPageInput(false),
    });
    expect(log).toHaveLength(3);
    // Taken: the next calls go to the API.
    expect(client.peek!('mailbox.list', {})).toBeUndefined();
    await client.call('mailbox.list', {});
    await client.call('message.list', first);
    expect(log).toHaveLength(5);
  });

  it('is answered also when the folders fail, and has nothing to hand out then', async () => {
    const client = withFirstScreen({
      transport: 'http',
      on: () => () => undefined,
      call: async (method: string) => {
        if (method === 'mailbox.list') throw new Error('offline');
        return [];
      },
    } as unknown as MaildockClient);
    client.start();
    await client.answered();
    expect(client.peek!('mailbox.list', {})).toBeUndefined();
    await expect(client.call('mailbox.list', {})).rejects.toThrow('offline');
  });

  it('sends nothing before start, and starts once', async () => {
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    await client.call('account.list', {});
    expect(log).toEqual(['account.list {}']);
    client.start();
    client.start();
    await settle();
    expect(log.filter((l) => l.startsWith('mailbox.list'))).toHaveLength(1);
  });
});
