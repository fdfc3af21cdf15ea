// OAuth2 sign-in end to end with real parts only: oidc-provider as the authorization server on
// loopback, a private Dovecot that checks each token through the provider's introspection
// endpoint (and its audience), and a private Postfix whose submission asks that Dovecot. The
// test is the person's browser: it follows the sign-in the core starts, to the core's own
// loopback listener, or pastes where the browser ended up.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../common/api.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import {
  APP_CLIENT,
  MAIL_AUDIENCE,
  OTHER_CLIENT,
  startAuthServer,
  type AuthServer,
} from '../support/oauth2-provider.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
/**
 * Seconds an access token lives: short, so refreshing is seen within a test, yet longer than
 * Dovecot's penalty (up to 15 s) that delays logins from an address after a refused one.
 */
const TTL = 16;
/** IMAP timeouts: above Dovecot's auth penalty. */
const TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let auth: AuthServer;
let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;

const scopes = ['offline_access', 'mail'];
const email = () => `${dovecot.user}@${DOMAIN}`;

beforeAll(async () => {
  auth = await startAuthServer({ user: 'maildock', accessTokenTtl: TTL });
  dovecot = await startDovecot({
    users: [{ user: 'bob', password: 'bob-secret' }],
    lmtp: true,
    oauth2: { introspectionUrl: auth.introspectionUrl, audience: MAIL_AUDIENCE },
  });
  postfix = await startPostfix({ dovecot, domain: DOMAIN });
  t = await openService({
    timeoutMs: TIMEOUT_MS,
    send: { delaySeconds: 0, timeoutMs: 5000 },
    oauth2: { clients: { [auth.issuer]: { clientId: APP_CLIENT, scopes } } },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
  await auth?.stop();
});

function settings() {
  return {
    imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
  };
}

/** A sign-in through the loopback flow, the test's browser coming back to the core's listener. */
async function signInLoopback(svc: TestService = t): Promise<string> {
  const flow = await svc.call('oauth2.start', {
    email: email(),
    provider: auth.issuer,
    flow: 'loopback',
  });
  const finished = svc.call('oauth2.finish', { flowId: flow.flowId });
  await auth.browse(flow.url);
  expect(await finished).toEqual({ flowId: flow.flowId, email: email(), provider: auth.issuer });
  return flow.flowId;
}

async function bobMessages(): Promise<string[]> {
  const c = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: 'bob', pass: 'bob-secret' },
    logger: false,
  });
  await c.connect();
  try {
    await c.mailboxOpen('INBOX');
    const subjects: string[] = [];
    for await (const m of c.fetch('1:*', { envelope: true })) subjects.push(m.envelope!.subject!);
    return subjects;
  } catch {
    return [];
  } finally {
    await c.logout().catch(() => c.close());
  }
}

let account: MethodOutput<'account.add'>;

