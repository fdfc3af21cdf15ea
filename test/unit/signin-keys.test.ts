// The key ring from configuration, HS256 only when allowed, the password rules and the
// audit log's --since: what each refuses, and that what they accept works.
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../main/cli/admin-input.js';
import {
  checkPassword,
  hashPassword,
  loadKeyRing,
  makeKeyPair,
  verifyPassword,
} from '../../main/core/people/index.js';
import { AccessTokens, HS256_KID, keyRingOf } from '../../main/server/signin/index.js';

const ed = makeKeyPair('EdDSA', 'ed');
const ec = makeKeyPair('ES256', 'ec');
const jwkOf = (pem: string) => JSON.stringify(createPrivateKey(pem).export({ format: 'jwk' }));
/** verify() never asks for the session; verifyAccess() is tested on a real Postgres. */
const noSessions = {
  get: () => Promise.reject(new Error('verify() must not look up the session')),
};
const tokensOver = (ring: ReturnType<typeof loadKeyRing>) =>
  new AccessTokens({ keys: ring, issuer: 'iss', audience: 'aud', sessions: noSessions });
const claims = {
  owner: { tenantId: 2, userId: 3 },
  sessionId: '6f1c1a2e-8d7b-4a43-9a51-2f5b1c7d9e00',
  role: 'user' as const,
  email: 'a@b.test',
};

