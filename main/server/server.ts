// Headless server mode for one person: the contract over HTTP (`POST /api/<method>`), its
// events over a WebSocket, the renderer as static files and `GET /health`, behind the one
// access token. Built from an open service, so tests run it in-process; `maildock serve`
// (main/cli/serve.ts) listens and handles signals. The server of many people is
// people-server.ts.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { MaildockService, ServiceOptions } from '../core/service.js';
import { isAuthorized, SESSION_COOKIE, sameToken, sessionCookieName } from './auth.js';
import { baseServer, registerApi, type BaseOptions } from './base.js';
import { firstScreenDrawer } from './first-screen.js';
import { pageSender } from './page.js';
import { registerEvents, serviceEvents } from './events.js';

export { API_BODY_LIMIT } from './base.js';

/**
 * How the service must be opened for the server: a remote caller may not name files on
 * this machine as attachments (they would be read and mailed out).
 */
export const SERVER_SERVICE_OPTIONS = {
  send: { fileAttachments: false },
  backups: { anyPath: false },
  backgroundCheckpoints: true,
} as const satisfies Partial<ServiceOptions>;

export interface ServerOptions extends BaseOptions {
  /** The access token (auth.ts: loadOrCreateToken). */
  token: string;
}

/** Who holds the one token: the only user of a single-user server. */
export const SINGLE_USER = 'owner';

export async function buildServer(
  service: MaildockService,
  opts: ServerOptions,
): Promise<FastifyInstance> {
  const { app, limits, built } = await baseServer(opts, () => service.healthy());
  const sendPage = pageSender(built ? opts.staticDir : undefined, 'link');
  const drawFirst =
    built && opts.staticDir ? firstScreenDrawer(service, opts.staticDir, app.log) : null;
  if (drawFirst) app.addHook('onClose', () => drawFirst.loaded());
  const port = () => (app.server.address() as AddressInfo | null)?.port ?? 0;
  const cookieName = () => sessionCookieName(port());

  // The web UI asks first how to sign in: here, with the link `maildock serve` printed.
  app.post('/api/auth.mode', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ ok: true, value: { mode: 'token' } }),
  );

  // Everything that reads or changes mail: the token first, before any body is read.
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!isAuthorized(req, opts.token, cookieName())) {
        return limits.refuseAuthentication(
          req,
          reply,
          'A valid access token is needed: open the link `maildock serve` printed, or send Authorization: Bearer <token>.',
        );
      }
      req.authenticatedAs = SINGLE_USER;
    });
    registerApi(scope, async () => service);
    registerEvents(scope, serviceEvents(service));
  });

  // The sign-in link: the token becomes the session cookie, and leaves the address bar.
  app.get('/', async (req, reply) => {
    const { token } = req.query as { token?: unknown };
    if (token !== undefined) {
      if (typeof token !== 'string' || !sameToken(token, opts.token)) {
        return limits.refuseAuthentication(
          req,
          reply,
          'That sign-in link is not valid for this server.',
        );
      }
      reply.setCookie(cookieName(), opts.token, SESSION_COOKIE);
      reply.header('cache-control', 'no-store');
      return reply.redirect('/', 303);
    }
    // Signed in: the page comes with the person's first screen drawn (first-screen.ts).
    const signedIn = drawFirst !== null && isAuthorized(req, opts.token, cookieName());
    return sendPage(reply, signedIn ? await drawFirst(req) : null);
  });

  return app;
}
