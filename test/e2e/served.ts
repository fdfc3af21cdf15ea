// What the web UI's end-to-end tests stand on: a private Dovecot with the test Inbox, the
// image server that counts requests, the real service behind the real HTTP server, and an
// account added and synced through the API, as any client's would be (or none, for the
// tests that add it through the UI).
import type { FastifyInstance } from 'fastify';
import type { ServiceOptions } from '../../main/core/service.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { ensureRendererBuilt, RENDERER_DIST } from './build.js';
import { startImageServer, type ImageServer } from './image-server.js';
import { inbox } from './inbox.js';

export interface ServedInbox {
  dovecot: DovecotServer;
  images: ImageServer;
  t: TestService;
  app: FastifyInstance;
  /** The sign-in link: opening it sets the session cookie. */
  signIn: string;
  /** A contract call over HTTP with the token; rejects with the error it answered. */
  api(method: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface ServedOptions {
  /** Add and sync the account through the API first (default); false: start with none. */
  account?: boolean;
  /** The service's stack options (a Docker socket that is not there, say). */
  stack?: ServiceOptions['stack'];
}

export async function startServedInbox(opts: ServedOptions = {}): Promise<ServedInbox> {
  const [dovecot, images] = await Promise.all([
    startDovecot(),
    startImageServer(),
    ensureRendererBuilt(),
  ]);
  await dovecot.loadMaildir(
    'INBOX',
    inbox(images).map((raw) => ({ raw })),
  );
  const t = await openService({
    ...SERVER_SERVICE_OPTIONS,
    ...(opts.stack ? { stack: opts.stack } : {}),
  });
  const { app, signIn, api } = await serve(t);
  if (opts.account ?? true) {
    await api('account.add', accountInput(dovecot));
    const summary = (await api('sync.run', {})) as { errors: unknown[] };
    if (summary.errors.length) throw new Error(`sync: ${JSON.stringify(summary.errors)}`);
  }
  return {
    dovecot,
    images,
    t,
    app,
    signIn,
    api,
    async close() {
      await app.close();
      await t.close();
      await images.close();
      await dovecot.stop();
    },
  };
}

/** The real HTTP server over a test service, with the built renderer, on a free port. */
export async function serve(t: TestService): Promise<Pick<ServedInbox, 'app' | 'signIn' | 'api'>> {
  const token = 'e2e-token-'.padEnd(43, 'x');
  const app = await buildServer(t.svc, { token, staticDir: RENDERER_DIST, loopbackOnly: true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const api = async (method: string, body: unknown) => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean; value: unknown };
    if (!json.ok) throw new Error(`${method}: ${JSON.stringify(json)}`);
    return json.value;
  };
  return { app, signIn: `${base}/?token=${token}`, api };
}
