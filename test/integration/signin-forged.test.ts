// Forged access tokens, every one refused with 401 by a server that accepts the real ones:
// wrong algorithms, keys, claims and signatures, and genuine tokens whose session ended.
import { createHmac, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeKeyPair, type NewKey } from '../../main/core/people/index.js';
import type { Refusal } from '../../main/server/signin/index.js';
import { cookieOf, post, startSignInApp, type SignInApp } from '../support/signin-app.js';
import { AUDIENCE, ISSUER, signInWorld, type SignInWorld } from '../support/signin-world.js';

let world: SignInWorld;
let api: SignInApp;
/** A genuine sign-in of alice's: its token, claims and session. */
let genuine: { token: string; header: Record<string, unknown>; claims: Record<string, unknown> };
let sessions: { revoked: string; removedUser: string; expired: string; bobs: string };
const attacker = makeKeyPair('EdDSA', 'evil');
const attackerEc = makeKeyPair('ES256', 'evil-ec');

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as never;

type Signer = (input: string) => Buffer;
const eddsa =
  (key: NewKey): Signer =>
  (input) =>
    sign(null, Buffer.from(input), createPrivateKey(key.privateKey));
const es256 =
  (key: NewKey): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), {
      key: createPrivateKey(key.privateKey),
      dsaEncoding: 'ieee-p1363',
    });
const hs256 =
  (secret: Buffer | string): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest();

