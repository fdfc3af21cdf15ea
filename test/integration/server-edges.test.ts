// What the server answers when a request never reaches a route: a URL that does not decode,
// a parameter over the router's limit, a request Node cannot parse, a body over a route's
// limit, and an error inside the core, in an answer or an event. Real HTTP and WebSocket on a
// loopback port, raw bytes on a socket where a client library would fix the request first.
import net, { type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ERROR_TEXT } from '../../common/errors.js';
import type { CoreEvents } from '../../main/core/methods/events.js';
import { loadOrCreateToken } from '../../main/server/auth.js';
import { SECURITY_HEADERS } from '../../main/server/guard.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { INSIDE, syncStateWithInternal } from '../support/internal-error.js';
import { openService, type TestService } from '../support/service.js';

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function parse(text: string): RawAnswer {
  const [head = '', body = ''] = text.split(/\r\n\r\n/, 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf(':');
    headers.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('the server’s answers before any route', () => {
  let t: TestService;
  let app: FastifyInstance;
  let token: string;
  let port: number;

  /** Sends the bytes as they are and reads the answer until the server closes. */
  const send = (request: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('close', () => resolve(parse(text)));
      socket.on('error', reject);
      socket.write(request);
    });
  const request = (line: string, headers: Record<string, string> = {}, body = '') => {
    const all: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      connection: 'close',
      ...headers,
    };
    if (body) all['content-length'] ??= String(Buffer.byteLength(body));
    const head = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
    return send(`${line} HTTP/1.1\r\n${head.join('')}\r\n${body}`);
  };

  function expectAppAnswer(answer: RawAnswer, status: number, code: string, what: string): void {
    expect(answer.status, what).toBe(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(answer.headers.get(name), `${what}: ${name}`).toBe(value);
    expect(JSON.parse(answer.body), what).toEqual({
      ok: false,
      error: { code, message: expect.any(String) },
    });
  }

  beforeAll(async () => {
    t = await openService(SERVER_SERVICE_OPTIONS);
    token = await loadOrCreateToken(t.dataDir);
    app = await buildServer(t.svc, { token, loopbackOnly: true });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('answers a URL that does not decode and an overlong parameter like any other refusal, echoing nothing', async () => {
    const marker = 'zz<script>alert(1)</script>';
    const long = `${marker}${'a'.repeat(300)}`;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const cases: [string, Promise<RawAnswer>, number, string][] = [
      ['bad URL', request(`GET /%${marker}`), 400, 'INVALID_INPUT'],
      ['bad URL to the API', request(`POST /api/%${marker}`, auth, '{}'), 400, 'INVALID_INPUT'],
      ['overlong method', request(`POST /api/${long}`, auth, '{}'), 404, 'NOT_FOUND'],
      ['unknown method', request(`POST /api/${marker.slice(2)}`, auth, '{}'), 404, 'NOT_FOUND'],
    ];
    for (const [what, pending, status, code] of cases) {
      const answer = await pending;
      expectAppAnswer(answer, status, code, what);
      expect(answer.body, what).not.toContain('script');
      expect(answer.body, what).not.toContain('aaaa');
    }
  });

  it('checks the Host before it says anything about the URL', async () => {
    for (const line of ['GET /%zz', `GET /api/${'a'.repeat(300)}`]) {
      const answer = await request(line, { host: 'evil.test' });
      expectAppAnswer(answer, 403, 'FORBIDDEN', line);
    }
  });

  it('answers a request Node cannot parse in the same envelope and headers', async () => {
    const broken = await send(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nno colon here\r\n\r\n`);
    expectAppAnswer(broken, 400, 'INVALID_INPUT', 'broken header');
    const huge = await request('GET /', { 'x-filler': 'a'.repeat(20_000) });
    expectAppAnswer(huge, 431, 'INVALID_INPUT', 'headers too large');
    expect(huge.body).not.toContain('aaaa');
  });

  it('refuses bad JSON and a wrong content type without repeating the parser’s text', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const badJson = await request(
      'POST /api/account.list',
      { ...auth, 'content-type': 'application/json' },
      '{"secret-looking": ',
    );
    expectAppAnswer(badJson, 400, 'INVALID_INPUT', 'bad JSON');
    expect(badJson.body).not.toContain('secret-looking');
    const xml = await request(
      'POST /api/account.list',
      { ...auth, 'content-type': 'application/xml' },
      '<a/>',
    );
    expectAppAnswer(xml, 400, 'INVALID_INPUT', 'XML');
    expect(xml.body).not.toContain('xml');
  });

  it('names the refusing route’s real limit when a body is too large', async () => {
    const outside = await request(
      'POST /nothing-here',
      { 'content-type': 'application/json', 'content-length': String(70 * 1024) },
      '{',
    );
    expectAppAnswer(outside, 413, 'TOO_LARGE', 'outside the API');
    expect(JSON.parse(outside.body).error.message).toContain('64 KiB');
    expect(outside.body).not.toContain('MiB');

    const api = await request(
      'POST /api/outbox.send',
      {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(101 * 1024 * 1024),
      },
      '{',
    );
    expectAppAnswer(api, 413, 'TOO_LARGE', 'the API');
    expect(JSON.parse(api.body).error.message).toContain('100 MiB');
  });

  it('gives the client a sentence for an error inside the core, and keeps the detail in the log', async () => {
    const own = await openService(SERVER_SERVICE_OPTIONS);
    const server = await buildServer(own.svc, { token, loopbackOnly: true });
    try {
      await own.svc.close(); // every call now fails inside, on a closed database
      const direct = await own.svc.invoke('account.list', {});
      expect(direct).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(direct.ok || direct.error.message).not.toBe(ERROR_TEXT.INTERNAL);
      const res = await server.inject({
        method: 'POST',
        url: '/api/account.list',
        headers: { host: '127.0.0.1', authorization: `Bearer ${token}` },
        payload: {},
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL },
      });
    } finally {
      await server.close();
      await own.close().catch(() => undefined);
    }
  });

  it('sends a browser an error inside the core as the sentence in events too', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const got: { event: string; payload: unknown }[] = [];
    const two = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        got.push(JSON.parse(data.toString()));
        if (got.length === 2) resolve();
      }),
    );
    // The service's own event bus, as its sync uses it.
    const bus = (t.svc as unknown as { events: CoreEvents }).events;
    bus.emit('sync.state', syncStateWithInternal());
    bus.emit('sync.error', { accountId: 1, error: { code: 'INTERNAL', message: INSIDE } });
    await two;
    ws.close();
    expect(JSON.stringify(got)).not.toContain('/srv');
    expect(got[0]).toMatchObject({
      event: 'sync.state',
      payload: { errors: [{ code: 'INTERNAL', message: ERROR_TEXT.INTERNAL }, {}] },
    });
    expect(got[1]).toEqual({
      event: 'sync.error',
      payload: { accountId: 1, error: { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL } },
    });
  });
});
