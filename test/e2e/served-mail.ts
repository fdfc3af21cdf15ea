// What the compose tests stand on: a private Dovecot with two users (alice, who writes, and
// bob, who receives), a private Postfix that delivers maildock.test into it by LMTP, the real
// service behind the real HTTP server, watching (so the outbox leaves when due), and alice's
// account with its SMTP settings, added and synced through the API like any client's.
import type { FastifyInstance } from 'fastify';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { sleep } from '../support/processes.js';
import { folderSources } from '../support/imap-read.js';
import { makeMail } from '../support/mail.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';
import { ensureRendererBuilt } from './build.js';
import { serve } from './served.js';

export const DOMAIN = 'maildock.test';
export const BOB = { user: 'bob', password: 'bob-secret', email: `bob@${DOMAIN}` };

export interface ServedMail {
  dovecot: DovecotServer;
  postfix: PostfixServer;
  t: TestService;
  app: FastifyInstance;
  alice: string;
  signIn: string;
  api(method: string, body: unknown): Promise<unknown>;
  /** A user's folder straight from Dovecot: each message's raw source. */
  folder(user: { user: string; password: string }, path: string): Promise<Buffer[]>;
  close(): Promise<void>;
}

export async function startServedMail(opts: { delaySeconds: number }): Promise<ServedMail> {
  const [dovecot] = await Promise.all([
    startDovecot({ users: [{ user: BOB.user, password: BOB.password }], lmtp: true }),
    ensureRendererBuilt(),
  ]);
  const alice = `${dovecot.user}@${DOMAIN}`;
  await dovecot.loadMaildir('INBOX', [
    {
      raw: makeMail({
        from: `Bob Receiver <${BOB.email}>`,
        to: `Alice Sender <${alice}>`,
        subject: 'Plans for Friday',
        date: new Date(Date.UTC(2024, 2, 4, 9)),
        text: 'Shall we meet at noon?\nBob',
      }),
    },
  ]);
  const postfix = await startPostfix({ dovecot, domain: DOMAIN });
  const t = await openService({
    ...SERVER_SERVICE_OPTIONS,
    send: { ...SERVER_SERVICE_OPTIONS.send, delaySeconds: opts.delaySeconds, timeoutMs: 5000 },
  });
  const { app, signIn, api } = await serve(t);
  await api('account.add', {
    email: alice,
    name: 'Alice Sender',
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  });
  const summary = (await api('sync.run', {})) as { errors: unknown[] };
  if (summary.errors.length) throw new Error(`sync: ${JSON.stringify(summary.errors)}`);
  // As `maildock serve --sync`: due messages leave on the service's own timer.
  await t.svc.watch();

  const folder = (who: { user: string; password: string }, path: string) =>
    folderSources(dovecot.port, who, path);

  return {
    dovecot,
    postfix,
    t,
    app,
    alice,
    signIn,
    api,
    folder,
    async close() {
      await app.close();
      await t.close();
      await postfix.stop();
      await dovecot.stop();
    },
  };
}

/** Waits until a folder holds `n` messages (delivery by LMTP, Sent by APPEND, both later). */
export async function waitForFolder(
  served: ServedMail,
  who: { user: string; password: string },
  path: string,
  n: number,
  timeoutMs = 30_000,
): Promise<Buffer[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await served.folder(who, path).catch(() => [] as Buffer[]);
    if (list.length >= n || Date.now() > until) return list;
    await sleep(250);
  }
}
