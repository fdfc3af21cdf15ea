// Unsubscribing from a list as its mail offers it, against real parts: messages with
// List-Unsubscribe headers appended to a real Dovecot and synced into each engine (SQLite and
// Postgres) show what they offer in their detail; the one-click POST reaches a local HTTPS
// server exactly as RFC 8058 has it (trusted through a CA given to the service only in
// tests), and a redirect is not followed; a mailto: is queued and delivered through a real
// Postfix; a plain link is handed back; and the command line does the same.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListUnsubscribe } from '../../common/types.js';
import { mailHostRule, restrictMailHosts } from '../../main/core/net/mail-hosts.js';
import { oneClickUnsubscribe } from '../../main/core/net/one-click.js';
import { writeCertificate } from '../support/certificates.js';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dovecot: DovecotServer;
let postfix: PostfixServer;
let postgres: PostgresServer;
let https: Server;
let base: string;
let certDir: string;
let cert: string;
let dataDir: string;
let sqlite: TestService;
let sqliteOpen = false;
let pg: TestService;
const received: Received[] = [];
/** The Subject of each test message → its id in each service. */
const ids = new Map<string, { sqlite: number; pg: number }>();

/** A message of the list, with these header lines above its own. */
function listMail(subject: string, lines: string[]): Buffer {
  const raw = makeMail({ subject, from: 'News <news@lists.example.com>', to: `me@${DOMAIN}` });
  return Buffer.concat([Buffer.from(lines.map((l) => `${l}\r\n`).join('')), raw]);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function inbox(t: TestService): Promise<Map<string, number>> {
  const page = await t.call('message.list', { path: 'INBOX', limit: 50 });
  return new Map(page.messages.map((m) => [m.subject, m.id]));
}

/** What a call refused with: its error data. */
async function refusal(t: TestService, id: number) {
  const r = await t.svc.invoke('message.unsubscribe', { id });
  if (r.ok) throw new Error(`message.unsubscribe ${id} succeeded: ${JSON.stringify(r.value)}`);
  return r.error;
}

/** Bob's Inbox on the server: what Postfix delivered there. */
async function bobsInbox(): Promise<Buffer[]> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: 'bob', pass: 'bob-secret' },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const out: Buffer[] = [];
      if (client.mailbox && client.mailbox.exists > 0)
        for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!);
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ user: 'bob', password: 'bob-secret' }], lmtp: true });
  [postfix, postgres] = await Promise.all([
    startPostfix({ dovecot, domain: DOMAIN }),
    startPostgres(),
  ]);
  certDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-unsub-cert-'));
  const now = Date.now();
  cert = writeCertificate(certDir, new Date(now - 86_400_000), new Date(now + 86_400_000));
  https = createServer(
    { cert, key: await readFile(path.join(certDir, 'privkey.pem')) },
    (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url?.startsWith('/moved')) {
          res.writeHead(302, { location: '/landing' }).end();
        } else {
          // A cookie the client must not send back.
          res.writeHead(200, { 'set-cookie': 'session=tracked; Path=/' }).end('You are out.');
        }
      });
    },
  );
  base = `https://127.0.0.1:${await listen(https)}`;

  const oneClick = 'List-Unsubscribe-Post: List-Unsubscribe=One-Click';
  const messages: [string, string[]][] = [
    [
      'one-click',
      [
        `List-Unsubscribe: <mailto:bob@${DOMAIN}?subject=not-this-one>, (click)`,
        `  <${base}/unsubscribe/42?list=news>`,
        oneClick,
        `List-Id: News of the week <news.${DOMAIN}>`,
      ],
    ],
    [
      'redirect',
      [
        `List-Unsubscribe: <${base}/moved/7>`,
        oneClick,
        'List-Id: "Moved"',
        '  <moved.lists.example.org>',
      ],
    ],
    [
      'mailto',
      [
        `List-Unsubscribe: <http://clear.example.com/u>, <mailto:bob@${DOMAIN}?subject=Unsubscribe%20me&body=Please%20remove%20me.>`,
      ],
    ],
    ['link', [`List-Unsubscribe: <${base}/page?u=9>`]],
    ['nothing', []],
  ];
  for (const [subject, lines] of messages) await dovecot.append('INBOX', listMail(subject, lines));

  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-unsub-data-'));
  const account = {
    email: `${dovecot.user}@${DOMAIN}`,
    name: 'Me',
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  };
  [sqlite, pg] = await Promise.all([
    openService({ dataDir, oneClick: { ca: [cert] }, send: { timeoutMs: 5000 } }),
    openService({ database: await postgres.createDatabase('unsubscribe') }),
  ]);
  sqliteOpen = true;
  for (const t of [sqlite, pg]) {
    await t.call('account.add', account);
    expect((await t.call('sync.run', {})).errors).toEqual([]);
  }
  const [a, b] = await Promise.all([inbox(sqlite), inbox(pg)]);
  for (const [subject, id] of a) ids.set(subject, { sqlite: id, pg: b.get(subject)! });
}, 60_000);

