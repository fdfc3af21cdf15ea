// Signing in, refreshing and signing out against a real Postgres: the refresh cookie's
// attributes with and without TLS, rotation on every use, a spent token's reuse revoking its
// family, the same answer for an unknown address and a wrong password, and an audit row for
// each, with the password in no response and no log line.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLogging, initLogging, logFilePath } from '../../main/core/platform/log.js';
import {
  cookieOf,
  makeCertificate,
  post,
  startSignInApp,
  type Answer,
  type SignInApp,
} from '../support/signin-app.js';
import { signInWorld, type SignInWorld } from '../support/signin-world.js';

const REFRESH_TTL = 3600;
let world: SignInWorld;
let api: SignInApp;
let tlsApi: SignInApp;
let cert: string;
let logDir: string;
let logFile: string;

beforeAll(async () => {
  logDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-signin-logs-'));
  await initLogging({ dir: logDir, level: 'debug' });
  logFile = logFilePath()!;
  world = await signInWorld(REFRESH_TTL);
  api = await startSignInApp(world.db.people, world.jwt);
  const tls = await makeCertificate();
  cert = tls.cert;
  tlsApi = await startSignInApp(world.db.people, world.jwt, { tls });
}, 120_000);

afterAll(async () => {
  await closeLogging();
  await api?.close();
  await tlsApi?.close();
  await world?.stop();
  await rm(logDir, { recursive: true, force: true });
});

const refreshCookie = (res: Answer) => cookieOf(res.setCookie, 'maildock-refresh');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (value: string) => ({ cookie: `maildock-refresh=${value}` });
const tokenOf = (res: Answer) => (res.body.value as { accessToken: string }).accessToken;
const whoami = (token: string) => post(api.base, '/api/whoami', {}, bearer(token));
/** Every response body of the file, for the check that no password is in any. */
const answers: string[] = [];

async function login(email: string, password: string, base = api.base) {
  const res = await post(base, '/api/auth.login', { email, password }, {}, cert);
  answers.push(res.text);
  return res;
}

async function refresh(value: string) {
  const res = await post(api.base, '/api/auth.refresh', {}, cookie(value));
  answers.push(res.text);
  return res;
}

describe('signing in', () => {
  it('gives an access token and the user, and the refresh token only in the cookie', async () => {
    const { alice } = world.users;
    const res = await login('Alice@Acme.test', alice.password);
    expect(res.status, res.text).toBe(200);
    const value = res.body.value as { expiresAt: string; user: unknown };
    expect(value.user).toEqual({ email: 'alice@acme.test', tenant: 'acme', role: 'user' });
    const ttl = Date.parse(value.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect((await whoami(tokenOf(res))).status).toBe(200);

    const set = refreshCookie(res)!;
    expect(set.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.text).not.toContain(set.value);
    expect(Object.fromEntries(set.attributes)).toEqual({
      'max-age': String(REFRESH_TTL),
      path: '/api/auth.refresh',
      httponly: '',
      samesite: 'Strict',
    });
    expect(res.setCookie.join()).not.toMatch(/secure/i);
    // The database keeps only the token's hash: the token itself finds nothing.
    const asStored = await world.db.people.sessions.rotate(
      Buffer.from(set.value),
      Buffer.alloc(32),
      Date.now(),
    );
    expect(asStored).toEqual({ outcome: 'unknown' });
  });

  it('over TLS the cookie is Secure', async () => {
    const { bob } = world.users;
    const res = await login(bob.email, bob.password, tlsApi.base);
    expect(res.status, res.text).toBe(200);
    const set = refreshCookie(res)!;
    expect(set.attributes.has('secure')).toBe(true);
    expect(set.attributes.get('samesite')).toBe('Strict');
    expect(set.attributes.has('httponly')).toBe(true);
  });

  it('a wrong password and an unknown address get the same 401, and both are audited', async () => {
    const { alice } = world.users;
    const wrong = await login(alice.email, 'not-her-password-1');
    const unknown = await login('nobody@acme.test', 'not-her-password-2');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.setCookie).toEqual([]);
    }
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'The email address or the password is not right.',
    });
    const audit = await world.db.people.audit.list({ limit: 10 });
    const failed = audit.filter((e) => e.action === 'auth.login.failed');
    expect(failed.slice(0, 2)).toEqual([
      expect.objectContaining({
        actor: 'nobody@acme.test',
        tenantId: null,
        userId: null,
        ip: '127.0.0.1',
        detail: { reason: 'unknown user' },
      }),
      expect.objectContaining({
        actor: alice.email,
        tenantId: alice.tenantId,
        userId: alice.userId,
        ip: '127.0.0.1',
        detail: { reason: 'wrong password' },
      }),
    ]);
    expect(audit.some((e) => e.action === 'auth.login' && e.userId === alice.userId)).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(/not-her-password/);
  });

  it('refuses a body that is not {email, password} without repeating what was in it', async () => {
    const extra = await post(api.base, '/api/auth.login', {
      email: 'alice@acme.test',
      password: 'extra-secret-1',
      remember: 'extra-secret-2',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error?.code).toBe('INVALID_INPUT');
    expect(extra.text).not.toMatch(/extra-secret/);
    const missing = await post(api.base, '/api/auth.login', { email: 'alice@acme.test' });
    expect(missing.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { field: 'password' },
    });
    const mode = await post(api.base, '/api/auth.mode', {});
    expect(mode.body).toEqual({ ok: true, value: { mode: 'password' } });
  });

  it('counts every attempt, right or wrong, against the stricter sign-in limit', async () => {
    const { alice } = world.users;
    const strict = await startSignInApp(world.db.people, world.jwt, { loginLimit: 3 });
    try {
      const attempts = [];
      for (const password of [alice.password, 'wrong-password-3', alice.password, alice.password])
        attempts.push(await post(strict.base, '/api/auth.login', { email: alice.email, password }));
      expect(attempts.map((a) => a.status)).toEqual([200, 401, 200, 429]);
      expect(Number(attempts[3]!.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it('rehashes a password hashed with an older setting', async () => {
    const { carol } = world.users;
    const old = await argon2.hash(carol.password); // the library's own defaults
    await world.db.people.users.setPassword(carol.userId, old);
    expect((await login(carol.email, carol.password)).status).toBe(200);
    const now = (await world.db.people.users.forSignIn(carol.email))!.passwordHash!;
    expect(now).not.toBe(old);
    expect(now).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login(carol.email, carol.password)).status).toBe(200);
  });
});

describe('refreshing', () => {
  it('rotates on every use; a spent token used again revokes the family', async () => {
    const { alice } = world.users;
    const signedIn = await login(alice.email, alice.password);
    const first = refreshCookie(signedIn)!.value;
    const second = await refresh(first);
    expect(second.status, second.text).toBe(200);
    const secondCookie = refreshCookie(second)!;
    expect(second.setCookie.filter((l) => l.startsWith('maildock-refresh='))).toHaveLength(1);
    expect(secondCookie.value).not.toBe(first);
    expect(Number(secondCookie.attributes.get('max-age'))).toBeLessThanOrEqual(REFRESH_TTL);
    expect(Number(secondCookie.attributes.get('max-age'))).toBeGreaterThan(REFRESH_TTL - 60);
    expect((await whoami(tokenOf(second))).status).toBe(200);
    const third = await refresh(secondCookie.value);
    expect(third.status).toBe(200);
    const newest = refreshCookie(third)!.value;

    // The first token again: a copy someone kept.
    const reused = await refresh(first);
    expect(reused.status).toBe(401);
    expect(reused.body.error?.code).toBe('UNAUTHORIZED');
    expect(refreshCookie(reused)?.attributes.get('max-age')).toBe('0');
    // The whole family went: the newest refresh token, and every access token of it.
    expect((await refresh(newest)).status).toBe(401);
    for (const res of [signedIn, second, third])
      expect((await whoami(tokenOf(res))).status).toBe(401);
    const audit = await world.db.people.audit.list({ limit: 5 });
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'auth.refresh.reused',
        userId: alice.userId,
        actor: 'server',
      }),
    );
  });

  it('without a cookie, or with one that is not a token of ours, is 401', async () => {
    expect((await post(api.base, '/api/auth.refresh', {})).status).toBe(401);
    expect((await refresh('x'.repeat(43))).status).toBe(401);
    expect((await refresh('not a token')).status).toBe(401);
  });
});

