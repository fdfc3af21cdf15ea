// A server of many people's sign-in, as the server wires it: the auth routes, and behind
// authenticate() a route that says who is calling and the events WebSocket. Listens on
// 127.0.0.1, in plain HTTP or over TLS with a certificate made here.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { People } from '../../main/core/people/index.js';
import type { ServerConfig } from '../../main/server/config.js';
import { registerLimits } from '../../main/server/limits.js';
import { chooseProtocol, passwordAuth } from '../../main/server/signin/index.js';
import { run } from './processes.js';

export interface SignInApp {
  app: FastifyInstance;
  base: string;
  close(): Promise<void>;
}

/**
 * The sign-in of the server of many people as people-server.ts wires it (its PeopleAuth,
 * behind the rate limiter, in memory here and generous: the tests sign in often from one
 * address), with a route and the events WebSocket that say who is calling.
 */
export async function startSignInApp(
  people: People,
  jwt: ServerConfig['jwt'],
  opts: { tls?: { key: string; cert: string }; loginLimit?: number } = {},
): Promise<SignInApp> {
  const app = Fastify({
    logger: false,
    ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert } } : {}),
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { handleProtocols: chooseProtocol } });
  const limits = await registerLimits(app, {
    loginRateLimit: { max: opts.loginLimit ?? 10_000, windowMs: 60_000 },
  });
  const auth = passwordAuth({ people, jwt });
  await auth.register(app, limits);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const verdict = await auth.authenticate(req);
      if ('refused' in verdict) return limits.refuseAuthentication(req, reply, verdict.refused);
      req.principal = verdict.principal;
      req.authenticatedAs = `${verdict.principal.owner.tenantId}:${verdict.principal.owner.userId}`;
    });
    scope.post('/api/whoami', async (req) => ({ ok: true, value: req.principal }));
    scope.get('/events', { websocket: true }, (socket, req) => {
      socket.send(JSON.stringify(req.principal));
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    base: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
export async function makeCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-signin-tls-'));
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { timeoutMs: 30_000 },
    );
    return {
      key: await readFile(path.join(dir, 'key.pem'), 'utf8'),
      cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  text: string;
  setCookie: string[];
}

/** A POST with a JSON body; over TLS, trusting only the given certificate. */
export function post(
  base: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = {},
  ca?: string,
): Promise<Answer> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const url = new URL(route, base);
  const sendHeaders: Record<string, string> = { ...headers };
  if (body !== undefined) sendHeaders['content-type'] = 'application/json';
  if (url.protocol === 'http:') {
    return fetch(url, { method: 'POST', headers: sendHeaders, body: payload || null }).then(
      async (res) => {
        const text = await res.text();
        return {
          status: res.status,
          headers: Object.fromEntries(res.headers),
          body: JSON.parse(text) as Answer['body'],
          text,
          setCookie: res.headers.getSetCookie(),
        };
      },
    );
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', headers: sendHeaders, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const cookies = res.headers['set-cookie'] ?? [];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(text) as Answer['body'],
          text,
          setCookie: cookies,
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A cookie's value and attributes from Set-Cookie lines. */
export function cookieOf(
  lines: string[],
  name: string,
): { value: string; attributes: Map<string, string> } | undefined {
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...rest] = line.split(';');
  const attributes = new Map<string, string>();
  for (const attribute of rest) {
    const [key, ...value] = attribute.trim().split('=');
    attributes.set(key!.toLowerCase(), value.join('='));
  }
  return { value: decodeURIComponent(pair!.slice(name.length + 1)), attributes };
}