describe('OAuth2 sign-in for IMAP and SMTP', () => {
  it('signs in through the browser and the loopback listener, then syncs and sends with tokens', async () => {
    const flow = await t.call('oauth2.start', {
      email: email(),
      provider: auth.issuer,
      flow: 'loopback',
    });
    expect(flow).toMatchObject({ flow: 'loopback', provider: auth.issuer, userCode: null });
    const start = new URL(flow.url);
    expect(start.searchParams.get('code_challenge_method')).toBe('S256');
    expect(start.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // A request without the flow's state is turned away, and the listener keeps waiting.
    const forged = await fetch(`${start.searchParams.get('redirect_uri')}?code=x&state=forged`);
    expect(forged.status).toBe(400);
    const finished = t.call('oauth2.finish', { flowId: flow.flowId });
    await auth.browse(flow.url);
    await finished;

    account = await t.call('account.add', {
      email: email(),
      ...settings(),
      oauth2: { flowId: flow.flowId },
    });
    expect(account).toMatchObject({
      auth: 'oauth2',
      oauth2: { provider: auth.issuer, signInRequired: false },
    });
    // The flow's grant went to this account: it cannot serve another.
    await expect(
      t.call('account.add', { email: email(), ...settings(), oauth2: { flowId: flow.flowId } }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    // The refresh token is kept like a password, and no method answers it.
    const refresh = await t.svc.secrets.get(`account:${account.id}:oauth2`);
    expect(refresh).toBeTruthy();
    expect(await t.svc.secrets.get(`account:${account.id}:password`)).toBeNull();
    const listed = await t.call('account.list');
    expect(JSON.stringify(listed)).not.toContain(refresh!);
    expect(listed[0]).toMatchObject({ auth: 'oauth2', oauth2: { signInRequired: false } });

    await dovecot.append('INBOX', makeMail({ subject: 'Hello over OAuth2' }));
    const entry = await t.call('outbox.send', {
      accountId: account.id,
      to: [`bob@${DOMAIN}`],
      subject: 'Sent with XOAUTH2',
      text: 'Through Postfix, which asked Dovecot, which asked the provider.',
    });
    const summary = await t.call('sync.run', { accountId: account.id });
    expect(summary.errors).toEqual([]);
    const inbox = (await t.call('mailbox.list', { accountId: account.id })).find(
      (m) => m.role === 'inbox',
    )!;
    const messages = await t.call('message.list', { mailboxId: inbox.id });
    expect(messages.messages.map((m) => m.subject)).toContain('Hello over OAuth2');
    expect((await t.call('outbox.list', {})).find((e) => e.id === entry.id)).toMatchObject({
      state: 'sent',
      sentCopy: 'done',
    });
    for (let i = 0; i < 50 && !(await bobMessages()).includes('Sent with XOAUTH2'); i++) {
      await sleep(200);
    }
    expect(await bobMessages()).toContain('Sent with XOAUTH2');
  });

  it(
    'refreshes the access token when it is about to expire, and keeps the rotated refresh token',
    { timeout: 60_000 },
    async () => {
      const before = auth.refreshes();
      const refreshToken = await t.svc.secrets.get(`account:${account.id}:oauth2`);
      await sleep(TTL * 1000 + 500);
      await dovecot.append('INBOX', makeMail({ subject: 'After expiry' }));
      expect((await t.call('sync.run', { accountId: account.id })).errors).toEqual([]);
      expect(auth.refreshes()).toBeGreaterThan(before);
      // The provider rotates refresh tokens of public clients: the new one is kept.
      const rotated = await t.svc.secrets.get(`account:${account.id}:oauth2`);
      expect(rotated).toBeTruthy();
      expect(rotated).not.toBe(refreshToken);
    },
  );

  it(
    'asks to sign in again once the grant is revoked, stops trying, and resumes after a new sign-in',
    { timeout: 60_000 },
    async () => {
      const refreshToken = (await t.svc.secrets.get(`account:${account.id}:oauth2`))!;
      const revoked = await fetch(auth.revocationUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: refreshToken,
          token_type_hint: 'refresh_token',
          client_id: APP_CLIENT,
        }),
      });
      expect(revoked.status).toBe(200);
      // The access token in hand went with the grant: the server refuses it, a refresh is
      // refused as well, and the account needs the user.
      const summary = await t.call('sync.run', { accountId: account.id });
      expect(summary.errors.map((e) => e.code)).toContain('SIGNIN_REQUIRED');
      const state = (await t.call('sync.state')).find((s) => s.accountId === account.id)!;
      expect(state.signInRequired).toBe(true);
      expect((await t.call('account.list'))[0]).toMatchObject({
        oauth2: { signInRequired: true },
      });
      // Nothing is asked of the provider again until the user signs in.
      const refreshes = auth.refreshes();
      const again = await t.call('sync.run', { accountId: account.id });
      expect(again.errors.map((e) => e.code)).toContain('SIGNIN_REQUIRED');
      expect(auth.refreshes()).toBe(refreshes);

      // Signing in again, this time by pasting the address the browser ended on.
      const flow = await t.call('oauth2.start', {
        email: email(),
        provider: auth.issuer,
        flow: 'manual',
      });
      const landed = await auth.browse(flow.url, { stopBefore: true });
      await t.call('oauth2.finish', { flowId: flow.flowId, code: landed.href });
      const signedIn = await t.call('account.signin', {
        id: account.id,
        oauth2: { flowId: flow.flowId },
      });
      expect(signedIn.oauth2).toEqual({ provider: auth.issuer, signInRequired: false });
      await dovecot.append('INBOX', makeMail({ subject: 'After signing in again' }));
      expect((await t.call('sync.run', { accountId: account.id })).errors).toEqual([]);
      const state2 = (await t.call('sync.state')).find((s) => s.accountId === account.id)!;
      expect(state2.signInRequired).toBe(false);
    },
  );

  it('stops a sign-in under way when cancelled: its listener closes and the wait fails', async () => {
    const flow = await t.call('oauth2.start', {
      email: email(),
      provider: auth.issuer,
      flow: 'loopback',
    });
    const redirect = new URL(flow.url).searchParams.get('redirect_uri')!;
    // The listener is up while the sign-in waits.
    expect((await fetch(`${redirect}?code=x&state=forged`)).status).toBe(400);
    const waiting = t.call('oauth2.finish', { flowId: flow.flowId });
    await sleep(100);
    expect(await t.call('oauth2.cancel', { flowId: flow.flowId })).toEqual({ cancelled: true });
    await expect(waiting).rejects.toMatchObject({ data: { code: 'CANCELLED' } });
    await expect(fetch(redirect)).rejects.toThrow();
    // Gone: a second cancel finds nothing, and no account can take it.
    expect(await t.call('oauth2.cancel', { flowId: flow.flowId })).toEqual({ cancelled: false });
    await expect(
      t.call('account.add', { email: email(), ...settings(), oauth2: { flowId: flow.flowId } }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('is refused by the server with a token meant for another audience', async () => {
    // A Dovecot of its own: no refused login of the tests above delays these.
    const server = await startDovecot({
      oauth2: { introspectionUrl: auth.introspectionUrl, audience: MAIL_AUDIENCE },
    });
    const other = await openService({
      timeoutMs: TIMEOUT_MS,
      oauth2: { clients: { [auth.issuer]: { clientId: OTHER_CLIENT, scopes } } },
    });
    try {
      const flowId = await signInLoopback(other);
      await expect(
        other.call('account.add', {
          email: email(),
          imap: { host: server.host, port: server.port, security: 'none', user: server.user },
          oauth2: { flowId },
        }),
      ).rejects.toMatchObject({ data: { code: 'AUTH_FAILED' } });
      expect(await other.call('account.list')).toEqual([]);
      // The provider told Dovecot that this token is not one for it.
      expect(server.logTail(20)).toContain('Provided token is not valid');
    } finally {
      await other.close();
      await server.stop();
    }
  }, 60_000);
});