describe('signing out', () => {
  it('by the access token revokes the session and clears the cookie', async () => {
    const { bob } = world.users;
    const res = await login(bob.email, bob.password);
    const out = await post(api.base, '/api/auth.logout', {}, bearer(tokenOf(res)));
    expect(out.body).toEqual({ ok: true, value: { revoked: true } });
    const cleared = refreshCookie(out)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('path')).toBe('/api/auth.refresh');
    expect((await whoami(tokenOf(res))).status).toBe(401);
    expect((await refresh(refreshCookie(res)!.value)).status).toBe(401);
    const audit = await world.db.people.audit.list({ limit: 3 });
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'auth.logout', userId: bob.userId, actor: bob.email }),
    );
  });

  it('by the refresh cookie revokes too', async () => {
    const { bob } = world.users;
    const res = await login(bob.email, bob.password);
    const out = await post(api.base, '/api/auth.logout', {}, cookie(refreshCookie(res)!.value));
    expect(out.body).toEqual({ ok: true, value: { revoked: true } });
    expect((await whoami(tokenOf(res))).status).toBe(401);
  });

  it('by an access token that has expired still ends its session', async () => {
    const { bob } = world.users;
    const res = await login(bob.email, bob.password);
    const claims = JSON.parse(Buffer.from(tokenOf(res).split('.')[1]!, 'base64url').toString());
    const old = await world.tokens.issue(
      {
        owner: { tenantId: bob.tenantId, userId: bob.userId },
        sessionId: claims.sid,
        role: 'user',
        email: bob.email,
      },
      Date.now() - 3600_000,
    );
    expect((await whoami(old.token)).status).toBe(401);
    const out = await post(api.base, '/api/auth.logout', {}, bearer(old.token));
    expect(out.body).toEqual({ ok: true, value: { revoked: true } });
    expect((await refresh(refreshCookie(res)!.value)).status).toBe(401);
  });
});

describe('what the sign-ins left behind', () => {
  it('no password in any response; failed sign-ins logged with the address and IP only', async () => {
    const passwords = [
      ...Object.values(world.users).map((u) => u.password),
      'not-her-password-1',
      'not-her-password-2',
      'wrong-password-3',
    ];
    for (const text of answers) for (const p of passwords) expect(text).not.toContain(p);
    await closeLogging();
    const log = await readFile(logFile, 'utf8');
    for (const p of passwords) expect(log).not.toContain(p);
    const failed = log
      .split('\n')
      .filter((l) => l.includes('sign-in failed'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      // The password sign-ins' own; the limiter logs refused access tokens too.
      .filter((l) => l.module === 'signin');
    expect(failed.map((l) => l.email)).toEqual([
      'alice@acme.test',
      'nobody@acme.test',
      'alice@acme.test', // against the stricter limit
    ]);
    for (const line of failed) expect(line).toMatchObject({ level: 30, ip: '127.0.0.1' });
  });
});
