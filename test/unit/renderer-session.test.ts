// Signing in from the browser to the server of many people, against a real HTTP server on
// 127.0.0.1 that speaks the sign-in contract (test/support/password-server.ts): which
// sign-in the server wants, the access token kept in memory and renewed shortly before it
// expires (by the server's clock), one retry after a 401, one renewal for calls refused
// together (a refresh cookie spent twice would end the session), the session's end taking
// the page back to signing in, signing out, and the events socket carrying the token.
import { JSDOM } from 'jsdom';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { declaredSignIn } from '../../renderer/src/client/auth-api.js';
import { ClientError, createClient } from '../../renderer/src/client/client.js';
import type { SocketLike } from '../../renderer/src/client/event-socket.js';
import { PasswordSession, type SessionState } from '../../renderer/src/client/session.js';
import { httpTransport, type OpenSocket } from '../../renderer/src/client/transport.js';
import { signInErrorText } from '../../renderer/src/signin/signin-words.js';
import {
  browserFetch,
  PasswordServer,
  type PasswordServerOptions,
} from '../support/password-server.js';

const ann = {
  email: 'ann@example.test',
  password: 'correct horse',
  tenant: 'acme',
  role: 'user',
} as const;
const bob = {
  email: 'bob@example.test',
  password: 'battery staple',
  tenant: 'acme',
  role: 'admin',
} as const;

const servers: PasswordServer[] = [];
const sessions: PasswordSession[] = [];
afterEach(async () => {
  // Signed out first, so that no renewal timer outlives its test.
  for (const s of sessions.splice(0)) await s.signOut().catch(() => undefined);
  for (const s of servers.splice(0)) await s.close();
});

const until = async (what: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function setUp(opts: Partial<PasswordServerOptions> = {}, sessionOpts = {}) {
  const server = await new PasswordServer({ people: [ann, bob], ...opts }).listen();
  servers.push(server);
  const browser = browserFetch(server.url);
  const open = (jar = browser) => {
    const session = new PasswordSession({
      fetch: jar.fetch,
      locks: null,
      channel: null,
      minRenewDelayMs: 100,
      ...sessionOpts,
    });
    sessions.push(session);
    const opened: string[][] = [];
    const sockets: WebSocket[] = [];
    const socket: OpenSocket = (url, protocols) => {
      opened.push(protocols ?? []);
      const ws = new WebSocket(url, protocols);
      ws.on('error', () => undefined); // a refused upgrade closes it; the test reads that
      sockets.push(ws);
      return ws as unknown as SocketLike;
    };
    const transport = httpTransport({
      fetch: jar.fetch,
      bearer: session,
      socket,
      location: { protocol: 'http:', host: new URL(server.url).host },
    });
    const states: SessionState[] = [];
    session.subscribe((s) => states.push(s));
    return { session, transport, client: createClient(transport), opened, sockets, states };
  };
  return { server, browser, open };
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClientError) return err.data;
    throw err;
  }
  throw new Error('the call succeeded');
};

describe('which sign-in the server wants', () => {
  it('is a password on the server of many people, the link and cookie on the one-person server', async () => {
    const many = await setUp();
    expect(await many.open().session.mode()).toMatchObject({ ok: true, value: 'password' });
    const one = await setUp({ onePerson: true });
    expect(await one.open().session.mode()).toMatchObject({ ok: true, value: 'token' });
  });

  it('is what the page says where the server wrote it there, without asking', async () => {
    const page = (head: string) =>
      new JSDOM(`<!doctype html><html><head>${head}</head><body></body></html>`).window.document;
    const said = (content: string) => page(`<meta name="maildock-signin" content="${content}">`);
    expect(declaredSignIn(said('link'))).toBe('token');
    expect(declaredSignIn(said('password'))).toBe('password');
    expect(declaredSignIn(said('anything else'))).toBeNull();
    expect(declaredSignIn(page('<title>Vite</title>'))).toBeNull();

    // The one-person server is told to be the server of many people: the page is believed.
    const { server, open } = await setUp({ onePerson: true }, { declared: 'password' });
    expect(await open().session.mode()).toMatchObject({ ok: true, value: 'password' });
    expect(server.seen.map((s) => s.path)).not.toContain('/api/auth.mode');
  });

  it('is an error to show, not a guess, when the server cannot be reached', async () => {
    const { server, open } = await setUp();
    const { session } = open();
    await server.close();
    servers.length = 0;
    const answer = await session.mode();
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('CONNECTION_LOST');
  });
});

