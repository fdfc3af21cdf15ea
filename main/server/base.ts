// What every Maildock server is, whoever it serves: Fastify with the contract's error
// envelope, the Host and Origin checks, the security headers, rate limits, `GET /health`,
// and the built renderer as static files. server.ts (one person, one token) and
// people-server.ts (many people, signed in) add who may call the API and how.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { isMethodName, type MethodName } from '../../common/api.js';
import { toErrorData } from '../../common/errors.js';
import { publicResult } from '../../common/public-error.js';
import { getLogger } from '../core/platform/log.js';
import { appVersion } from '../core/platform/paths.js';
import type { MaildockService } from '../core/service.js';
import { clientErrorHandler, clientErrorText, frameworkErrors } from './framework-errors.js';
import {
  allowedOrigin,
  corsHeaders,
  PREFLIGHT_HEADERS,
  refusal,
  SECURITY_HEADERS,
  type GuardOptions,
} from './guard.js';
import { chooseProtocol } from './signin/authenticate.js';
import { failure, retryAfter, statusFor } from './http-errors.js';
import {
  RateLimited,
  rateLimitedBody,
  registerLimits,
  type Limits,
  type LimitsOptions,
} from './limits.js';

const MiB = 1024 * 1024;
/**
 * The contract carries attachments as base64 in the JSON body: a 64 MiB file is 85.3 MiB
 * of base64, and 100 MiB leaves room for the message's text and the JSON around it.
 */
export const API_BODY_LIMIT = 100 * MiB;
/** Everything else (there is nothing else that takes a body). */
const OTHER_BODY_LIMIT = 64 * 1024;

export interface BaseOptions extends GuardOptions {
  /** The built renderer (dist/renderer); when it has no index.html, / says it is not built. */
  staticDir?: string | undefined;
  /** Rate limits and where they are counted (limits.ts); the defaults, in memory, without. */
  limits?: LimitsOptions | undefined;
  /** Addresses whose X-Forwarded-* headers are believed (a TLS proxy in front). */
  trustProxy?: string | undefined;
  /** Registers what times every request and serves /metrics (the server of many people). */
  metrics?: ((app: FastifyInstance) => void) | undefined;
}

export interface BaseServer {
  app: FastifyInstance;
  limits: Limits;
  /** Whether the renderer is built (its files are served; `/` is the server's to send). */
  built: boolean;
}

const log = getLogger('server');

export async function baseServer(
  opts: BaseOptions,
  healthy: () => Promise<boolean>,
): Promise<BaseServer> {
  const app = Fastify({
    logger: false, // one line per request below, without query strings or bodies
    bodyLimit: OTHER_BODY_LIMIT,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrors(opts),
    clientErrorHandler,
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
  });
  // First: the websocket plugin's own hooks must see refused upgrades too, to close them.
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    // Clients only listen. A browser's token may come as a subprotocol: the answer names
    // `maildock`, never the token.
    options: { maxPayload: 4096, handleProtocols: chooseProtocol },
    preClose(done) {
      // 1001, "going away": the server is stopping; a client may reconnect later.
      for (const client of this.websocketServer.clients) client.close(1001, 'server stopping');
      this.websocketServer.close(() => done());
    },
  });
  opts.metrics?.(app);
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
  app.addHook('onSend', async (req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    const origin = allowedOrigin(req, opts);
    if (origin) reply.headers(corsHeaders(origin));
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
      // An error of the contract's (the database away while a token's session was checked)
      // is answered as a method's would be; anything else is the sentence, and the log.
      const data = toErrorData(err);
      if (data.code === 'INTERNAL') {
        log.error({ err, path: req.url.split('?')[0] }, 'request failed');
        body = failure('INTERNAL', 'Something went wrong inside Maildock.');
      } else {
        log.warn({ code: data.code, path: req.url.split('?')[0] }, 'request failed');
        body = failure(data.code, data.message, data.fields);
      }
    }
    retryAfter(reply, body.error.code);
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

  app.get('/health', { config: { rateLimit: false } }, async (_req, reply) => {
    const ok = await healthy();
    reply.header('cache-control', 'no-store');
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'healthy' : 'unhealthy',
      service: 'maildock',
      version: appVersion(),
      timestamp: new Date().toISOString(),
    });
  });

  // An allowed origin's preflight; any other answers as an unknown route does.
  app.options('/api/:method', { config: { rateLimit: false } }, async (req, reply) => {
    if (!allowedOrigin(req, opts)) return reply.callNotFound();
    return reply.code(204).headers(PREFLIGHT_HEADERS).send();
  });

  const staticDir = opts.staticDir;
  const built = staticDir !== undefined && existsSync(join(staticDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: staticDir,
      index: false,
      wildcard: true,
      // The build names what is under assets/ by its content's hash: a browser keeps it and
      // never asks again. The page that names them is sent with no-cache (page.ts).
      setHeaders: (reply, file) => {
        if (isHashedAsset(staticDir, file)) reply.header('cache-control', IMMUTABLE);
      },
    });
  }
  return { app, limits, built };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A file of the build's assets/ whose name carries a content hash (`index-BwDfS1Eb.js`). */
export function isHashedAsset(staticDir: string, file: string): boolean {
  const rel = relative(staticDir, file).split(sep);
  return rel.length === 2 && rel[0] === 'assets' && /-[\w-]{8}\.\w+$/.test(rel[1]!);
}

/**
 * `POST /api/<method>`: the contract's methods, each answered by the caller's service.
 * `refused` names the methods this server does not offer (with the reason given to callers).
 */
export function registerApi(
  scope: FastifyInstance,
  /** What answers the request's calls: the service, or (many people) one held while it runs. */
  serviceFor: (req: FastifyRequest) => Promise<Pick<MaildockService, 'invoke'>>,
  refused: (method: MethodName) => string | null = () => null,
  /** Told of every method that succeeded (the audit log of the server of many people). */
  succeeded?: (req: FastifyRequest, method: MethodName, value: unknown) => Promise<void>,
): void {
  scope.post('/api/:method', { bodyLimit: API_BODY_LIMIT }, async (req, reply) => {
    const { method } = req.params as { method: string };
    reply.header('cache-control', 'no-store');
    if (!isMethodName(method)) {
      return reply
        .code(statusFor('NOT_FOUND'))
        .send(failure('NOT_FOUND', 'There is no method of that name.'));
    }
    const why = refused(method);
    if (why) return reply.code(statusFor('FORBIDDEN')).send(failure('FORBIDDEN', why));
    const service = await serviceFor(req);
    const result = publicResult(method, await service.invoke(method, req.body));
    if (result.ok) await succeeded?.(req, method, result.value);
    else retryAfter(reply, result.error.code);
    return reply.code(result.ok ? 200 : statusFor(result.error.code)).send(result);
  });
}

/** The limit of the route that refused the body (the API's, or the 64 KiB of the rest). */
function bodyLimitOf(req: FastifyRequest): number {
  return req.routeOptions.bodyLimit ?? OTHER_BODY_LIMIT;
}

function sizeText(bytes: number): string {
  return bytes >= MiB ? `${Math.round(bytes / MiB)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
