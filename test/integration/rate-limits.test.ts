// Rate limits over real HTTP: request N+1 gets 429 with Retry-After in the contract's shape;
// two instances sharing one real Redis share the limit; wrong tokens are limited per address
// and each is logged at info without the token; Redis going away does not take the server
// with it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLogging, initLogging } from '../../main/core/platform/log.js';
import { REDIS_NAMESPACE, registerLimits, type LimitsOptions } from '../../main/server/limits.js';
import { connectRedis } from '../../main/server/redis-client.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { freePort } from '../support/processes.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { openService, type TestService } from '../support/service.js';

const MINUTE = 60_000;

describe('rate limits', () => {
  let t: TestService;
  let redis: RedisServer;
  const token = randomBytes(32).toString('base64url');
  const apps: FastifyInstance[] = [];
  const clients: Redis[] = [];

  /** A server over the shared test service, listening on a free loopback port; its base URL. */
  async function serve(limits: LimitsOptions): Promise<string> {
    const app = await buildServer(t.svc, { token, loopbackOnly: true, limits });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  async function client(): Promise<Redis> {
    const c = await connectRedis(redis.url);
    clients.push(c);
    return c;
  }

  const call = (base: string, auth: string | null = token) =>
    fetch(`${base}/api/account.list`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth === null ? {} : { authorization: `Bearer ${auth}` }),
      },
      body: '{}',
    });

  async function expectLimited(res: Response, windowMs: number): Promise<void> {
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(windowMs / 1000);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const text = await res.text();
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringContaining('Too many requests'),
        fields: { retryAfter },
      },
    });
  }

  beforeAll(async () => {
    [t, redis] = await Promise.all([openService(SERVER_SERVICE_OPTIONS), startRedis()]);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const c of clients) c.disconnect();
    await t?.close();
    await redis?.stop();
  });

  it('answers request N+1 of a client with 429, Retry-After and the contract’s error, in memory', async () => {
    const base = await serve({ rateLimit: { max: 5, windowMs: MINUTE } });
    for (let i = 1; i <= 5; i++) {
      const res = await call(base);
      expect(res.status, `request ${i}`).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(5 - i));
    }
    await expectLimited(await call(base), MINUTE);
    // The balancer's health check is never limited.
    for (let i = 0; i < 8; i++) expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('counts a signed-in user and an address apart', async () => {
    const base = await serve({ rateLimit: { max: 3, windowMs: MINUTE } });
    // Pages fetched without signing in count against the address…
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(429);
    // …and the signed-in user, from the same address, has a budget of its own.
    for (let i = 0; i < 3; i++) expect((await call(base)).status).toBe(200);
    await expectLimited(await call(base), MINUTE);
  });

  it('shares the limit between two instances on one Redis, and keeps it in Redis', async () => {
    const redisA = await client();
    const redisB = await client();
    await redisA.flushall();
    const limits = { rateLimit: { max: 6, windowMs: MINUTE } };
    const a = await serve({ ...limits, redis: redisA });
    const b = await serve({ ...limits, redis: redisB });
    for (let i = 0; i < 6; i++)
      expect((await call(i % 2 ? b : a)).status, `request ${i}`).toBe(200);
    await expectLimited(await call(a), MINUTE);
    await expectLimited(await call(b), MINUTE);
    const keys = await redisA.keys(`${REDIS_NAMESPACE}*`);
    expect(keys.length).toBeGreaterThan(0);
    // An instance counting in its own memory knows nothing of that.
    const alone = await serve(limits);
    expect((await call(alone)).status).toBe(200);
  });

  it('limits wrong tokens per address across instances, logs each at info, never the token', async () => {
    const logDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-limits-log-'));
    const shared = await client();
    await shared.flushall();
    const limits = { loginRateLimit: { max: 20, windowMs: MINUTE }, redis: shared };
    const a = await serve(limits);
    const b = await serve({ ...limits, redis: await client() });
    const wrong = Array.from({ length: 3000 }, () => randomBytes(32).toString('base64url'));
    const statuses: number[] = [];
    await initLogging({ dir: logDir, level: 'info' });
    try {
      // Ten at a time, in order of sending, half on each instance.
      for (let i = 0; i < wrong.length; i += 10) {
        const batch = wrong.slice(i, i + 10).map((w, j) => call((i + j) % 2 ? b : a, w));
        for (const res of await Promise.all(batch)) {
          statuses.push(res.status);
          if (res.status === 429) {
            expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
            const body = await res.text();
            expect(JSON.parse(body)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
          } else await res.arrayBuffer();
        }
      }
      // A wrong sign-in link counts too.
      const link = await fetch(`${a}/?token=${wrong[0]}`, { redirect: 'manual' });
      await expectLimited(link, MINUTE);
      // The holder of the right token, from the same address, is still served.
      expect((await call(b)).status).toBe(200);
    } finally {
      await closeLogging();
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2980);

    const files = await readdir(logDir);
    const text = (await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8')))).join(
      '',
    );
    await rm(logDir, { recursive: true, force: true });
    const failed = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['msg'] === 'sign-in failed');
    expect(failed).toHaveLength(3001);
    for (const entry of failed) {
      expect(entry).toMatchObject({ level: 30, ip: '127.0.0.1', credentials: 'wrong' });
    }
    expect(failed.filter((e) => e['limited'] === false)).toHaveLength(20);
    expect(failed.at(-1)).toMatchObject({ path: '/', limited: true });
    for (const secret of [token, ...wrong]) expect(text).not.toContain(secret);
  });

  it('counts every attempt on a sign-in route, right or wrong, per address', async () => {
    const app = Fastify();
    apps.push(app);
    const limits = await registerLimits(app, {
      loginRateLimit: { max: 3, windowMs: MINUTE },
      redis: await client(),
    });
    app.post('/sign-in', { config: limits.signInRouteConfig }, async (req, reply) =>
      (req.body as { password?: string }).password === 'right'
        ? { ok: true }
        : reply.code(401).send({ ok: false }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sign-in`;
    const attempt = (password: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
    expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt('right')).status).toBe(200);
    expect((await attempt('wrong')).status).toBe(401);
    for (const password of ['right', 'wrong']) {
      const res = await attempt(password);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('keeps serving when Redis goes away: the limit is skipped, wrong tokens still get 401', async () => {
    const own = await startRedis();
    try {
      const c = await connectRedis(own.url);
      clients.push(c);
      const base = await serve({
        rateLimit: { max: 2, windowMs: MINUTE },
        loginRateLimit: { max: 1, windowMs: MINUTE },
        redis: c,
      });
      expect((await call(base)).status).toBe(200);
      await own.stop();
      for (let i = 0; i < 4; i++) expect((await call(base)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await call(base, 'wrong')).status).toBe(401);
    } finally {
      await own.stop();
    }
  });

  it('says which Redis does not answer, without its password', async () => {
    const port = await freePort();
    const err = await connectRedis(`redis://:hunter2-secret@127.0.0.1:${port}`).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; fields: Record<string, unknown> },
    );
    expect(err).toMatchObject({ code: 'HOST_UNREACHABLE', fields: { host: '127.0.0.1', port } });
    expect(err!.message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(err!.message).not.toContain('hunter2');
  });
});
