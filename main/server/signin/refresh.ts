// The refresh token: 32 random bytes, given only in an HttpOnly cookie and kept only as its
// SHA-256, so a copy of the database signs no one in.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const REFRESH_COOKIE = 'maildock-refresh';
/**
 * The cookie goes only to the route that spends it. A cookie path matches its own path and
 * paths below it ("/api/auth." would match no route: RFC 6265 §5.1.4 wants the next
 * character to be "/"), and logging out carries the access token instead, or the cookie
 * when a client sends it there itself.
 */
export const REFRESH_PATH = '/api/auth.refresh';
export const DEFAULT_REFRESH_TTL_SECONDS = 30 * 24 * 3600;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newRefreshToken = () => randomBytes(32).toString('base64url');

export const refreshHash = (token: string) => createHash('sha256').update(token).digest();

/** The cookie's token when it has the shape of one of ours; anything else is no token. */
export function refreshTokenOf(req: FastifyRequest): string | undefined {
  const token = req.cookies[REFRESH_COOKIE];
  return token !== undefined && TOKEN_PATTERN.test(token) ? token : undefined;
}

const attributes = (req: FastifyRequest) =>
  ({
    path: REFRESH_PATH,
    httpOnly: true,
    sameSite: 'strict',
    // Over TLS (directly, or at nginx with trustProxy): a browser then never sends it in clear.
    secure: req.protocol === 'https',
  }) as const;

export function setRefreshCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    ...attributes(req),
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  });
}

export function clearRefreshCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, attributes(req));
}
