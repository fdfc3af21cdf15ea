// Headless server mode over real HTTP and WebSocket: the server built in-process on a free
// loopback port over a temp service (and a private Dovecot where mail must move), and the
// real `maildock serve` process for what only a process shows (exit status, signals, logs).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { events, methods } from '../../common/api.js';
import { ERROR_CODES } from '../../common/errors.js';
import { loadOrCreateToken, TOKEN_FILE } from '../../main/server/auth.js';
import { HTTP_STATUS } from '../../main/server/http-errors.js';
import { API_BODY_LIMIT, buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { portIsFree } from '../support/processes.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const SECURITY = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: http: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const errorShape = {
  ok: false,
  error: { code: expect.any(String), message: expect.any(String) },
};

function expectSecured(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY)) expect(res.headers.get(name)).toBe(value);
  for (const name of res.headers.keys()) expect(name).not.toMatch(/^access-control-/);
}

async function waitFor<T>(
  get: () => T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Refused extends Error {
  status: number;
  body: string;
}

/** Opens a WebSocket; a refused upgrade rejects with the HTTP status and body. */
function connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

const refusedBy = async (p: Promise<unknown>): Promise<Refused> => {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as Refused | null;
  if (!err) throw new Error('the connection was accepted');
  return err;
};

describe('the server, in-process', () => {
  let dovecot: DovecotServer;
  let t: TestService;
  let app: FastifyInstance;
  let token: string;
  let base: string;
  let host: string;
  const bearer = () => ({ authorization: `Bearer ${token}` });

  const post = (method: string, body: unknown, headers: Record<string, string> = bearer()) =>
    fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  async function accountId(): Promise<number> {
    const list = (await (await post('account.list', {})).json()) as { value: { id: number }[] };
    if (list.value[0]) return list.value[0].id;
    const res = await post('account.add', accountInput(dovecot));
    expect(res.status).toBe(200);
    return ((await res.json()) as { value: { id: number } }).value.id;
  }

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.loadMaildir(
      'INBOX',
      [1, 2, 3].map((i) => ({ raw: makeMail({ subject: `Message ${i}`, text: `Text ${i}` }) })),
    );
    t = await openService(SERVER_SERVICE_OPTIONS);
    token = await loadOrCreateToken(t.dataDir);
    // Hundreds of wrong tokens below: the limit on them has tests of its own (rate-limits).
    app = await buildServer(t.svc, {
      token,
      loopbackOnly: true,
      limits: { loginRateLimit: { max: 100_000, windowMs: 60_000 } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    host = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    base = `http://${host}`;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await dovecot?.stop();
  });

  it('answers every method of the contract with 401 and no data without the right token', async () => {
    const names = Object.keys(methods);
    expect(names.length).toBeGreaterThan(30);
    const wrong = randomBytes(32).toString('base64url');
    const cookie = `maildock-session-${host.split(':')[1]}`;
    for (const name of names) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: `Bearer ${wrong}` },
        { authorization: `Bearer ${token.slice(0, -1)}` },
        { authorization: `Basic ${Buffer.from(`me:${token}`).toString('base64')}` },
        { cookie: `${cookie}=${wrong}` },
        { cookie: `other-cookie=${token}` },
      ]) {
        const res = await post(name, {}, headers);
        expect(res.status, `${name} ${JSON.stringify(headers)}`).toBe(401);
        expectSecured(res);
        const body = await res.json();
        expect(body).toEqual({
          ok: false,
          error: { code: 'UNAUTHORIZED', message: expect.any(String) },
        });
        expect(JSON.stringify(body)).not.toContain(token);
      }
      // With the token, by header and by cookie, the call gets through to the contract: an
      // unknown key (every input is a strict object) is refused there, before anything runs.
      for (const headers of [bearer(), { cookie: `${cookie}=${token}` }]) {
        const res = await post(name, { notInTheContract: 1 }, headers);
        expect(res.status, name).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'INVALID_INPUT',
        );
      }
    }
    for (const headers of [bearer(), { cookie: `${cookie}=${token}` }]) {
      const res = await post('account.list', {}, headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, value: [] });
    }
  });

  it('refuses malformed input with 400 and the contract’s error shape', async () => {
    const raw = (body: string, type?: string) =>
      fetch(`${base}/api/account.remove`, {
        method: 'POST',
        headers: { ...bearer(), ...(type ? { 'content-type': type } : {}) },
        body,
      });
    const cases: [string, Promise<Response>][] = [
      ['wrong type', post('account.remove', { id: 'one' })],
      ['negative id', post('account.remove', { id: -1 })],
      ['unknown key', post('account.remove', { id: 1, drop: true })],
      ['missing field', post('account.remove', {})],
      ['not JSON', raw('{"id": 1', 'application/json')],
      ['not JSON at all', raw('remove account 1', 'application/json')],
      ['empty JSON body', raw('', 'application/json')],
      ['text/plain', raw('{"id": 1}', 'text/plain')],
      ['a form', raw('id=1', 'application/x-www-form-urlencoded')],
      ['__proto__', raw('{"__proto__": {"id": 1}}', 'application/json')],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(400);
      expectSecured(res);
      const body = (await res.json()) as { ok: boolean; error: { code: string } };
      expect(body, what).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(body).not.toHaveProperty('value');
    }
    const unknown = await post('account.drop', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const byGet = await fetch(`${base}/api/account.list`, { headers: bearer() });
    expect(byGet.status).toBe(404);
    expect(await byGet.json()).toEqual(errorShape);
  });

  it('refuses a body over the API limit with 413 before reading it, and a stranger’s with 401', async () => {
    // Only the headers and one byte are sent: the answer must come from Content-Length alone.
    const announce = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${base}/api/outbox.send`, {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(API_BODY_LIMIT + 1),
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        });
        req.on('error', reject);
        req.write('{');
      });
    const tooLarge = await announce(bearer());
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    const stranger = await announce({});
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // A 64 MiB attachment fits, as base64 (4/3 of it).
    expect(API_BODY_LIMIT).toBeGreaterThan((64 * 1024 * 1024 * 4) / 3);
  });

  it('maps every error code to one HTTP status', () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS).toMatchObject({
      INVALID_INPUT: 400,
      UNAUTHORIZED: 401,
      NOT_FOUND: 404,
      ALREADY_EXISTS: 409,
      INTERNAL: 500,
    });
  });

  it('answers /health without a token, and says nothing else', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expectSecured(res);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      status: 'healthy',
      service: 'maildock',
      version: (
        JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
          version: string;
        }
      ).version,
      timestamp: expect.any(String),
    });
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(body.version).toBe(pkg.version);
    expect(Math.abs(Date.parse(String(body.timestamp)) - Date.now())).toBeLessThan(60_000);
  });

  it('sends the security headers everywhere and never a CORS header', async () => {
    const responses = [
      await fetch(`${base}/`),
      await fetch(`${base}/health`),
      await post('account.list', {}),
      await post('account.list', {}, {}),
      await fetch(`${base}/no/such/page`),
      await fetch(`${base}/api/account.list`, { method: 'OPTIONS', headers: { origin: base } }),
      await fetch(`${base}/?token=${token}`, { redirect: 'manual' }),
    ];
    for (const res of responses) expectSecured(res);
    const page = responses[0]!;
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('not built');
  });

  it('refuses requests from other origins and other host names, token or not', async () => {
    for (const origin of [
      'http://evil.test',
      'null',
      `http://${host}.evil.test`,
      'http://127.0.0.1:1',
    ]) {
      const res = await post('account.list', {}, { ...bearer(), origin });
      expect(res.status, origin).toBe(403);
      expectSecured(res);
      expect(await res.json()).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.any(String) },
      });
    }
    const preflight = await fetch(`${base}/api/account.list`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expectSecured(preflight);
    // Its own origin passes.
    expect((await post('account.list', {}, { ...bearer(), origin: base })).status).toBe(200);
    // A name that points at 127.0.0.1 (DNS rebinding) is not this server's name.
    const rebound = await new Promise<number>((resolve, reject) => {
      http
        .get(`${base}/health`, { headers: { host: 'evil.test' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('trades the sign-in link for an HttpOnly, SameSite=Strict cookie', async () => {
    const bad = await fetch(`${base}/?token=${randomBytes(32).toString('base64url')}`, {
      redirect: 'manual',
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const res = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const [setCookie, ...more] = res.headers.getSetCookie();
    expect(more).toEqual([]);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    const cookie = setCookie!.split(';')[0]!;
    const call = await post('account.list', {}, { cookie });
    expect(call.status).toBe(200);
    expect(await call.json()).toMatchObject({ ok: true, value: expect.any(Array) });

    const file = path.join(t.dataDir, TOKEN_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(await loadOrCreateToken(t.dataDir)).toBe(token);
  });

  it('refuses WebSocket upgrades without the token or from another origin', async () => {
    const url = `ws://${host}/events`;
    const wrong = `Bearer ${randomBytes(32).toString('base64url')}`;
    for (const headers of [{} as Record<string, string>, { authorization: wrong }]) {
      const err = await refusedBy(connect(url, { headers }));
      expect(err.status).toBe(401);
      expect(JSON.parse(err.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    const cross = await refusedBy(connect(url, { headers: bearer(), origin: 'http://evil.test' }));
    expect(cross.status).toBe(403);
  });

  it('pushes the core’s events on the WebSocket, to cookie and bearer clients alike', async () => {
    const id = await accountId();
    const cookie = `maildock-session-${host.split(':')[1]}=${token}`;
    const url = `ws://${host}/events`;
    const clients = [
      await connect(url, { headers: bearer() }),
      await connect(url, { headers: { cookie }, origin: base }),
    ];
    const received = clients.map((ws) => {
      const got: { event: string; payload: unknown }[] = [];
      ws.on('message', (data: Buffer) => got.push(JSON.parse(data.toString())));
      return got;
    });
    const res = await post('sync.run', { accountId: id });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, value: { messages: 3 } });
    for (const got of received) {
      const progress = await waitFor(
        () => got.find((m) => m.event === 'sync.progress'),
        'a sync.progress event',
      );
      expect(events['sync.progress'].parse(progress.payload)).toMatchObject({ accountId: id });
      for (const m of got) expect(Object.keys(events)).toContain(m.event);
    }
    for (const ws of clients) ws.close();
  });

  it('refuses attachments named by a file path: the server reads no file for a caller', async () => {
    const id = await accountId();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-secret-'));
    const file = path.join(dir, 'id_rsa');
    await writeFile(file, 'PRIVATE KEY');
    try {
      const message = { accountId: id, to: ['bob@example.test'], subject: 'Hi', text: 'Hello' };
      const byPath = await post('outbox.send', { ...message, attachments: [{ path: file }] });
      expect(byPath.status).toBe(400);
      const body = (await byPath.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(body.error.message).toMatch(/not as file paths/);
      // The same message with the content itself (2 MiB: more than a default body limit)
      // gets past that check, to the account's missing SMTP server.
      const content = randomBytes(2 * 1024 * 1024).toString('base64');
      const byContent = await post('outbox.send', {
        ...message,
        attachments: [{ content, filename: 'data.bin' }],
      });
      expect(((await byContent.json()) as { error: { code: string } }).error.code).toBe('NO_SMTP');
      expect(byContent.status).toBe(422);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the built renderer as static files, with the same headers', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-renderer-'));
    await writeFile(
      path.join(dir, 'index.html'),
      '<!doctype html><html><head><title>Maildock UI</title></head><body></body></html>',
    );
    await writeFile(path.join(dir, 'app.js'), 'console.log("ui")');
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'assets', 'index-BwDfS1Eb.js'), 'console.log("hashed")');
    const ui = await buildServer(t.svc, { token, loopbackOnly: true, staticDir: dir });
    await ui.listen({ host: '127.0.0.1', port: 0 });
    const uiBase = `http://127.0.0.1:${(ui.server.address() as AddressInfo).port}`;
    try {
      const index = await fetch(`${uiBase}/`);
      // The page says how this server signs in, so that its first requests need not ask.
      expect(await index.text()).toContain(
        '<head>\n<meta name="maildock-signin" content="link" /><title>Maildock UI</title>',
      );
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expectSecured(index);
      const js = await fetch(`${uiBase}/app.js`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expectSecured(js);
      // Named by its hash: kept by the browser, never asked for again; other files are not.
      expect(js.headers.get('cache-control')).not.toMatch(/immutable/);
      const hashed = await fetch(`${uiBase}/assets/index-BwDfS1Eb.js`);
      expect(await hashed.text()).toBe('console.log("hashed")');
      expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expectSecured(hashed);
      const outside = await fetch(`${uiBase}/..%2f..%2fpackage.json`);
      expect(outside.status).toBe(404);
      expect((await fetch(`${uiBase}/?token=${token}`, { redirect: 'manual' })).status).toBe(303);
      expect((await post('account.list', {}, {})).status).toBe(401);
    } finally {
      await ui.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('health of a core that no longer answers', () => {
  it('answers 503 "unhealthy" once the store is closed', async () => {
    const t = await openService(SERVER_SERVICE_OPTIONS);
    const app = await buildServer(t.svc, { token: 'x'.repeat(43), loopbackOnly: true });
    try {
      const before = await app.inject({ url: '/health', headers: { host: '127.0.0.1' } });
      expect(before.statusCode).toBe(200);
      await t.svc.close();
      const after = await app.inject({ url: '/health', headers: { host: '127.0.0.1' } });
      expect(after.statusCode).toBe(503);
      expect(after.json()).toMatchObject({ status: 'unhealthy', service: 'maildock' });
    } finally {
      await app.close();
      await rm(t.dataDir, { recursive: true, force: true });
    }
  });
});

describe('the maildock serve command', () => {
  let dovecot: DovecotServer;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-serve-'));
    env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64'),
      MAILDOCK_LOG_LEVEL: 'debug',
    };
  });
  // A test that fails halfway must not leave its server running.
  const started: ReturnType<typeof startCli>[] = [];
  afterEach(async () => {
    for (const run of started.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.done;
    }
  });
  afterAll(async () => {
    await dovecot?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts `maildock serve` and resolves once it printed its sign-in link. */
  async function serve(args: string[] = [], serveArgs: string[] = []) {
    const run = startCli([...args, 'serve', '--port', '0', ...serveArgs], env);
    started.push(run);
    let stdout = '';
    run.child.stdout!.on('data', (d) => (stdout += d));
    let exited = false;
    void run.done.then(() => (exited = true));
    const link = await waitFor(() => {
      if (exited) throw new Error('maildock serve exited early');
      return /(http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([A-Za-z0-9_-]{43})/.exec(stdout) ?? undefined;
    }, 'the sign-in link');
    return { ...run, stdout: () => stdout, base: link[1]!, port: Number(link[2]), token: link[3]! };
  }

  it('refuses a non-loopback address without --allow-remote, with exit status 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-serve-'));
    try {
      for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.test']) {
        const run = startCli(['serve', '--host', host, '--port', '0'], {
          ...env,
          MAILDOCK_DATA_DIR: dir,
        });
        const r = await run.done;
        expect(r.code, host).toBe(2);
        expect(r.stderr).toContain(`${host} is not a loopback address`);
        expect(r.stderr).toContain('--allow-remote');
        expect(r.stdout).not.toContain('token');
      }
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the sign-in link, serves with file attachments off, finishes requests on SIGTERM, exits 0', async () => {
    const s = await serve();
    expect(s.stdout()).toContain(`Maildock is serving on ${s.base}`);
    const file = path.join(dataDir, TOKEN_FILE);
    expect((await readFile(file, 'utf8')).trim()).toBe(s.token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const auth = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const call = (method: string, body: unknown) =>
      fetch(`${s.base}api/${method}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
    const signIn = await fetch(`${s.base}?token=${s.token}`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect((await call('account.list', {})).status).toBe(200);
    const added = await call('account.add', accountInput(dovecot));
    expect(added.status).toBe(200);
    const { id } = ((await added.json()) as { value: { id: number } }).value;
    const byPath = await call('outbox.send', {
      accountId: id,
      to: ['bob@example.test'],
      attachments: [{ path: path.join(dataDir, TOKEN_FILE) }],
    });
    expect(byPath.status).toBe(400);
    expect(await byPath.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    // A request in progress when SIGTERM comes: account.test against a server that
    // accepts and says nothing for a second and a half.
    let connected = false;
    const silent = net.createServer((sock) => {
      connected = true;
      setTimeout(() => sock.destroy(), 1500);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const ws = await connect(`ws://127.0.0.1:${s.port}/events`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    try {
      const slow = call('account.test', {
        email: 'me@example.test',
        imap: {
          host: '127.0.0.1',
          port: (silent.address() as AddressInfo).port,
          security: 'none',
          user: 'me',
        },
        password: 'pw',
      });
      await waitFor(() => connected, 'the core to connect');
      const signalled = Date.now();
      s.child.kill('SIGTERM');
      // The request in progress gets its whole answer (the server's failure, as data).
      const res = await slow;
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject(errorShape);
      expect(await closed).toBe(1001);
      const done = await s.done;
      expect(done.signal).toBeNull();
      expect(done.code, done.stderr).toBe(0);
      // Kept-alive connections do not hold the exit back (the cut-off is 30 s).
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(await portIsFree(s.port)).toBe(true);
    } finally {
      silent.close();
    }

    // One line per request at debug, and never the token.
    const logs = await readdir(path.join(dataDir, 'logs'));
    const text = (
      await Promise.all(logs.map((f) => readFile(path.join(dataDir, 'logs', f), 'utf8')))
    ).join('');
    expect(text).toContain('"path":"/api/outbox.send"');
    expect(text).toContain('"path":"/","status":303');
    expect(text).not.toContain(s.token);
  });

  it('with --sync and --monitor-stack pushes new mail and the stack’s health to clients', async () => {
    const s = await serve([], ['--sync', '--monitor-stack']);
    const auth = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const list = (await (
      await fetch(`${s.base}api/account.list`, { method: 'POST', headers: auth, body: '{}' })
    ).json()) as { value: unknown[] };
    // The account the earlier test added over HTTP is the one kept in sync here.
    expect(list.value).toHaveLength(1);
    const ws = await connect(`${s.base.replace('http', 'ws')}events`, { headers: auth });
    const seen: { event: string; payload: Record<string, unknown> }[] = [];
    ws.on('message', (d) => seen.push(JSON.parse(String(d))));
    try {
      // The stack monitor's rounds come whether or not a stack was ever started.
      const health = await waitFor(
        () => seen.find((e) => e.event === 'stack.health'),
        'a stack.health round',
      );
      expect(['healthy', 'degraded', 'down', 'stopped']).toContain(health.payload.overall);
      // A message that arrives on the server reaches the client without anyone asking.
      await dovecot.append('INBOX', makeMail({ subject: 'Pushed while serving' }));
      const arrived = await waitFor(
        () => seen.find((e) => e.event === 'mail.new'),
        'mail.new',
        30_000,
      );
      expect(arrived.payload.count).toBeGreaterThanOrEqual(1);
    } finally {
      ws.close();
      s.child.kill('SIGTERM');
    }
    expect((await s.done).code).toBe(0);
  });

  it('keeps its token across restarts, and stops on SIGINT too', async () => {
    const first = await serve();
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(0);
    const second = await serve(['--json']);
    expect(second.token).toBe(first.token);
    expect(JSON.parse(second.stdout())).toEqual({
      url: second.base,
      signInUrl: `${second.base}?token=${second.token}`,
    });
    second.child.kill('SIGTERM');
    expect((await second.done).code).toBe(0);
    expect((await stat(path.join(dataDir, TOKEN_FILE))).mode & 0o777).toBe(0o600);
  });
});
