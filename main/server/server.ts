// Headless server mode: the contract over HTTP (`POST /api/<method>`), its events over a
// WebSocket, the renderer as static files and `GET /health`. Built from an open service, so
// tests run it in-process; `maildock serve` (main/cli/serve.ts) listens and handles signals.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { isMethodName } from '../../common/api.js';
import { publicResult } from '../../common/public-error.js';
import { getLogger } from '../core/platform/log.js';
import { appVersion } from '../core/platform/paths.js';
import type { MaildockService, ServiceOptions } from '../core/service.js';
import { isAuthorized, SESSION_COOKIE, sameToken, sessionCookieName } from './auth.js';
import { registerEvents } from './events.js';
import { clientErrorHandler, clientErrorText, frameworkErrors } from './framework-errors.js';
import { refusal, SECURITY_HEADERS } from './guard.js';
import { failure, statusFor } from './http-errors.js';
import { RateLimited, rateLimitedBody, registerLimits, type LimitsOptions } from './limits.js';

/**
 * How the service must be opened for the server: a remote caller may not name files on
 * this machine as attachments (they would be read and mailed out).
 */
export const SERVER_SERVICE_OPTIONS = {
  send: { fileAttachments: false },
  backups: { anyPath: false },
  backgroundCheckpoints: true,
} as const satisfies Partial<ServiceOptions>;

const MiB = 1024 * 1024;
/**
 * The contract carries attachments as base64 in the JSON body: a 64 MiB file is 85.3 MiB
 * of base64, and 100 MiB leaves room for the message's text and the JSON around it.
 */
export const API_BODY_LIMIT = 100 * MiB;
/** Everything else (there is nothing else that takes a body). */
const OTHER_BODY_LIMIT = 64 * 1024;

export interface ServerOptions {
  /** The access token (auth.ts: loadOrCreateToken). */
  token: string;
  /** The built renderer (dist/renderer); when it has no index.html, / says it is not built. */
  staticDir?: string | undefined;
  /** Bound to loopback: answer only to loopback host names (guard.ts). */
  loopbackOnly: boolean;
  /** Rate limits and where they are counted (limits.ts); the defaults, in memory, without. */
  limits?: LimitsOptions | undefined;
}

/** Who holds the one token: the only user of a single-user server. */
export const SINGLE_USER = 'owner';

const log = getLogger('server');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Maildock</title></head>
<body>
<h1>Maildock</h1>
<p>The web interface is not built yet. This server answers the API
(<code>POST /api/&lt;method&gt;</code>) and sends events on <code>/events</code>.</p>
</body>
</html>
`;

export async function buildServer(
  service: MaildockService,
  opts: ServerOptions,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false, // one line per request below, without query strings or bodies
    bodyLimit: OTHER_BODY_LIMIT,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrors(opts),
    clientErrorHandler,
  });
  const port = () => (app.server.address() as AddressInfo | null)?.port ?? 0;
  const cookieName = () => sessionCookieName(port());

  // First: the websocket plugin's own hooks must see refused upgrades too, to close them.
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 4096 }, // clients only listen
    preClose(done) {
      // 1001, "going away": the server is stopping; a client may reconnect later.
      for (const client of this.websocketServer.clients) client.close(1001, 'server stopping');
      this.websocketServer.close(() => done());
    },
  });
  // Before any route: the limiter adds itself to each route as it is declared.
  const limits = await registerLimits(app, opts.limits ?? {});

  app.addHook('onRequest', async (req, reply) => {
    const why = refusal(req, opts);
    if (why) return reply.code(statusFor('FORBIDDEN')).send(failure('FORBIDDEN', why));
  });
  // While stopping, requests still running answer with "Connection: close", so that their
  // kept-alive connections do not hold close() open until the client drops them.
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (stopping) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    log.debug(
      {
        method: req.method,
        path: req.url.split('?')[0], // a query may hold the token
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    let body;
    if (err instanceof RateLimited) {
      body = rateLimitedBody(err.retryAfterSeconds);
    } else if (status === 413) {
      body = failure('TOO_LARGE', `The request is larger than ${sizeText(bodyLimitOf(req))}.`);
    } else if (status >= 400 && status < 500) {
      const { code, message } = clientErrorText(err);
      body = failure(code, message);
    } else {
      log.error({ err, path: req.url.split('?')[0] }, 'request failed');
      body = failure('INTERNAL', 'Something went wrong inside Maildock.');
    }
    return reply.code(statusFor(body.error.code)).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const apiByGet = req.url.startsWith('/api/') && req.method !== 'POST';
    return reply
      .code(statusFor('NOT_FOUND'))
      .send(
        failure(
          'NOT_FOUND',
          apiByGet ? 'The API takes POST requests only.' : 'Nothing is served at this address.',
        ),
      );
  });

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
    scope.post('/api/:method', { bodyLimit: API_BODY_LIMIT }, async (req, reply) => {
      const { method } = req.params as { method: string };
      reply.header('cache-control', 'no-store');
      if (!isMethodName(method)) {
        return reply
          .code(statusFor('NOT_FOUND'))
          .send(failure('NOT_FOUND', 'There is no method of that name.'));
      }
      const result = publicResult(method, await service.invoke(method, req.body));
      return reply.code(result.ok ? 200 : statusFor(result.error.code)).send(result);
    });
    registerEvents(scope, service);
  });

  app.get('/health', { config: { rateLimit: false } }, async (_req, reply) => {
    const healthy = await service.healthy();
    reply.header('cache-control', 'no-store');
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'healthy' : 'unhealthy',
      service: 'maildock',
      version: appVersion(),
      timestamp: new Date().toISOString(),
    });
  });

  const staticDir = opts.staticDir;
  const built = staticDir !== undefined && existsSync(join(staticDir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: staticDir, index: false, wildcard: true });

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
    if (built) return reply.sendFile('index.html');
    return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  });

  return app;
}

/** The limit of the route that refused the body (the API's, or the 64 KiB of the rest). */
function bodyLimitOf(req: FastifyRequest): number {
  return req.routeOptions.bodyLimit ?? OTHER_BODY_LIMIT;
}

function sizeText(bytes: number): string {
  return bytes >= MiB ? `${Math.round(bytes / MiB)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
