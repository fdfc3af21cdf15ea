// A stack mailbox migrated from Dovecot's passwd file keeps its {PBKDF2} hash in Postgres:
// the web sign-in checks it as Dovecot does, and on the first success rehashes it with
// Argon2id, so later sign-ins (and Dovecot's, through {ARGON2ID}) use the new hash. A wrong
// password changes nothing. Real Postgres.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../main/core/people/index.js';
import { dovecotPbkdf2 } from '../../main/core/stack/pbkdf2-hash.js';
import { post, startSignInApp, type SignInApp } from '../support/signin-app.js';
import { signInWorld, type SignInWorld } from '../support/signin-world.js';

let world: SignInWorld;
let api: SignInApp;

beforeAll(async () => {
  world = await signInWorld();
  api = await startSignInApp(world.db.people, world.jwt);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await world?.stop();
});

/** A user as the passwd-file migration writes one: the hash Maildock wrote for Dovecot. */
async function migrated(email: string, password: string): Promise<Person> {
  const tenant = world.users.alice.tenantId;
  return world.db.people.users.add({
    tenantId: tenant,
    email,
    passwordHash: dovecotPbkdf2(password),
    role: 'user',
  });
}

const hashOf = async (email: string) =>
  (await world.db.people.users.forSignIn(email))!.passwordHash!;
const login = (email: string, password: string) =>
  post(api.base, '/api/auth.login', { email, password });
const whoami = (token: string) =>
  post(api.base, '/api/whoami', {}, { authorization: `Bearer ${token}` });

describe('signing in with a password from the passwd file', () => {
  it('checks the {PBKDF2} hash, then keeps an Argon2id one of the same password', async () => {
    const password = `pw-${randomBytes(6).toString('base64url')}`;
    const person = await migrated('dana@acme.test', password);
    expect(await hashOf('dana@acme.test')).toMatch(/^\{PBKDF2\}\$1\$/);

    const first = await login('dana@acme.test', password);
    expect(first.status, first.text).toBe(200);
    const token = (first.body.value as { accessToken: string }).accessToken;
    const me = await whoami(token);
    expect(me.status).toBe(200);
    expect(me.body.value).toMatchObject({
      owner: { tenantId: person.tenantId, userId: person.userId },
    });

    const rehashed = await hashOf('dana@acme.test');
    expect(rehashed).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(rehashed, password)).toBe(true);
    expect((await login('dana@acme.test', password)).status).toBe(200);
    expect(await hashOf('dana@acme.test')).toBe(rehashed);
  });

  it('refuses a wrong password as for anyone, and leaves the old hash in place', async () => {
    await migrated('erin@acme.test', 'right-password');
    const before = await hashOf('erin@acme.test');
    const wrong = await login('erin@acme.test', 'wrong-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'The email address or the password is not right.',
    });
    expect(await hashOf('erin@acme.test')).toBe(before);
  });

  it('lets in a password shorter than today’s minimum, set before the minimum held', async () => {
    await migrated('finn@acme.test', 'short1');
    const res = await login('finn@acme.test', 'short1');
    expect(res.status, res.text).toBe(200);
    expect(await hashOf('finn@acme.test')).toMatch(/^\$argon2id\$/);
    expect((await login('finn@acme.test', 'short1')).status).toBe(200);
  });
});
