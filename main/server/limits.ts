// Rate limits (@fastify/rate-limit): in memory for one instance, in Redis when there is one,
// so that several instances behind one balancer share them.
// - Every route counts against a limit per client: the user once the request is
//   authenticated (the auth hook runs first and sets `authenticatedAs`), else the address.
//   /health is left out: the balancer asks it all the time from one address.
// - Failed authentications count against a stricter limit per address; each is logged at
//   info, with the address and never the credential. Once over, they are answered 429.
//   A request with valid credentials is still served: an attacker sharing a user's address
//   must not lock that user out, and the limit is what stops guessing, 401 or 429.
// - Sign-in routes take `signInRouteConfig`: there every attempt counts, right or wrong, as
//   a password can be guessed where a 256-bit token cannot.
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { getLogger } from '../core/platform/log.js';
import { DEFAULT_LOGIN_RATE_LIMIT, DEFAULT_RATE_LIMIT, type RateLimit } from './config.js';
import { failure, statusFor } from './http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request is from once its credentials were checked: a user id, or null. */
    authenticatedAs: string | null;
  }
}

export interface LimitsOptions {
  /** Requests per client and window; RATE_LIMIT_MAX per RATE_LIMIT_WINDOW by default. */
  rateLimit?: RateLimit | undefined;
  /** Failed authentications and sign-in attempts per address and window. */
  loginRateLimit?: RateLimit | undefined;
  /** Shared store for the counters; in memory without. */
  redis?: Redis | undefined;
}

export interface Limits {
  /**
   * Answers a request whose credentials failed: counts it against its address, logs it,
   * and sends 401 with `message`, or 429 with Retry-After once the address is over.
   */
  refuseAuthentication(
    req: FastifyRequest,
    reply: FastifyReply,
    message: string,
  ): Promise<FastifyReply>;
  /** A sign-in route's `config`: every attempt counts against the stricter limit. */
  signInRouteConfig: { rateLimit: { max: number; timeWindow: number; keyGenerator: KeyOf } };
}

type KeyOf = (req: FastifyRequest) => string;

/** Keys in Redis start with this; the plugin adds its own route part behind it. */
export const REDIS_NAMESPACE = 'maildock:limit:';

const log = getLogger('server');

/** Thrown by the limiter; the server's error handler turns it into the contract's 429. */
export class RateLimited extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
    this.name = 'RateLimited';
  }
}

/** The contract's body for a 429; Retry-After is set as a header by whoever answers. */
export function rateLimitedBody(retryAfterSeconds: number) {
  return failure('RATE_LIMITED', `Too many requests: try again in ${retryAfterSeconds} s.`, {
    retryAfter: retryAfterSeconds,
  });
}

const clientKey: KeyOf = (req) =>
  req.authenticatedAs !== null ? `user:${req.authenticatedAs}` : `ip:${req.ip}`;

/** Registers the limiter on the app; call before any route is added. */
export async function registerLimits(app: FastifyInstance, opts: LimitsOptions): Promise<Limits> {
  const rate = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const login = opts.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT;
  app.decorateRequest('authenticatedAs', null);
  await app.register(fastifyRateLimit, {
    global: true,
    max: rate.max,
    timeWindow: rate.windowMs,
    keyGenerator: clientKey,
    ...(opts.redis ? { redis: opts.redis, nameSpace: REDIS_NAMESPACE } : {}),
    // Redis away must not take the whole server with it: requests then go through uncounted.
    skipOnError: true,
    errorResponseBuilder: (_req, context) => new RateLimited(Math.ceil(context.ttl / 1000)),
  });

  // A limiter made outside a route: in Redis its keys read
  // maildock:limit:undefinedundefined-auth-failed:<address> (the plugin's route part is empty).
  const failedKey: KeyOf = (req) => `auth-failed:${req.ip}`;
  const countFailure = app.createRateLimit({
    max: login.max,
    timeWindow: login.windowMs,
    keyGenerator: failedKey,
    skipOnError: false,
  });
  let storeDown = false;

  return {
    async refuseAuthentication(req, reply, message) {
      const presented = Boolean(req.headers.authorization) || hasCookie(req) || hasQueryToken(req);
      let over: { retryAfter: number } | null = null;
      try {
        const state = await countFailure(req);
        storeDown = false;
        if (!state.isAllowed && state.isExceeded)
          over = { retryAfter: Math.max(1, state.ttlInSeconds) };
      } catch (err) {
        // The refusal stands; only its counting failed.
        if (!storeDown) log.warn({ err }, 'failed sign-ins cannot be counted');
        storeDown = true;
      }
      log.info(
        {
          ip: req.ip,
          path: req.url.split('?')[0], // a query may hold the token
          credentials: presented ? 'wrong' : 'none',
          limited: over !== null,
        },
        'sign-in failed',
      );
      if (over) {
        reply.header('retry-after', String(over.retryAfter));
        return reply.code(statusFor('RATE_LIMITED')).send(rateLimitedBody(over.retryAfter));
      }
      return reply.code(statusFor('UNAUTHORIZED')).send(failure('UNAUTHORIZED', message));
    },
    signInRouteConfig: {
      rateLimit: {
        max: login.max,
        timeWindow: login.windowMs,
        keyGenerator: (req) => `sign-in:${req.ip}`,
      },
    },
  };
}

function hasCookie(req: FastifyRequest): boolean {
  return Object.keys(req.cookies ?? {}).some((name) => name.startsWith('maildock-session'));
}

function hasQueryToken(req: FastifyRequest): boolean {
  return /[?&]token=/.test(req.url);
}