describe('the key ring', () => {
  it('takes PEM and JWK, derives a public key, and signs with the current key', async () => {
    const ring = loadKeyRing({
      current: 'ed',
      keys: [
        { kid: 'ed', alg: 'EdDSA', privateKey: jwkOf(ed.privateKey) },
        { kid: 'ec', alg: 'ES256', publicKey: ec.publicKey },
      ],
    });
    const tokens = tokensOver(ring);
    const { token, expiresAt } = await tokens.issue(claims);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: 'ed', typ: 'at+jwt' });
    expect(await tokens.verify(token)).toEqual({ ok: true, identity: claims });
  });

  it.each([
    [
      'an unknown current key',
      { current: 'x', keys: [{ kid: 'ed', alg: 'EdDSA', privateKey: ed.privateKey }] },
      /current key x is not given/,
    ],
    [
      'a current key without its private key',
      { current: 'ed', keys: [{ kid: 'ed', alg: 'EdDSA', publicKey: ed.publicKey }] },
      /needs its private key/,
    ],
    [
      'a kid given twice',
      {
        current: 'ed',
        keys: [
          { kid: 'ed', alg: 'EdDSA', privateKey: ed.privateKey },
          { kid: 'ed', alg: 'ES256', publicKey: ec.publicKey },
        ],
      },
      /given twice/,
    ],
    [
      'an ES256 key called EdDSA',
      { current: 'ec', keys: [{ kid: 'ec', alg: 'EdDSA', privateKey: ec.privateKey }] },
      /not a key for EdDSA/,
    ],
    [
      'a public key of another pair',
      {
        current: 'ed',
        keys: [
          {
            kid: 'ed',
            alg: 'EdDSA',
            privateKey: ed.privateKey,
            publicKey: makeKeyPair('EdDSA').publicKey,
          },
        ],
      },
      /not the private key's/,
    ],
    [
      'text that is no key',
      { current: 'ed', keys: [{ kid: 'ed', alg: 'EdDSA', privateKey: 'not a key' }] },
      /could not be read as PEM or JWK/,
    ],
    [
      'HS256 not allowed',
      {
        current: 'hs',
        keys: [{ kid: 'hs', alg: 'HS256', secret: randomBytes(32).toString('base64url') }],
      },
      /refused unless HS256 is allowed/,
    ],
    [
      'a kid with a space',
      { current: 'a b', keys: [{ kid: 'a b', alg: 'EdDSA', privateKey: ed.privateKey }] },
      /A key id is/,
    ],
  ] as const)('refuses %s', (_name, spec, message) => {
    expect(() => loadKeyRing(spec as never)).toThrow(message);
  });

  it('takes a token checked once from memory only inside its own time window', async () => {
    const ring = loadKeyRing({
      current: 'ed',
      keys: [{ kid: 'ed', alg: 'EdDSA', privateKey: ed.privateKey }],
    });
    const tokens = tokensOver(ring);
    const t0 = Date.parse('2026-12-07T12:00:00Z');
    const { token } = await tokens.issue(claims, t0);
    expect(await tokens.verify(token, t0)).toEqual({ ok: true, identity: claims });
    // Checked again: the same answer, for a minute on.
    expect(await tokens.verify(token, t0 + 60_000)).toEqual({ ok: true, identity: claims });
    // Past its lifetime and before its issue it is refused as jose refuses it.
    const late = t0 + (tokens.ttlSeconds + 10) * 1000;
    expect(await tokens.verify(token, late)).toEqual({ ok: false, reason: 'expired' });
    expect(await tokens.verify(token, t0 - 3_600_000)).toEqual({
      ok: false,
      reason: 'not yet valid',
    });
    // One character of its signature changed is another token, checked and refused.
    const [head, body, sig] = token.split('.') as [string, string, string];
    const other = `${head}.${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
    expect(await tokens.verify(other, t0)).toEqual({ ok: false, reason: 'bad signature' });
    // Another ring does not know it, whatever this one remembers.
    const elsewhere = tokensOver(
      loadKeyRing({
        current: 'ed',
        keys: [{ kid: 'ed', alg: 'EdDSA', privateKey: makeKeyPair('EdDSA').privateKey }],
      }),
    );
    expect(await elsewhere.verify(token, t0)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('HS256 works when allowed, with a secret long enough, and refuses another secret', async () => {
    const secret = randomBytes(32).toString('base64url');
    expect(() =>
      loadKeyRing(
        {
          current: 'hs',
          keys: [{ kid: 'hs', alg: 'HS256', secret: randomBytes(16).toString('base64url') }],
        },
        { allowHs256: true },
      ),
    ).toThrow(/at least 32 bytes/);
    const ring = (s: string) =>
      loadKeyRing(
        { current: 'hs', keys: [{ kid: 'hs', alg: 'HS256', secret: s }] },
        { allowHs256: true },
      );
    const { token } = await tokensOver(ring(secret)).issue(claims);
    expect(await tokensOver(ring(secret)).verify(token)).toMatchObject({ ok: true });
    const other = tokensOver(ring(randomBytes(32).toString('base64url')));
    expect(await other.verify(token)).toEqual({ ok: false, reason: 'bad signature' });
    // Nor does an HS256 ring take a token of an asymmetric key under the same kid.
    const edRing = loadKeyRing({
      current: 'hs',
      keys: [{ kid: 'hs', alg: 'EdDSA', privateKey: ed.privateKey }],
    });
    const { token: edToken } = await tokensOver(edRing).issue(claims);
    expect(await tokensOver(ring(secret)).verify(edToken)).toEqual({
      ok: false,
      reason: 'algorithm not allowed',
    });
  });
});

describe('the key ring of the configuration', () => {
  const jwt = {
    signingKeys: [],
    verifyingKeys: [],
    hs256Secret: undefined,
    issuer: 'iss',
    audience: 'aud',
    accessTokenTtlMs: 900_000,
    refreshTokenTtlMs: 86_400_000,
  };

  it('needs a key that signs', () => {
    expect(() => keyRingOf(jwt)).toThrow(/set JWT_PRIVATE_KEYS/);
  });

  it('signs with the first private key, or with the HS256 secret when that is all there is', async () => {
    const privateKey = createPrivateKey(ed.privateKey);
    const signing = {
      kid: 'ed',
      alg: 'EdDSA' as const,
      privateKey,
      publicKey: createPublicKey(privateKey),
      file: 'ed.pem',
    };
    const secret = randomBytes(32);
    expect(
      keyRingOf({ ...jwt, signingKeys: [signing], verifyingKeys: [signing], hs256Secret: secret })
        .current,
    ).toBe('ed');
    const hsOnly = keyRingOf({ ...jwt, hs256Secret: secret });
    expect(hsOnly).toMatchObject({ current: HS256_KID, keys: [{ kid: HS256_KID, alg: 'HS256' }] });
    const { token } = await tokensOver(hsOnly).issue(claims);
    expect(await tokensOver(hsOnly).verify(token)).toMatchObject({ ok: true });
  });
});

describe('passwords', () => {
  it('are 8 to 1024 characters, hashed with Argon2id, and verified only by themselves', async () => {
    expect(() => checkPassword('seven77')).toThrow(/at least 8/);
    expect(() => checkPassword('x'.repeat(1025))).toThrow(/at most 1024/);
    const hash = await hashPassword('eight888');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'eight888')).toBe(true);
    expect(await verifyPassword(hash, 'eight889')).toBe(false);
    expect(await verifyPassword(null, 'eight888')).toBe(false);
    expect(await verifyPassword('$argon2id$damaged', 'eight888')).toBe(false);
  });
});

describe('--since', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it.each([
    ['30m', '2026-12-07T11:30:00.000Z'],
    ['1h', '2026-12-07T11:00:00.000Z'],
    ['7d', '2026-11-30T12:00:00.000Z'],
    ['2w', '2026-11-23T12:00:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T08:00Z', '2026-12-01T08:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseSince(text, now).toISOString()).toBe(iso);
  });
  it.each(['yesterday', '1y', '12', '2026-13-45'])('refuses %s', (text) => {
    expect(() => parseSince(text, now)).toThrow(/--since takes/);
  });
});
