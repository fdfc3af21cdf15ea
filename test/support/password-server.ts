// A small HTTP server (node:http on 127.0.0.1) that speaks the sign-in contract of the
// server of many people, for the browser's side of it: auth.mode, auth.login, auth.refresh
// (a cookie that rotates on every use; a spent one sent again revokes its session),
// auth.logout, bearer tokens on every other method, and `/events` taking the token in the
// WebSocket's protocol list. What it saw is kept, in order, for the tests to read. A
// browser's cookie jar is `browserFetch`: the browser keeps cookies, page scripts do not.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { SECURITY_HEADERS } from '../../main/server/guard.js';

export interface Person {
  email: string;
  password: string;
  tenant: string;
  role: 'admin' | 'user';
}

export interface PasswordServerOptions {
  people: Person[];
  accessTtlMs?: number;
  /** 'iso': expiresAt as an ISO time rather than milliseconds. */
  expiresAs?: 'ms' | 'iso';
  /** How far the server's clock is ahead of this machine's (its Date header and expiries). */
  clockAheadMs?: number;
  /** Failed sign-ins allowed before 429. */
  loginAttempts?: number;
  /** Answer auth.mode as the one-person server does (404, no such method). */
  onePerson?: boolean;
  /** The built renderer, served on GET with the server's own security headers. */
  staticDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export interface Seen {
  path: string;
  status: number;
  at: number;
  bearer: string | null;
}

interface Session {
  id: string;
  person: Person;
  refresh: string;
  spent: Set<string>;
  revoked: boolean;
}

const REFRESH_COOKIE = 'maildock-refresh';
const RETRY_AFTER = 42;

export class PasswordServer {
  readonly seen: Seen[] = [];
  /** Every WebSocket that was let in: its protocols, and whom it was for. */
  readonly sockets: { protocols: string[]; email: string; closed: boolean }[] = [];
  /** Answer 401 to every method call, whatever the token. */
  refuseAllCalls = false;
  /** How long auth.refresh takes to answer (a slow network). */
  refreshDelayMs = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly access = new Map<string, { session: Session; expiresAt: number }>();
  private failures = 0;
  private readonly server: http.Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('maildock') ? 'maildock' : false),
  });
  url = '';

  constructor(private readonly opts: PasswordServerOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const token = protocols.find((p) => p.startsWith('bearer.'))?.slice('bearer.'.length);
      const found = token ? this.valid(token) : null;
      this.seen.push({
        path: '/events',
        status: found ? 101 : 401,
        at: Date.now(),
        bearer: token ?? null,
      });
      if (!found) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const entry = { protocols, email: found.person.email, closed: false };
        this.sockets.push(entry);
        ws.on('close', () => (entry.closed = true));
        ws.send(JSON.stringify({ event: 'hello', payload: { email: found.person.email } }));
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Every access token handed out so far has expired (as after a laptop's sleep). */
  expireAccessTokens(): void {
    for (const entry of this.access.values()) entry.expiresAt = 0;
  }

  /** Every session ends on the server (revoked by an admin, say). */
  revokeSessions(): void {
    for (const session of this.sessions.values()) session.revoked = true;
  }

  get liveSessions(): number {
    return [...this.sessions.values()].filter((s) => !s.revoked).length;
  }

  calls(path: string): Seen[] {
    return this.seen.filter((s) => s.path === path);
  }

  private now(): number {
    return Date.now() + (this.opts.clockAheadMs ?? 0);
  }

  private valid(token: string): Session | null {
    const entry = this.access.get(token);
    if (!entry || entry.expiresAt <= this.now() || entry.session.revoked) return null;
    return entry.session;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && this.opts.staticDir)
      return this.sendFile(req, res, this.opts.staticDir);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string | string[]> = {},
    ) => {
      this.seen.push({ path, status, at: Date.now(), bearer });
      res.writeHead(status, {
        'content-type': 'application/json',
        date: new Date(this.now()).toUTCString(),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const refuse = (message: string, headers = {}) =>
      send(401, { ok: false, error: { code: 'UNAUTHORIZED', message } }, headers);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return send(400, { ok: false, error: { code: 'INVALID_INPUT', message: 'Not JSON.' } });
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      return send(404, { ok: false, error: { code: 'NOT_FOUND', message: 'Nothing here.' } });
    }
    const method = path.slice('/api/'.length);

    if (method === 'auth.mode') {
      if (this.opts.onePerson) {
        return send(404, {
          ok: false,
          error: { code: 'NOT_FOUND', message: 'There is no method of that name.' },
        });
      }
      return send(200, { ok: true, value: { mode: 'password' } });
    }
    if (method === 'auth.login') {
      if (this.failures >= (this.opts.loginAttempts ?? Infinity)) {
        return send(
          429,
          {
            ok: false,
            error: {
              code: 'RATE_LIMITED',
              message: `Too many requests: try again in ${RETRY_AFTER} s.`,
              fields: { retryAfter: RETRY_AFTER },
            },
          },
          { 'retry-after': String(RETRY_AFTER) },
        );
      }
      const person = this.opts.people.find(
        (p) => p.email === body['email'] && p.password === body['password'],
      );
      if (!person) {
        this.failures += 1;
        return send(401, {
          ok: false,
          error: {
            code: 'AUTH_FAILED',
            message: 'The email address or the password is not right.',
          },
        });
      }
      const session: Session = {
        id: randomBytes(8).toString('hex'),
        person,
        refresh: '',
        spent: new Set(),
        revoked: false,
      };
      this.sessions.set(session.id, session);
      return this.signedIn(session, send);
    }
    if (method === 'auth.refresh') {
      if (this.refreshDelayMs) await new Promise((r) => setTimeout(r, this.refreshDelayMs));
      const cookie = cookieOf(req, REFRESH_COOKIE);
      const cleared = { 'set-cookie': `${REFRESH_COOKIE}=; Path=/api/auth.refresh; Max-Age=0` };
      const session = [...this.sessions.values()].find(
        (s) => s.refresh === cookie || (cookie !== undefined && s.spent.has(cookie)),
      );
      if (!session || session.revoked)
        return refuse('The sign-in has ended: sign in again.', cleared);
      if (session.refresh !== cookie) {
        // A spent token came back: both holders lose the session.
        session.revoked = true;
        return refuse('The sign-in has ended: sign in again.', cleared);
      }
      session.spent.add(session.refresh);
      return this.signedIn(session, send);
    }
    if (method === 'auth.logout') {
      const entry = bearer ? this.access.get(bearer) : undefined;
      if (entry) entry.session.revoked = true;
      return send(
        200,
        { ok: true, value: { revoked: Boolean(entry) } },
        { 'set-cookie': `${REFRESH_COOKIE}=; Path=/api/auth.refresh; Max-Age=0` },
      );
    }
    const session = bearer ? this.valid(bearer) : null;
    if (!session || this.refuseAllCalls) {
      return refuse(bearer ? 'The access token has expired.' : 'Sign in first.', {
        'www-authenticate': 'Bearer',
      });
    }
    // A person with no accounts yet: every list is empty.
    if (method.endsWith('.list')) return send(200, { ok: true, value: [] });
    return send(200, { ok: true, value: { method, email: session.person.email } });
  }

  private async sendFile(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
    const url = (req.url ?? '/').split('?')[0]!;
    const file = path.join(root, url === '/' ? 'index.html' : path.normalize(url));
    try {
      if (!file.startsWith(root)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  }

  private signedIn(
    session: Session,
    send: (status: number, body: unknown, headers: Record<string, string>) => void,
  ) {
    session.refresh = randomBytes(32).toString('base64url');
    const accessToken = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + (this.opts.accessTtlMs ?? 15 * 60_000);
    this.access.set(accessToken, { session, expiresAt });
    const { email, tenant, role } = session.person;
    send(
      200,
      {
        ok: true,
        value: {
          accessToken,
          expiresAt: this.opts.expiresAs === 'iso' ? new Date(expiresAt).toISOString() : expiresAt,
          user: { email, tenant, role },
        },
      },
      {
        'set-cookie': `${REFRESH_COOKIE}=${session.refresh}; Path=/api/auth.refresh; HttpOnly; SameSite=Strict`,
      },
    );
  }
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * fetch as a page of `base` has it: relative URLs, and the cookies the server set sent back
 * on the paths they were set for (what the browser does; the page's script never sees them).
 */
export function browserFetch(base: string): { fetch: typeof fetch; cookies: Map<string, string> } {
  const jar = new Map<string, { value: string; path: string }>();
  const cookies = new Map<string, string>();
  const doFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input), base);
    const headers = new Headers(init?.headers);
    const sent = [...jar].filter(([, c]) => url.pathname.startsWith(c.path));
    if (sent.length) headers.set('cookie', sent.map(([k, c]) => `${k}=${c.value}`).join('; '));
    const res = await fetch(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const [name = '', ...rest] = pair.split('=');
      const value = rest.join('=');
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const gone = attrs.some((a) => a.toLowerCase() === 'max-age=0') || value === '';
      if (gone) jar.delete(name);
      else jar.set(name, { value, path });
    }
    cookies.clear();
    for (const [k, c] of jar) cookies.set(k, c.value);
    return res;
  };
  return { fetch: doFetch as typeof fetch, cookies };
}
