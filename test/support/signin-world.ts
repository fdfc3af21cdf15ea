// The people a sign-in test works with, on a private Postgres: tenants acme and globex,
// users alice and bob (acme) and carol (globex), each with a password, and a key ring of a
// current EdDSA key and an older ES256 one that only checks.
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import {
  hashPassword,
  makeKeyPair,
  type NewKey,
  type Person,
  type ServerDatabase,
} from '../../main/core/people/index.js';
import { openServerDatabase } from '../../main/core/store/index.js';
import type { ServerConfig } from '../../main/server/config.js';
import { AccessTokens, keyRingOf } from '../../main/server/signin/index.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { freshDatabase } from './postgres-store.js';

export const ISSUER = 'https://maildock.test';
export const AUDIENCE = 'maildock-api';

export interface SignInWorld {
  server: PostgresServer;
  db: ServerDatabase;
  /** The configuration's JWT part, as the server takes it. */
  jwt: ServerConfig['jwt'];
  /** Tokens as the server makes them, for the tests' own. */
  tokens: AccessTokens;
  current: NewKey;
  previous: NewKey;
  users: Record<'alice' | 'bob' | 'carol', Person & { password: string }>;
  stop(): Promise<void>;
}

export async function signInWorld(refreshTtlSeconds = 30 * 24 * 3600): Promise<SignInWorld> {
  const server = await startPostgres();
  try {
    const url = await freshDatabase(server);
    const db = await openServerDatabase(url, {
      appPassword: randomBytes(24).toString('base64url'),
    });
    const acme = await db.people.tenants.add('acme');
    const globex = await db.people.tenants.add('globex');
    const add = async (tenantId: number, email: string) => {
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      const person = await db.people.users.add({
        tenantId,
        email,
        passwordHash: await hashPassword(password),
        role: 'user',
      });
      return { ...person, password };
    };
    const users = {
      alice: await add(acme.id, 'alice@acme.test'),
      bob: await add(acme.id, 'bob@acme.test'),
      carol: await add(globex.id, 'carol@globex.test'),
    };
    const current = makeKeyPair('EdDSA', 'k2');
    const previous = makeKeyPair('ES256', 'k1');
    const privateKey = createPrivateKey(current.privateKey);
    const signing = {
      kid: 'k2',
      alg: 'EdDSA' as const,
      privateKey,
      publicKey: createPublicKey(privateKey),
      file: 'k2.pem',
    };
    const older = {
      kid: 'k1',
      alg: 'ES256' as const,
      publicKey: createPublicKey(previous.publicKey),
      file: 'k1.pem',
    };
    const jwt: ServerConfig['jwt'] = {
      signingKeys: [signing],
      verifyingKeys: [signing, older],
      hs256Secret: undefined,
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: refreshTtlSeconds * 1000,
    };
    const tokens = new AccessTokens({
      keys: keyRingOf(jwt),
      issuer: ISSUER,
      audience: AUDIENCE,
      sessions: db.people.sessions,
    });
    return {
      server,
      db,
      jwt,
      tokens,
      current,
      previous,
      users,
      stop: async () => {
        await db.close();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
