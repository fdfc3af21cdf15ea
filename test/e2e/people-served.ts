// The server of many people as the web UI's end-to-end tests meet it: a private Postgres
// with tenant acme and its person alice (a password of her own), her Inbox on a private
// Dovecot (added and synced through the API after she signs in, as her browser would), and
// the real HTTP server (buildPeopleServer with the password sign-in) serving the built
// renderer on 127.0.0.1.
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  hashPassword,
  makeKeyPair,
  openServerDatabase,
  PersonServices,
  type ServerDatabase,
} from '../../main/core/people/index.js';
import type { ServerConfig } from '../../main/server/config.js';
import { buildPeopleServer } from '../../main/server/people-server.js';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { passwordAuth } from '../../main/server/signin/index.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';
import { accountInput } from '../support/service.js';
import { ensureRendererBuilt, RENDERER_DIST } from './build.js';
import { startImageServer, type ImageServer } from './image-server.js';
import { inbox } from './inbox.js';

export interface PeopleServed {
  base: string;
  alice: { email: string; password: string };
  app: FastifyInstance;
  dovecot: DovecotServer;
  /** A contract call as alice, in a session of its own (not the browser's). */
  asAlice(method: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

function jwtConfig(): ServerConfig['jwt'] {
  const pair = makeKeyPair('EdDSA', 'e2e');
  const privateKey = createPrivateKey(pair.privateKey);
  const key = {
    kid: 'e2e',
    alg: 'EdDSA' as const,
    privateKey,
    publicKey: createPublicKey(privateKey),
    file: 'e2e.pem',
  };
  return {
    signingKeys: [key],
    verifyingKeys: [key],
    hs256Secret: undefined,
    issuer: 'http://127.0.0.1',
    audience: 'maildock-api',
    accessTokenTtlMs: 15 * 60_000,
    refreshTokenTtlMs: 3600_000,
  };
}

export async function startPeopleServed(): Promise<PeopleServed> {
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const [postgres, dovecot, images] = await Promise.all([
      startPostgres(),
      startDovecot(),
      startImageServer(),
      ensureRendererBuilt(),
    ]);
    stops.push(
      () => (postgres as PostgresServer).stop(),
      () => (dovecot as DovecotServer).stop(),
      () => (images as ImageServer).close(),
    );
    await dovecot.loadMaildir(
      'INBOX',
      inbox(images).map((raw) => ({ raw })),
    );
    const db: ServerDatabase = await openServerDatabase(await freshDatabase(postgres), {
      appPassword: randomBytes(24).toString('base64url'),
    });
    stops.push(() => db.close());
    const acme = await db.people.tenants.add('acme');
    const alice = {
      email: 'alice@acme.test',
      password: `pw-${randomBytes(9).toString('base64url')}`,
    };
    await db.people.users.add({
      tenantId: acme.id,
      email: alice.email,
      passwordHash: await hashPassword(alice.password),
      role: 'user',
    });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-people-e2e-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const services = new PersonServices(db, {
      dataDir,
      keys: [{ id: 'k1', key: randomBytes(32) }],
      service: SERVER_SERVICE_OPTIONS,
    });
    stops.push(() => services.close());
    const app = await buildPeopleServer(
      {
        services,
        auth: passwordAuth({ people: db.people, jwt: jwtConfig() }),
        healthy: () => db.ping(),
      },
      {
        staticDir: RENDERER_DIST,
        loopbackOnly: true,
        // One address signs in often here: the test, then the browser.
        limits: { loginRateLimit: { max: 1000, windowMs: 60_000 } },
      },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Alice's account, added and synced through the API with her own access token.
    const post = async (method: string, body: unknown, token?: string) => {
      const res = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { ok: boolean; value: unknown };
      if (!json.ok) throw new Error(`${method}: ${JSON.stringify(json)}`);
      return json.value;
    };
    const { accessToken } = (await post('auth.login', alice)) as { accessToken: string };
    await post('account.add', accountInput(dovecot), accessToken);
    const summary = (await post('sync.run', {}, accessToken)) as { errors: unknown[] };
    if (summary.errors.length) throw new Error(`sync: ${JSON.stringify(summary.errors)}`);
    const asAlice = (method: string, body: unknown) => post(method, body, accessToken);
    return { base, alice, app, dovecot, asAlice, close };
  } catch (err) {
    await close();
    throw err;
  }
}
