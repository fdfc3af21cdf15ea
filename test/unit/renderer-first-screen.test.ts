// @vitest-environment jsdom
// The first screen's requests leave one after another without waiting for React: the
// accounts and folders at once, the unified Inbox's first page as soon as the folders are
// in. The app's own calls for the same things get those answers, once each; anything else,
// and everything after the list's first page, goes to the API.
import { afterEach, describe, expect, it } from 'vitest';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { withFirstScreen } from '../../renderer/src/state/first-screen.js';
import { firstPageInput } from '../../renderer/src/state/use-list.js';

const settle = () => new Promise((r) => setTimeout(r, 0));

const mailboxes = [
  { id: 1, accountId: 1, role: 'inbox', path: 'INBOX' },
  { id: 2, accountId: 1, role: 'archive', path: 'Archive' },
  { id: 3, accountId: 2, role: 'inbox', path: 'INBOX' },
];

/** A client that logs each call as it leaves, answering each with a fresh object. */
function fake(log: string[]): MaildockClient {
  return {
    transport: 'http',
    on: () => () => undefined,
    call: async (method: string, input: unknown) => {
      log.push(`${method} ${JSON.stringify(input)}`);
      if (method === 'mailbox.list') return mailboxes.map((m) => ({ ...m }));
      if (method === 'account.list') return [{ id: 1 }, { id: 2 }];
      return { messages: [], total: 0, asked: input };
    },
  } as unknown as MaildockClient;
}

afterEach(() => localStorage.clear());

describe('the first screen', () => {
  it('asks for the unified Inbox’s first page as soon as the folders are in', async () => {
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    client.start();
    expect(log).toEqual(['account.list {}', 'mailbox.list {}']);
    await settle();
    const first = firstPageInput({ kind: 'unified', mailboxIds: [1, 3] }, false);
    expect(log).toEqual([
      'account.list {}',
      'mailbox.list {}',
      `message.list ${JSON.stringify(first)}`,
    ]);

    // The app asks for the same: no second request, the same answers.
    const [accounts, boxes] = await Promise.all([
      client.call('account.list', {}),
      client.call('mailbox.list', {}),
    ]);
    expect(accounts).toHaveLength(2);
    expect(boxes).toHaveLength(3);
    // The same input with its fields in another order is the same request.
    const { count, threads, limit, offset, ...where } = first;
    const page = await client.call('message.list', { ...where, count, threads, limit, offset });
    expect(page).toMatchObject({ asked: first });
    expect(log).toHaveLength(3);

    // Once each: a reload asks the API again.
    await client.call('mailbox.list', {});
    await client.call('message.list', first);
    expect(log.slice(3)).toEqual(['mailbox.list {}', `message.list ${JSON.stringify(first)}`]);
  });

  it('follows the conversation setting, and leaves a page no one asked for unused', async () => {
    localStorage.setItem('maildock.threads', '1');
    const log: string[] = [];
    const client = withFirstScreen(fake(log));
    client.start();
    await settle();
    const first = firstPageInput({ kind: 'unified', mailboxIds: [1, 3] }, true);
    expect(log[2]).toBe(`message.list ${JSON.stringify(first)}`);
    // The list asked for another folder first: the early page is not handed out later.
    await client.call('message.list', { ...first, mailboxIds: [1] });
    await client.call('message.list', first);
    expect(log).toHaveLength(5);
    // Nor the folders' answers, once the list has asked for a page.
    await client.call('account.list', {});
    expect(log).toHaveLength(6);
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
