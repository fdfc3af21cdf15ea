// Header injection through what a caller types: a recipient, a subject, a display name or an
// attachment's name holding CR/LF would add a header or a recipient of the caller's choosing
// (`bob@…\r\nBcc: carol@…` went to carol alone). The contract refuses them, and a real
// Postfix shows that nothing reached the injected address.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../common/api.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;
let accountId: number;
const bob = `bob@${DOMAIN}`;
const carol = `carol@${DOMAIN}`;

async function inboxCount(user: string, password: string): Promise<number> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
  });
  await client.connect();
  try {
    const status = await client.status('INBOX', { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

beforeAll(async () => {
  dovecot = await startDovecot({
    users: [
      { user: 'bob', password: 'bob-secret' },
      { user: 'carol', password: 'carol-secret' },
    ],
    lmtp: true,
  });
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  t = await openService({ send: { delaySeconds: 0, timeoutMs: 5000 } });
  accountId = (
    await t.call('account.add', {
      email: `${dovecot.user}@${DOMAIN}`,
      name: 'Alice Sender',
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
      smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
      password: dovecot.password,
    })
  ).id;
});

afterAll(async () => {
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
});

describe('line breaks in what ends up in a mail header', () => {
  it('refuses them with INVALID_INPUT, and nothing reaches the injected address', async () => {
    const message = { accountId, to: [bob], subject: 'Hello', text: 'Hi Bob.' };
    const attempts: [MethodName, Record<string, unknown>][] = [
      ['outbox.send', { ...message, to: [`${bob}\r\nBcc: ${carol}`] }],
      ['outbox.send', { ...message, to: [`${bob}\nBcc: ${carol}`] }],
      ['outbox.send', { ...message, to: [`Bob\r\nBcc: ${carol} <${bob}>`] }],
      ['outbox.send', { ...message, cc: [`${bob}\rBcc: ${carol}`] }],
      ['outbox.send', { ...message, bcc: [`${bob}\u0000${carol}`] }],
      ['outbox.send', { ...message, subject: `Hello\r\nBcc: ${carol}` }],
      [
        'outbox.send',
        {
          ...message,
          attachments: [
            { content: 'aGk=', filename: `a.txt\r\nBcc: ${carol}`, contentType: 'text/plain' },
          ],
        },
      ],
      ['draft.save', { ...message, to: [`${bob}\r\nBcc: ${carol}`] }],
      [
        'account.add',
        {
          email: `other@${DOMAIN}`,
          name: `Other\r\nBcc: ${carol}`,
          imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: 'bob' },
          password: 'bob-secret',
        },
      ],
    ];
    for (const [method, input] of attempts) {
      const result = await t.svc.invoke(method, input);
      expect(result, `${method} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }

    // A clean message after them goes out, so the outbox has run: whatever it held has left.
    await t.call('outbox.send', message);
    await t.call('sync.run');
    await postfix.waitForEmptyQueue();
    const until = Date.now() + 30_000;
    while ((await inboxCount('bob', 'bob-secret')) < 1 && Date.now() < until) await sleep(200);
    expect(await inboxCount('bob', 'bob-secret')).toBe(1);
    expect(await inboxCount('carol', 'carol-secret')).toBe(0);
    expect((await t.call('outbox.list', {})).map((e) => e.recipients)).toEqual([[bob]]);
  });

  it('still takes names, tabs and non-ASCII text that belong in headers', async () => {
    const entry = await t.call('outbox.send', {
      accountId,
      to: [`"Bob, the Receiver" <${bob}>`],
      subject: 'Grüße\tand a tab',
      text: 'Lines\r\nin the body\nare fine.',
      attachments: [{ content: 'aGk=', filename: 'Résumé.txt', contentType: 'text/plain' }],
    });
    expect(entry.recipients).toEqual([bob]);
    await t.call('outbox.cancel', { id: entry.id }).catch(() => undefined);
  });
});
