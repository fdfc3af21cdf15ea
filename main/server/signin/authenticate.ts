// Who is calling: the access token from `Authorization: Bearer`, or, on the events
// WebSocket (a browser cannot set headers there), from the subprotocol list:
// `new WebSocket(url, ['maildock', 'bearer.' + token])`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failure, statusFor } from '../http-errors.js';
import type { AccessTokens, Checked, Refusal } from './tokens.js';

/** The subprotocol the server answers with: never the one carrying the token. */
export const EVENTS_PROTOCOL = 'maildock';
const BEARER_PROTOCOL = 'bearer.';

export function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The token in a Sec-WebSocket-Protocol header, if one entry carries it. */
export function bearerFromProtocols(header: string | string[] | undefined): string | undefined {
  const list = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const entry of list.split(',')) {
    const name = entry.trim();
    if (name.startsWith(BEARER_PROTOCOL) && name.length > BEARER_PROTOCOL.length)
      return name.slice(BEARER_PROTOCOL.length);
  }
  return undefined;
}

/**
 * For ws's `handleProtocols`: a browser drops a connection whose answer names no protocol it
 * offered, and echoing the bearer entry would put the token in the response.
 */
export function chooseProtocol(protocols: Set<string>): string | false {
  return protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false;
}

const isUpgrade = (req: FastifyRequest) => req.headers.upgrade?.toLowerCase() === 'websocket';

export type Authenticate = (req: FastifyRequest) => Promise<Checked>;

/** The bearer header first; the subprotocol only on a WebSocket upgrade. */
export function authenticator(tokens: AccessTokens): Authenticate {
  return async (req) => {
    const token =
      bearerOf(req) ??
      (isUpgrade(req) ? bearerFromProtocols(req.headers['sec-websocket-protocol']) : undefined);
    if (!token) return { ok: false, reason: 'missing' };
    return tokens.verifyAccess(token);
  };
}

/** What a 401 says: expired says to refresh; every other reason reads the same. */
export function refusalMessage(reason: Refusal): string {
  if (reason === 'expired')
    return 'The access token has expired: refresh it (auth.refresh) or sign in again.';
  if (reason === 'missing') return 'Sign in first: send Authorization: Bearer <access token>.';
  return 'The access token is not valid: sign in again.';
}

/** The 401 for a refused token, where no rate limiter answers it. */
export function sendUnauthorized(reply: FastifyReply, reason: Refusal) {
  return reply
    .code(statusFor('UNAUTHORIZED'))
    .header('www-authenticate', 'Bearer')
    .header('cache-control', 'no-store')
    .send(failure('UNAUTHORIZED', refusalMessage(reason)));
}
