// Signing in with a password: `auth.login` gives an access token and a refresh cookie,
// `auth.refresh` spends the cookie for new ones (a spent one presented again revokes its
// session), `auth.logout` revokes, `auth.mode` tells the UI which sign-in to show. Every
// outcome is audited; the password is in no log line, audit row or response.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getLogger } from '../../core/platform/log.js';
import {
  needsRehash,
  PASSWORD_MAX,
  rehashPassword,
  verifyPassword,
  warmUpPasswords,
  type People,
  type Person,
  type SessionRecord,
} from '../../core/people/index.js';
import { failure, statusFor } from '../http-errors.js';
import { bearerOf } from './authenticate.js';
import {
  clearRefreshCookie,
  DEFAULT_REFRESH_TTL_SECONDS,
  newRefreshToken,
  refreshHash,
  refreshTokenOf,
  setRefreshCookie,
} from './refresh.js';
import type { AccessTokens } from './tokens.js';

export interface SignInRouteOptions {
  people: People;
  tokens: AccessTokens;
  /** REFRESH_TOKEN_TTL, in seconds (default 30 days): how long a sign-in lasts at most. */
  refreshTtlSeconds?: number;
  /** The sign-in route's `config` (limits.ts: signInRouteConfig): every attempt counts. */
  loginRouteConfig?: Record<string, unknown>;
}

const log = getLogger('signin');

const loginSchema = z
  .object({
    email: z.string().trim().min(1).max(320),
    password: z.string().min(1).max(PASSWORD_MAX),
  })
  .strict();
const emptySchema = z.union([z.object({}).strict(), z.undefined(), z.null()]);

/** The same words for an unknown address and a wrong password. */
const SIGN_IN_FAILED = 'The email address or the password is not right.';
const REFRESH_FAILED = 'The sign-in has ended: sign in again.';

function invalid(reply: FastifyReply, error: z.ZodError) {
  // Which field, never what was in it: the password could be in any of them.
  const field = String(error.issues[0]?.path[0] ?? 'body');
  return reply
    .code(statusFor('INVALID_INPUT'))
    .send(failure('INVALID_INPUT', `The ${field} is missing or not valid.`, { field }));
}

function refused(reply: FastifyReply, message: string) {
  return reply.code(statusFor('UNAUTHORIZED')).send(failure('UNAUTHORIZED', message));
}

/** Registers the auth routes in a scope of their own: the caller's token check is not theirs. */
export async function registerSignInRoutes(
  app: FastifyInstance,
  opts: SignInRouteOptions,
): Promise<void> {
  // The dummy hash is made now: the first sign-in of an unknown address must not take longer.
  await warmUpPasswords();
  await app.register(async (scope) => signInRoutes(scope, opts));
}