/** A token put together by hand: any header, any claims, any signer. */
function craft(header: Record<string, unknown>, claims: Record<string, unknown>, signer?: Signer) {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${signer ? signer(input).toString('base64url') : ''}`;
}

const now = () => Math.floor(Date.now() / 1000);
const HEADER = { alg: 'EdDSA', kid: 'k2', typ: 'at+jwt' };
/** Alice's claims with a change, signed with the server's own current key. */
const ownKey = (change: Record<string, unknown>, header: Record<string, unknown> = HEADER) =>
  craft(header, { ...genuine.claims, ...change }, eddsa(world.current));

async function login(email: string, password: string) {
  const res = await post(api.base, '/api/auth.login', { email, password });
  expect(res.status, res.text).toBe(200);
  return {
    token: (res.body.value as { accessToken: string }).accessToken,
    cookie: cookieOf(res.setCookie, 'maildock-refresh')!.value,
  };
}

const sessionOf = (token: string) => (decode(parts(token)[1]) as { sid: string }).sid;
const whoami = (token: string) =>
  post(api.base, '/api/whoami', {}, { authorization: `Bearer ${token}` });

beforeAll(async () => {
  world = await signInWorld();
  api = await startSignInApp(world.db.people, world.jwt);
  const { alice, bob } = world.users;
  const first = await login(alice.email, alice.password);
  genuine = {
    token: first.token,
    header: decode(parts(first.token)[0]),
    claims: decode(parts(first.token)[1]),
  };
  const revoked = await login(alice.email, alice.password);
  expect(
    (await post(api.base, '/api/auth.logout', {}, { authorization: `Bearer ${revoked.token}` }))
      .status,
  ).toBe(200);
  const dave = await world.db.people.users.add({
    tenantId: alice.tenantId,
    email: 'dave@acme.test',
    passwordHash: (await world.db.people.users.forSignIn(alice.email))!.passwordHash!,
    role: 'user',
  });
  const removed = await login(dave.email, alice.password);
  await world.db.people.users.remove(dave.userId);
  const expired = randomUUID();
  await world.db.people.sessions.start({
    tenantId: alice.tenantId,
    userId: alice.userId,
    id: expired,
    expiresAt: Date.now() - 1000,
    ip: null,
    tokenHash: Buffer.alloc(32, 7),
  });
  const bobs = await login(bob.email, bob.password);
  sessions = {
    revoked: revoked.token,
    removedUser: removed.token,
    expired,
    bobs: sessionOf(bobs.token),
  };
}, 120_000);

afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const forgeries: [string, Refusal, () => string | Promise<string>][] = [
  ['alg none', 'malformed', () => craft({ ...HEADER, alg: 'none' }, genuine.claims)],
  [
    'alg none with a signature',
    'algorithm not allowed',
    () => craft({ ...HEADER, alg: 'none' }, genuine.claims, eddsa(world.current)),
  ],
  ['alg None, capitalised', 'malformed', () => craft({ ...HEADER, alg: 'None' }, genuine.claims)],
  [
    'HS256 signed with the public key (PEM) as the secret',
    'algorithm not allowed',
    () => craft({ ...HEADER, alg: 'HS256' }, genuine.claims, hs256(world.current.publicKey)),
  ],
  [
    'HS256 signed with the public key (DER) as the secret',
    'algorithm not allowed',
    () =>
      craft(
        { ...HEADER, alg: 'HS256' },
        genuine.claims,
        hs256(createPublicKey(world.current.publicKey).export({ format: 'der', type: 'spki' })),
      ),
  ],
  [
    'HS256 with the old ES256 key id',
    'algorithm not allowed',
    () =>
      craft(
        { ...HEADER, alg: 'HS256', kid: 'k1' },
        genuine.claims,
        hs256(world.previous.publicKey),
      ),
  ],
  ['expired', 'expired', () => ownKey({ iat: now() - 1200, nbf: now() - 1200, exp: now() - 300 })],
  ['not yet valid', 'not yet valid', () => ownKey({ nbf: now() + 3600 })],
  ['issued in the future', 'not yet valid', () => ownKey({ iat: now() + 3600, nbf: now() + 3600 })],
  [
    'older than an access token lives, with a far expiry',
    'expired',
    () => ownKey({ iat: now() - 86_400, nbf: now() - 86_400, exp: now() + 86_400 }),
  ],
  ['wrong aud', 'wrong claims', () => ownKey({ aud: 'someone-else' })],
  ['wrong iss', 'wrong claims', () => ownKey({ iss: 'https://evil.test' })],
  ['no aud', 'wrong claims', () => ownKey({ aud: undefined })],
  ['no exp', 'wrong claims', () => ownKey({ exp: undefined })],
  [
    'altered payload: another user',
    'bad signature',
    () =>
      `${parts(genuine.token)[0]}.${b64({ ...genuine.claims, sub: String(world.users.bob.userId) })}.${parts(genuine.token)[2]}`,
  ],
  [
    'altered payload: role admin',
    'bad signature',
    () =>
      `${parts(genuine.token)[0]}.${b64({ ...genuine.claims, role: 'admin' })}.${parts(genuine.token)[2]}`,
  ],
  [
    'stripped signature',
    'malformed',
    () => `${parts(genuine.token)[0]}.${parts(genuine.token)[1]}.`,
  ],
  ['no signature part', 'malformed', () => `${parts(genuine.token)[0]}.${parts(genuine.token)[1]}`],
  ['truncated signature', 'bad signature', () => genuine.token.slice(0, -6)],
  [
    'unknown kid',
    'unknown key',
    () => craft({ ...HEADER, kid: 'evil' }, genuine.claims, eddsa(attacker)),
  ],
  [
    'no kid',
    'unknown key',
    () => craft({ alg: 'EdDSA', typ: 'at+jwt' }, genuine.claims, eddsa(world.current)),
  ],
  [
    'the current kid, an attacker’s key',
    'bad signature',
    () => craft(HEADER, genuine.claims, eddsa(attacker)),
  ],
  [
    'ES256 under the EdDSA key’s kid',
    'algorithm not allowed',
    () => craft({ ...HEADER, alg: 'ES256' }, genuine.claims, es256(attackerEc)),
  ],
  [
    'EdDSA under the ES256 key’s kid',
    'algorithm not allowed',
    () => craft({ ...HEADER, kid: 'k1' }, genuine.claims, eddsa(world.current)),
  ],
  [
    'the attacker’s own key embedded as a jwk header',
    'unknown key',
    () =>
      craft(
        {
          alg: 'EdDSA',
          typ: 'at+jwt',
          jwk: createPublicKey(attacker.publicKey).export({ format: 'jwk' }),
        },
        genuine.claims,
        eddsa(attacker),
      ),
  ],
  ['typ JWT, not an access token', 'wrong claims', () => ownKey({}, { ...HEADER, typ: 'JWT' })],
  [
    'an unknown critical extension',
    'malformed',
    () => ownKey({}, { ...HEADER, crit: ['exp-v2'], 'exp-v2': 1 }),
  ],
  ['a revoked session (signed out)', 'session ended', () => sessions.revoked],
  ['a token of a removed user', 'session ended', () => sessions.removedUser],
  ['a session that never was', 'session ended', () => ownKey({ sid: randomUUID() })],
  ['a session that expired', 'session ended', () => ownKey({ sid: sessions.expired })],
  ['another user’s session', 'session ended', () => ownKey({ sid: sessions.bobs })],
  ['another tenant', 'session ended', () => ownKey({ tid: world.users.carol.tenantId })],
  ['a role that does not exist', 'wrong claims', () => ownKey({ role: 'root' })],
  ['a subject that is no user id', 'wrong claims', () => ownKey({ sub: 'alice' })],
  [
    'a payload that is not JSON',
    'bad signature',
    () => `${b64(HEADER)}.${b64('not json')}.${parts(genuine.token)[2]}`,
  ],
  ['not a JWT at all', 'malformed', () => 'Zm9vYmFy'],
];

describe('access tokens', () => {
  it('the genuine one, and one signed by the older key of the ring, are accepted', async () => {
    const res = await whoami(genuine.token);
    expect(res.status, res.text).toBe(200);
    expect(res.body.value).toMatchObject({
      owner: { tenantId: world.users.alice.tenantId, userId: world.users.alice.userId },
      role: 'user',
      email: 'alice@acme.test',
    });
    // Signed before the key was rotated: still good until it runs out.
    const older = await new SignJWT({ ...genuine.claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .sign(createPrivateKey(world.previous.privateKey));
    expect((await whoami(older)).status).toBe(200);
    expect(genuine.header).toEqual(HEADER);
    expect(genuine.claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      tid: world.users.alice.tenantId,
    });
    expect(Object.keys(genuine.claims).sort()).toEqual(
      ['aud', 'email', 'exp', 'iat', 'iss', 'nbf', 'role', 'sid', 'sub', 'tid'].sort(),
    );
  });

  it(`${forgeries.length} forgeries are all different and all refused with 401`, async () => {
    expect(forgeries.length).toBeGreaterThanOrEqual(30);
    const tokens = await Promise.all(forgeries.map(([, , make]) => make()));
    expect(new Set(tokens).size).toBe(tokens.length);
    const refusedBy = await Promise.all(
      tokens.map(async (token, i) => {
        const res = await whoami(token);
        return { forgery: forgeries[i]![0], status: res.status, code: res.body.error?.code };
      }),
    );
    expect(refusedBy.filter((r) => r.status !== 401 || r.code !== 'UNAUTHORIZED')).toEqual([]);
    // Each for its own reason, not all by the first check that happens to catch them.
    const reasons = await Promise.all(
      tokens.map(async (token, i) => {
        const checked = await world.tokens.verifyAccess(token);
        return [forgeries[i]![0], checked.ok ? 'accepted' : checked.reason];
      }),
    );
    expect(reasons).toEqual(forgeries.map(([name, reason]) => [name, reason]));
    // The genuine token still works after all of that.
    expect((await whoami(genuine.token)).status).toBe(200);
  });

  it('an expired token says so, so that the client refreshes; others say only “not valid”', async () => {
    const expired = await whoami(
      ownKey({ iat: now() - 1200, nbf: now() - 1200, exp: now() - 300 }),
    );
    expect(expired.body.error?.message).toMatch(/expired/);
    const forged = await whoami(craft(HEADER, genuine.claims, eddsa(attacker)));
    expect(forged.body.error?.message).toBe('The access token is not valid: sign in again.');
    const none = await post(api.base, '/api/whoami', {});
    expect(none.status).toBe(401);
  });
});

describe('the events WebSocket', () => {
  const connect = (protocols: string[]) =>
    new Promise<{ protocol: string; first: unknown }>((resolve, reject) => {
      const socket = new WebSocket(`${api.base.replace('http', 'ws')}/events`, protocols);
      socket.on('message', (data) => {
        resolve({ protocol: socket.protocol, first: JSON.parse(String(data)) });
        socket.close();
      });
      socket.on('error', reject);
    });

  it('takes the token from the subprotocol list and answers with “maildock” only', async () => {
    const { protocol, first } = await connect(['maildock', `bearer.${genuine.token}`]);
    expect(protocol).toBe('maildock');
    expect(first).toMatchObject({ email: 'alice@acme.test' });
  });

  it('refuses a forged or revoked token there before the upgrade', async () => {
    for (const token of [craft(HEADER, genuine.claims, eddsa(attacker)), sessions.revoked]) {
      await expect(connect(['maildock', `bearer.${token}`])).rejects.toThrow(/401/);
    }
    await expect(connect(['maildock'])).rejects.toThrow(/401/);
  });

  it('does not take the subprotocol header on a plain request', async () => {
    const res = await post(
      api.base,
      '/api/whoami',
      {},
      {
        'sec-websocket-protocol': `maildock, bearer.${genuine.token}`,
      },
    );
    expect(res.status).toBe(401);
  });
});