describe('signing in', () => {
  it('says what the server said when it refuses, and stays signed out', async () => {
    const { open, server } = await setUp();
    const { session } = open();
    const refused = await session.signIn(ann.email, 'wrong');
    expect(refused?.code).toBe('AUTH_FAILED');
    expect(signInErrorText(refused!)).toBe('The email address or the password is not right.');
    expect(session.state.status).toBe('signed-out');
    expect(session.token()).toBeNull();
    expect(server.liveSessions).toBe(0);
  });

  it('says how many seconds to wait when there were too many tries', async () => {
    const { open } = await setUp({ loginAttempts: 1 });
    const { session } = open();
    await session.signIn(ann.email, 'wrong');
    const limited = await session.signIn(ann.email, ann.password);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', fields: { retryAfter: 42 } });
    expect(signInErrorText(limited!)).toBe(
      'Too many sign-in attempts. Wait 42 seconds, then try again.',
    );
    expect(session.state.status).toBe('signed-out');
  });

  it('calls with the access token, and a reload signs in again from the refresh cookie', async () => {
    const { open, server, browser } = await setUp();
    const first = open();
    expect(await first.session.signIn(ann.email, ann.password)).toBeNull();
    expect(first.session.state).toEqual({
      status: 'signed-in',
      user: { email: ann.email, tenant: 'acme', role: 'user' },
    });
    expect(await first.client.call('account.list', {})).toEqual([]);
    expect(server.calls('/api/account.list')[0]).toMatchObject({
      status: 200,
      bearer: first.session.token(),
    });
    // The page's script never holds the refresh token; the browser sends it to auth.refresh.
    expect(browser.cookies.has('maildock-refresh')).toBe(true);

    const reloaded = open();
    expect(reloaded.session.token()).toBeNull();
    expect(await reloaded.session.start()).toBeNull();
    expect(reloaded.session.state).toMatchObject({
      status: 'signed-in',
      user: { email: ann.email },
    });
    expect(await reloaded.client.call('account.list', {})).toEqual([]);
  });

  it('takes expiresAt as an ISO time too', async () => {
    const { open, server } = await setUp({ expiresAs: 'iso', accessTtlMs: 2000 });
    const { session } = open();
    expect(await session.signIn(ann.email, ann.password)).toBeNull();
    await until(() => server.calls('/api/auth.refresh').length > 0);
    expect(session.state.status).toBe('signed-in');
  });
});

describe('keeping the access token fresh', () => {
  it('renews shortly before it expires, not at once and not too late', async () => {
    const ttl = 3000;
    const { open, server } = await setUp({ accessTtlMs: ttl });
    const { session, client } = open();
    const signedInAt = Date.now();
    await session.signIn(ann.email, ann.password);
    await until(() => server.calls('/api/auth.refresh').length > 0);
    const renewedAt = server.calls('/api/auth.refresh')[0]!.at;
    // Half the lifetime before expiry when the lifetime is short (60 s before it otherwise).
    expect(renewedAt - signedInAt).toBeGreaterThanOrEqual(ttl / 2 - 1000);
    expect(renewedAt - signedInAt).toBeLessThan(ttl);
    expect(await client.call('account.list', {})).toEqual([]);
    expect(server.seen.filter((s) => s.status === 401)).toEqual([]);
  });

  it("goes by the server's clock, so a browser whose clock is off still renews in time", async () => {
    // The server an hour ahead: its expiresAt lies an hour after this machine's "now".
    const { open, server } = await setUp({ accessTtlMs: 4000, clockAheadMs: 3_600_000 });
    const { session } = open();
    const signedInAt = Date.now();
    await session.signIn(ann.email, ann.password);
    await until(() => server.calls('/api/auth.refresh').length > 0);
    const renewedAt = server.calls('/api/auth.refresh')[0]!.at;
    // The Date header has whole seconds: the lifetime read from it may be up to 1 s longer.
    expect(renewedAt - signedInAt).toBeLessThan(4000);
    expect(renewedAt - signedInAt).toBeGreaterThanOrEqual(1000);
  });

  it('renews after a 401 and tries the call once more', async () => {
    const { open, server } = await setUp();
    const { session, client } = open();
    await session.signIn(ann.email, ann.password);
    const before = session.token();
    server.expireAccessTokens();
    expect(await client.call('account.list', {})).toEqual([]);
    expect(server.seen.map((s) => `${s.path} ${s.status}`)).toEqual([
      '/api/auth.login 200',
      '/api/account.list 401',
      '/api/auth.refresh 200',
      '/api/account.list 200',
    ]);
    expect(session.token()).not.toBe(before);
  });

  it('tries only once: a second 401 is the answer', async () => {
    const { open, server } = await setUp();
    const { session, client } = open();
    await session.signIn(ann.email, ann.password);
    server.refuseAllCalls = true;
    expect((await errorOf(client.call('account.list', {}))).code).toBe('UNAUTHORIZED');
    expect(server.calls('/api/account.list').map((s) => s.status)).toEqual([401, 401]);
    expect(server.calls('/api/auth.refresh')).toHaveLength(1);
    // The renewal worked: the person is still signed in.
    expect(session.state.status).toBe('signed-in');
  });

  it('renews once for calls refused together, so the rotating cookie is not spent twice', async () => {
    const { open, server } = await setUp();
    const { session, client } = open();
    await session.signIn(ann.email, ann.password);
    server.expireAccessTokens();
    const answers = await Promise.all([
      client.call('account.list', {}),
      client.call('account.list', {}),
      client.call('account.list', {}),
    ]);
    expect(answers).toEqual([[], [], []]);
    expect(server.calls('/api/auth.refresh')).toHaveLength(1);
    expect(server.liveSessions).toBe(1);
    expect(session.state.status).toBe('signed-in');
  });
});

