// Requests from other sites get nothing: a present Origin must be the server's own, and a
// server bound to loopback answers only to loopback host names, so a web page that points
// its own domain at 127.0.0.1 (DNS rebinding) is refused too. Neither replaces the token.
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** The host name of a Host header ("name:port", "[v6]:port"), without the port. */
export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

export interface GuardOptions {
  /** Bound to loopback: refuse Host headers that name anything else. */
  loopbackOnly: boolean;
  /** CORS_ORIGINS: other sites' exact origins whose pages may call the API (none by default). */
  corsOrigins?: readonly string[] | undefined;
}

/** The request's Origin when it is one of CORS_ORIGINS, else null. */
export function allowedOrigin(req: FastifyRequest, opts: GuardOptions): string | null {
  const origin = req.headers.origin;
  if (!origin || !opts.corsOrigins?.length) return null;
  return opts.corsOrigins.includes(origin) ? origin : null;
}

/** What a browser needs to let an allowed origin's page read the answer. */
export const corsHeaders = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  vary: 'Origin',
});

/** The answer to an allowed origin's preflight: POST with JSON and a bearer token. */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
};

/** Why a request is refused, or null when it may go on (to the token check, where needed). */
export function refusal(req: FastifyRequest, opts: GuardOptions): string | null {
  const host = req.headers.host;
  if (!host) return 'The request names no host.';
  if (opts.loopbackOnly && !isLoopbackHost(hostName(host))) {
    return 'This server answers only to localhost addresses.';
  }
  const origin = req.headers.origin;
  if (origin !== undefined && allowedOrigin(req, opts) === null) {
    // The scheme may differ behind a TLS proxy; the host and port must not.
    const own = [`http://${host}`, `https://${host}`].map((o) => o.toLowerCase());
    if (!own.includes(origin.toLowerCase())) {
      return 'Requests from other sites are refused.';
    }
  }
  return null;
}

/**
 * On every response. No Access-Control-* header is sent but to the origins CORS_ORIGINS
 * names: browsers then keep other sites from reading any answer, and the non-simple requests
 * the API needs (JSON, a bearer header) never pass their preflight.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Scripts, connections, frames and fonts: the app's own only. Images and inline styles
  // wider, for the reader's sandboxed frame, which inherits this policy: its own stricter
  // policy (renderer/src/mail/frame-doc.ts) blocks remote images until the user asks.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: http: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
