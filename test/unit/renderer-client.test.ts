// The renderer's client: it takes the preload's bridge when there is one and HTTP
// otherwise, sends what the contract expects, and lets through only answers and events
// that match the contract's schemas; errors arrive as the contract's error data, intact.
import { describe, expect, it } from 'vitest';
import { ClientError, createClient } from '../../renderer/src/client/client.js';
import type { SocketLike } from '../../renderer/src/client/event-socket.js';
import {
  httpTransport,
  pickTransport,
  type MaildockBridge,
  type Transport,
} from '../../renderer/src/client/transport.js';

const account = {
  id: 1,
  email: 'ann@example.test',
  name: null,
  imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'ann' },
  smtp: null,
  identities: [{ email: 'ann@example.test', name: null, signature: null, primary: true }],
  createdAt: '2024-01-01T00:00:00.000Z',
};

function fakeTransport(answer: (method: string, input: unknown) => unknown) {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, (p: unknown) => void>();
  const t: Transport = {
    kind: 'ipc',
    async invoke(method, input) {
      calls.push([method, input]);
      return answer(method, input);
    },
    on(event, fn) {
      listeners.set(event, fn);
      return () => listeners.delete(event);
    },
  };
  return { t, calls, emit: (e: string, p: unknown) => listeners.get(e)?.(p) };
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClientError) return err.data;
    throw err;
  }
  throw new Error('the call succeeded');
};

describe('the transport', () => {
  const socket = (): SocketLike => ({ onopen: null, onmessage: null, onclose: null, close() {} });
  const http = { location: { protocol: 'http:', host: '127.0.0.1:8600' }, socket };

  it("is the preload's bridge when the page has one", async () => {
    const seen: unknown[] = [];
    const bridge: MaildockBridge = {
      invoke: async (m, i) => (seen.push([m, i]), { ok: true, value: [] }),
      on: () => () => undefined,
    };
    const t = pickTransport({ maildock: bridge }, http);
    expect(t.kind).toBe('ipc');
    expect(await createClient(t).call('account.list', {})).toEqual([]);
    expect(seen).toEqual([['account.list', {}]]);
  });

  it('is HTTP otherwise, or when the bridge is not what it should be', () => {
    expect(pickTransport({}, http).kind).toBe('http');
    const broken = { invoke: 'no' } as unknown as MaildockBridge;
    expect(pickTransport({ maildock: broken }, http).kind).toBe('http');
  });

  it('posts JSON to /api/<method> with the session cookie, same origin only', async () => {
    const requests: [string, RequestInit][] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      requests.push([String(url), init!]);
      return new Response(JSON.stringify({ ok: true, value: [account] }), { status: 200 });
    };
    const client = createClient(
      httpTransport({ ...http, fetch: fetch as typeof globalThis.fetch }),
    );
    expect(await client.call('account.list', {})).toEqual([account]);
    const [url, init] = requests[0]!;
    expect(url).toBe('/api/account.list');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(init.body).toBe('{}');
  });

  it('turns a network failure and a body that is not JSON into error data', async () => {
    const down = httpTransport({
      ...http,
      fetch: (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch,
    });
    expect(await failure(createClient(down).call('account.list', {}))).toMatchObject({
      code: 'CONNECTION_LOST',
    });
    const html = httpTransport({
      ...http,
      fetch: (async () => new Response('<h1>Bad gateway</h1>', { status: 502 })) as typeof fetch,
    });
    expect(await failure(createClient(html).call('account.list', {}))).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('502'),
    });
  });

  it('reads events from the WebSocket on /events of the same host, and reconnects', async () => {
    const opened: { url: string; s: SocketLike }[] = [];
    const t = httpTransport({
      location: { protocol: 'https:', host: 'mail.example.test' },
      socket: (url) => {
        const s = socket();
        opened.push({ url, s });
        return s;
      },
    });
    const got: unknown[] = [];
    const off = t.on('mail.new', (p) => got.push(p));
    expect(opened.map((o) => o.url)).toEqual(['wss://mail.example.test/events']);
    const s = opened[0]!.s;
    s.onmessage!({ data: JSON.stringify({ event: 'mail.new', payload: { n: 1 } }) });
    s.onmessage!({ data: JSON.stringify({ event: 'sync.progress', payload: {} }) });
    s.onmessage!({ data: 'not json' });
    expect(got).toEqual([{ n: 1 }]);
    s.onclose!({});
    await new Promise((r) => setTimeout(r, 1100));
    expect(opened).toHaveLength(2);
    off();
  });
});

describe('the client', () => {
  it('returns values that match the output schema', async () => {
    const { t } = fakeTransport(() => ({ ok: true, value: [account] }));
    expect(await createClient(t).call('account.list', {})).toEqual([account]);
  });

  it('refuses an answer that does not match the contract', async () => {
    const { t } = fakeTransport(() => ({ ok: true, value: [{ ...account, id: 'one' }] }));
    expect(await failure(createClient(t).call('account.list', {}))).toMatchObject({
      code: 'PROTOCOL_ERROR',
      fields: { method: 'account.list' },
    });
    const { t: t2 } = fakeTransport(() => ({ value: 'no envelope' }));
    expect(await failure(createClient(t2).call('account.list', {}))).toMatchObject({
      code: 'PROTOCOL_ERROR',
    });
  });

  it('hands over error data with its code and fields intact', async () => {
    const error = {
      code: 'SEARCH_SYNTAX',
      message: 'A lone "-" at position 4',
      fields: { position: 4, near: '-' },
    };
    const { t } = fakeTransport(() => ({ ok: false, error }));
    expect(await failure(createClient(t).call('message.search', { query: 'abc -' }))).toEqual(
      error,
    );
  });

  it('checks the input before sending, and sends it with defaults applied', async () => {
    const { t, calls } = fakeTransport(() => ({
      ok: true,
      value: { hits: [], nextBefore: null, total: null, more: false },
    }));
    const client = createClient(t);
    expect(
      await failure(client.call('message.get', { id: -1 } as unknown as { id: number })),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    expect(calls).toEqual([]);
    await client.call('message.search', { query: 'from:alice' });
    expect(calls).toEqual([['message.search', { query: 'from:alice', limit: 50, count: true }]]);
  });

  it('passes on events that match their schema and drops the rest', () => {
    const { t, emit } = fakeTransport(() => null);
    const got: unknown[] = [];
    createClient(t).on('mail.new', (p) => got.push(p));
    emit('mail.new', { accountId: 1, mailboxId: 2, count: 3 });
    emit('mail.new', { accountId: 'x' });
    expect(got).toEqual([{ accountId: 1, mailboxId: 2, count: 3 }]);
  });
});