describe('the end of a session', () => {
  it('is signed out, with the session said to have ended, when renewing is refused', async () => {
    const { open, server } = await setUp();
    const { session, client, states } = open();
    await session.signIn(ann.email, ann.password);
    server.revokeSessions();
    server.expireAccessTokens();
    expect((await errorOf(client.call('account.list', {}))).code).toBe('UNAUTHORIZED');
    expect(session.state).toEqual({ status: 'signed-out', ended: true, email: ann.email });
    expect(session.token()).toBeNull();
    expect(states.map((s) => s.status)).toEqual(['signed-in', 'signed-out']);
    // A call after the end asks the server nothing more about renewing.
    await errorOf(client.call('account.list', {}));
    expect(server.calls('/api/auth.refresh')).toHaveLength(1);
  });

  it('lets no renewal answered after a sign-out sign anyone back in', async () => {
    const { open, server } = await setUp();
    const { session } = open();
    await session.signIn(ann.email, ann.password);
    server.refreshDelayMs = 500;
    const renewal = session.renew(session.token());
    await session.signOut();
    await session.signIn(bob.email, bob.password);
    expect(await renewal).toBe('ended');
    expect(session.state).toMatchObject({ status: 'signed-in', user: { email: bob.email } });
  });

  it('signs out: the server revokes, the cookie goes, and a reload is signed out', async () => {
    const { open, server, browser } = await setUp();
    const { session } = open();
    await session.signIn(ann.email, ann.password);
    const token = session.token();
    await session.signOut();
    expect(session.state).toEqual({ status: 'signed-out', ended: false, email: ann.email });
    expect(server.calls('/api/auth.logout')[0]).toMatchObject({ status: 200, bearer: token });
    expect(server.liveSessions).toBe(0);
    expect(browser.cookies.has('maildock-refresh')).toBe(false);
    const reloaded = open();
    expect(await reloaded.session.start()).toBeNull();
    expect(reloaded.session.state.status).toBe('signed-out');
  });
});

describe('the events socket', () => {
  it('carries the access token in its protocols, and closes when the person signs out', async () => {
    const { open, server } = await setUp();
    const { session, transport, opened } = open();
    await session.signIn(ann.email, ann.password);
    const hello: unknown[] = [];
    const off = transport.on('hello', (payload) => hello.push(payload));
    await until(() => hello.length === 1);
    expect(hello).toEqual([{ email: ann.email }]);
    expect(opened).toEqual([['maildock', `bearer.${session.token()}`]]);
    expect(server.sockets).toHaveLength(1);

    await session.signOut();
    await until(() => server.sockets[0]!.closed);
    // Another person signs in on the same page: a socket of theirs, not the one before.
    await session.signIn(bob.email, bob.password);
    await until(() => hello.length === 2);
    expect(hello[1]).toEqual({ email: bob.email });
    expect(server.sockets.map((s) => s.email)).toEqual([ann.email, bob.email]);
    off();
  });

  it('opens without a token on the one-person server', async () => {
    const { open } = await setUp({ onePerson: true });
    const { transport, opened } = open();
    const off = transport.on('hello', () => undefined);
    expect(opened).toEqual([[]]);
    off();
  });
});