async function signInRoutes(app: FastifyInstance, opts: SignInRouteOptions): Promise<void> {
  const { people, tokens } = opts;
  const refreshTtl = opts.refreshTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS;
  if (!Number.isInteger(refreshTtl) || refreshTtl < 1)
    throw new Error(`refresh token lifetime: ${refreshTtl} is not a number of seconds`);

  const signedIn = async (
    req: FastifyRequest,
    reply: FastifyReply,
    person: Person,
    sessionId: string,
    /** The refresh token, and how many seconds the sign-in has left. */
    refresh: { token: string; seconds: number },
  ) => {
    const access = await tokens.issue({
      owner: { tenantId: person.tenantId, userId: person.userId },
      sessionId,
      role: person.role,
      email: person.email,
    });
    setRefreshCookie(req, reply, refresh.token, refresh.seconds);
    return reply.send({
      ok: true,
      value: {
        accessToken: access.token,
        expiresAt: new Date(access.expiresAt).toISOString(),
        user: { email: person.email, tenant: person.tenant, role: person.role },
      },
    });
  };

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  app.post('/api/auth.mode', async () => ({ ok: true, value: { mode: 'password' } }));

  app.post('/api/auth.login', { config: opts.loginRouteConfig ?? {} }, async (req, reply) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const { email, password } = parsed.data;
    const found = await people.users.forSignIn(email);
    // Unknown or not: one Argon2 verification either way, so the time says nothing.
    const ok = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !ok) {
      log.info({ ip: req.ip, email }, 'sign-in failed');
      await people.audit.record({
        tenantId: found?.tenantId ?? null,
        userId: found?.userId ?? null,
        actor: email,
        action: 'auth.login.failed',
        ip: req.ip,
        detail: { reason: found ? 'wrong password' : 'unknown user' },
      });
      return refused(reply, SIGN_IN_FAILED);
    }
    const { passwordHash, ...person } = found;
    // An older Argon2 setting, or a mailbox's {PBKDF2} hash from Dovecot's passwd file.
    if (passwordHash && needsRehash(passwordHash)) {
      await rehashPassword(password)
        .then((hash) => people.users.setPassword(person.userId, hash))
        .catch((err: unknown) => log.warn({ err }, 'a password could not be rehashed'));
    }
    const sessionId = randomUUID();
    const refresh = { token: newRefreshToken(), seconds: refreshTtl };
    await people.sessions.start({
      tenantId: person.tenantId,
      userId: person.userId,
      id: sessionId,
      expiresAt: Date.now() + refreshTtl * 1000,
      ip: req.ip,
      tokenHash: refreshHash(refresh.token),
    });
    await people.audit.record({
      tenantId: person.tenantId,
      userId: person.userId,
      actor: person.email,
      action: 'auth.login',
      ip: req.ip,
      detail: { session: sessionId },
    });
    return signedIn(req, reply, person, sessionId, refresh);
  });

  /**
   * Spends a refresh token for its successor. A spent one presented again means two holders
   * of one token, the thief's copy or the user's, no telling which: the store has revoked
   * the whole family, and it is audited here.
   */
  async function spend(req: FastifyRequest, token: string, next: string) {
    const rotation = await people.sessions.rotate(
      refreshHash(token),
      refreshHash(next),
      Date.now(),
    );
    if (rotation.outcome === 'reused') {
      const { session } = rotation;
      log.warn({ ip: req.ip, session: session.id }, 'a spent refresh token came back');
      await people.audit.record({
        tenantId: session.tenantId,
        userId: session.userId,
        actor: 'server',
        action: 'auth.refresh.reused',
        ip: req.ip,
        detail: { session: session.id },
      });
    }
    return rotation.outcome === 'rotated' ? rotation.session : null;
  }

  const refreshRefused = (req: FastifyRequest, reply: FastifyReply) => {
    clearRefreshCookie(req, reply);
    return refused(reply, REFRESH_FAILED);
  };

  app.post('/api/auth.refresh', async (req, reply) => {
    const body = emptySchema.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const token = refreshTokenOf(req);
    if (!token) return refreshRefused(req, reply);
    const next = newRefreshToken();
    const session = await spend(req, token, next);
    const person = session && (await people.users.get(session.userId));
    if (!session || !person) return refreshRefused(req, reply);
    return signedIn(req, reply, person, session.id, {
      token: next,
      seconds: (session.expiresAt - Date.now()) / 1000,
    });
  });

  app.post('/api/auth.logout', async (req, reply) => {
    const body = emptySchema.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    clearRefreshCookie(req, reply);
    const session = await sessionOf(req);
    const revoked = session !== null && (await people.sessions.revoke(session.id, 'signed out'));
    if (session && revoked) {
      const person = await people.users.get(session.userId);
      await people.audit.record({
        tenantId: session.tenantId,
        userId: session.userId,
        actor: person?.email ?? 'server',
        action: 'auth.logout',
        ip: req.ip,
        detail: { session: session.id },
      });
    }
    return reply.send({ ok: true, value: { revoked } });
  });

  /**
   * The session a logout names: by its access token (expired or not: ending a session is
   * harmless), or by its refresh cookie, which is spent to find it.
   */
  async function sessionOf(req: FastifyRequest): Promise<SessionRecord | null> {
    const bearer = bearerOf(req);
    if (bearer) {
      const checked = await tokens.verify(bearer, Date.now(), { ignoreExpiry: true });
      if (checked.ok) return people.sessions.get(checked.identity.sessionId);
    }
    const token = refreshTokenOf(req);
    return token ? spend(req, token, newRefreshToken()) : null;
  }
}
