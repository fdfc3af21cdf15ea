// The server of many people sends a list's one-click unsubscribe only where it lets a mail
// server be: a link on loopback is refused with 403 before anything is sent, unless
// PRIVATE_MAIL_HOSTS allows that address and port. Real `maildock serve`, Postgres, Redis,
// Dovecot, and two local HTTPS servers (one allowed, one not) whose CA the instance trusts
// the way Node lets any process (NODE_EXTRA_CA_CERTS).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCertificate } from '../support/certificates.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import {
  call,
  login,
  peopleCluster,
  value,
  type PeopleCluster,
  type ServeInstance,
} from '../support/people-serve.js';
import { waitFor } from '../support/processes.js';

const EMAIL = 'ana@acme.test';
const PASSWORD = 'correct horse battery staple';

describe('one-click unsubscribe on the server of many people', () => {
  let dovecot: DovecotServer;
  let cluster: PeopleCluster;
  let server: ServeInstance;
  let token: string;
  let certDir: string;
  const lists: Server[] = [];
  /** Requests each HTTPS server got, by its port. */
  const received = new Map<number, string[]>();
  const ids = new Map<string, number>();

  async function listServer(cert: string, key: Buffer): Promise<number> {
    const server = createServer({ cert, key }, (req, res) => {
      const port = (req.socket.localPort ?? 0) as number;
      received.set(port, [...(received.get(port) ?? []), `${req.method} ${req.url}`]);
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    lists.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  beforeAll(async () => {
    certDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-people-unsub-'));
    const now = Date.now();
    const cert = writeCertificate(certDir, new Date(now - 86_400_000), new Date(now + 86_400_000));
    const key = await readFile(path.join(certDir, 'privkey.pem'));
    const [allowed, inside] = [await listServer(cert, key), await listServer(cert, key)];
    dovecot = await startDovecot();
    const oneClick = 'List-Unsubscribe-Post: List-Unsubscribe=One-Click';
    for (const [subject, port] of [
      ['allowed', allowed],
      ['inside', inside],
    ] as const) {
      const head = `List-Unsubscribe: <https://127.0.0.1:${port}/u/${subject}>\r\n${oneClick}\r\n`;
      await dovecot.append('INBOX', Buffer.concat([Buffer.from(head), makeMail({ subject })]));
    }
    cluster = await peopleCluster([
      `PRIVATE_MAIL_HOSTS=127.0.0.1:${dovecot.port},127.0.0.1:${allowed}`,
    ]);
    await cluster.addPerson('acme', EMAIL, PASSWORD);
    server = await cluster.start('only', {
      NODE_EXTRA_CA_CERTS: path.join(certDir, 'fullchain.pem'),
    });
    token = (await login(server.base, EMAIL, PASSWORD)).token;
    const ask = <T>(method: string, input: unknown) => value<T>(server.base, method, input, token);
    const account = await ask<{ id: number }>('account.add', {
      email: `${dovecot.user}@maildock.test`,
      imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
      password: dovecot.password,
    });
    const synced = await waitFor(async () => {
      const boxes = await ask<{ id: number; path: string }[]>('mailbox.list', {
        accountId: account.id,
      });
      const inbox = boxes.find((b) => b.path === 'INBOX');
      if (!inbox) return false;
      const page = await ask<{ messages: { id: number; subject: string }[] }>('message.list', {
        mailboxId: inbox.id,
      });
      for (const m of page.messages) ids.set(m.subject, m.id);
      return ids.size === 2;
    }, 60_000);
    expect(synced, server.output().stderr).toBe(true);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await dovecot?.stop();
    for (const list of lists) list.close();
    if (certDir) await rm(certDir, { recursive: true, force: true });
  });

  it('refuses a link on a loopback port the operator did not allow, sending nothing there', async () => {
    const answer = await call(server.base, 'message.unsubscribe', { id: ids.get('inside') }, token);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Nothing in the answer tells whether something listens there.
    expect(answer.text).not.toMatch(/refused|timed out|certificate|HTTP \d|200/i);
    expect([...received.values()].flat()).toEqual([]);
  });

  it('POSTs to a loopback address and port that PRIVATE_MAIL_HOSTS allows', async () => {
    const done = await value<{ method: string; done: boolean }>(
      server.base,
      'message.unsubscribe',
      { id: ids.get('allowed') },
      token,
    );
    expect(done).toEqual({ method: 'one-click', done: true, url: null });
    expect([...received.values()].flat()).toEqual(['POST /u/allowed']);
  });
});