afterAll(async () => {
  if (sqliteOpen) await sqlite.close();
  await pg?.close();
  https?.close();
  await postfix?.stop();
  await dovecot?.stop();
  await postgres?.stop();
  for (const dir of [certDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

const idOf = (subject: string) => ids.get(subject)!;

describe('List-Unsubscribe, synced', () => {
  it('finds list mail by its List-Id, as the header sync fetched it, on both engines', async () => {
    const found = async (t: TestService, query: string) => {
      const r = await t.call('message.search', { query, limit: 10 });
      return r.hits.map((h) => h.message.subject).sort();
    };
    for (const t of [sqlite, pg]) {
      expect(await found(t, `list:news.${DOMAIN}`)).toEqual(['one-click']);
      expect(await found(t, 'list:"news of the week"')).toEqual(['one-click']);
      expect(await found(t, 'list:moved.lists.example.org')).toEqual(['redirect']);
      expect(await found(t, 'list:lists.example.org OR list:news')).toEqual([
        'one-click',
        'redirect',
      ]);
    }
  });

  it('shows what each message offers in its detail, alike on SQLite and Postgres', async () => {
    const expected: Record<string, ListUnsubscribe | null> = {
      'one-click': {
        https: `${base}/unsubscribe/42?list=news`,
        mailto: `mailto:bob@${DOMAIN}?subject=not-this-one`,
        oneClick: true,
      },
      redirect: { https: `${base}/moved/7`, mailto: null, oneClick: true },
      mailto: {
        https: null,
        mailto: `mailto:bob@${DOMAIN}?subject=Unsubscribe%20me&body=Please%20remove%20me.`,
        oneClick: false,
      },
      link: { https: `${base}/page?u=9`, mailto: null, oneClick: false },
      nothing: null,
    };
    expect([...ids.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [subject, unsubscribe] of Object.entries(expected)) {
      const { sqlite: a, pg: b } = idOf(subject);
      expect((await sqlite.call('message.get', { id: a })).unsubscribe, subject).toEqual(
        unsubscribe,
      );
      expect((await pg.call('message.get', { id: b })).unsubscribe, subject).toEqual(unsubscribe);
    }
  });
});

describe('message.unsubscribe', () => {
  it('POSTs RFC 8058’s one-click body to the link, with no cookie, and sends it back to no one', async () => {
    received.length = 0;
    for (let n = 0; n < 2; n++) {
      expect(await sqlite.call('message.unsubscribe', { id: idOf('one-click').sqlite })).toEqual({
        method: 'one-click',
        done: true,
        url: null,
      });
    }
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r).toMatchObject({
        method: 'POST',
        url: '/unsubscribe/42?list=news',
        body: 'List-Unsubscribe=One-Click',
      });
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers['host']).toBe(new URL(base).host);
      // The cookie the first answer set is not sent with the second request.
      expect(r.headers['cookie']).toBeUndefined();
      expect(r.headers['authorization']).toBeUndefined();
    }
    // Nothing was mailed: one-click is preferred to the mailto: the message also names.
    expect(await sqlite.call('outbox.list', {})).toEqual([]);
  });

  it('does not follow a redirect, and says the list did not take the request', async () => {
    received.length = 0;
    const error = await refusal(sqlite, idOf('redirect').sqlite);
    expect(error).toMatchObject({ code: 'PROTOCOL_ERROR', fields: { status: 302 } });
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /moved/7']);
  });

  it('queues a mail to the mailto: address from the account, and Postfix delivers it', async () => {
    expect(await sqlite.call('message.unsubscribe', { id: idOf('mailto').sqlite })).toEqual({
      method: 'mailto',
      done: true,
      url: null,
    });
    const [queued] = await sqlite.call('outbox.list', {});
    expect(queued).toMatchObject({
      state: 'queued',
      recipients: [`bob@${DOMAIN}`],
      subject: 'Unsubscribe me',
    });
    expect((await sqlite.call('sync.run', {})).errors).toEqual([]);
    expect((await sqlite.call('outbox.list', {}))[0]).toMatchObject({ state: 'sent' });
    let delivered: Buffer[] = [];
    for (let until = Date.now() + 20_000; !delivered.length && Date.now() < until; await sleep(100))
      delivered = await bobsInbox();
    expect(delivered).toHaveLength(1);
    const mail = await simpleParser(delivered[0]!);
    expect(mail.subject).toBe('Unsubscribe me');
    expect(mail.text?.trim()).toBe('Please remove me.');
    expect(mail.from?.value[0]?.address).toBe(`${dovecot.user}@${DOMAIN}`);
    expect(mail.to).toMatchObject({ value: [{ address: `bob@${DOMAIN}` }] });
  });

  it('hands back a link that takes no one-click, for the user to open', async () => {
    received.length = 0;
    expect(await pg.call('message.unsubscribe', { id: idOf('link').pg })).toEqual({
      method: 'link',
      done: false,
      url: `${base}/page?u=9`,
    });
    expect(received).toEqual([]);
  });

  it('says so for a message that names no list, and for a message that does not exist', async () => {
    expect(await refusal(sqlite, idOf('nothing').sqlite)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('List-Unsubscribe'),
    });
    expect(await refusal(pg, 999_999)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('trusts no private CA outside tests: the same POST fails its TLS check there', async () => {
    received.length = 0;
    expect(await refusal(pg, idOf('one-click').pg)).toMatchObject({ code: 'TLS_FAILED' });
    expect(received).toEqual([]);
  });
});

describe('one-click under the restriction of the server of many people', () => {
  it('POSTs to the address it checked for a name, and checks the certificate against the name', async () => {
    const port = Number(new URL(base).port);
    received.length = 0;
    restrictMailHosts(mailHostRule([`127.0.0.1:${port}`]));
    try {
      // localhost resolves to 127.0.0.1, which the rule allows on this port only: the POST goes
      // to that address, with the name for SNI and for the certificate (made out to localhost).
      await oneClickUnsubscribe(`https://localhost:${port}/by-name`, { ca: [cert] });
      expect(received.map((r) => `${r.url} ${r.headers['host']}`)).toEqual([
        `/by-name localhost:${port}`,
      ]);
      await expect(
        oneClickUnsubscribe(`https://localhost:${port + 1}/other-port`, { ca: [cert] }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', fields: { host: 'localhost', port: port + 1 } });
    } finally {
      restrictMailHosts(null);
    }
  });
});

describe('maildock message unsubscribe', () => {
  it('unsubscribes with one click from the command line, trusting the CA as Node does', async () => {
    // The command line opens the same data folder, which one process at a time may hold.
    await sqlite.close();
    sqliteOpen = false;
    received.length = 0;
    const env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: sqlite.secretKey,
      // Node's own way to add a trust anchor: the service is given none.
      NODE_EXTRA_CA_CERTS: path.join(certDir, 'fullchain.pem'),
    };
    const one = String(idOf('one-click').sqlite);
    const run = await runCli(['--json', 'message', 'unsubscribe', one], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ method: 'one-click', done: true, url: null });
    expect(received.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'POST /unsubscribe/42?list=news List-Unsubscribe=One-Click',
    ]);
  });
});
