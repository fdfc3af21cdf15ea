// CORS_ORIGINS: the exact origins whose pages may call the API from a browser. They get
// their preflight and an Access-Control-Allow-Origin naming them; any other origin is
// refused as before, and gets no CORS header at all.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { openService, type TestService } from '../support/service.js';

const ALLOWED = 'https://mail.example.test';
let t: TestService;
let app: FastifyInstance;
const token = randomBytes(32).toString('base64url');

beforeAll(async () => {
  t = await openService(SERVER_SERVICE_OPTIONS);
  app = await buildServer(t.svc, { token, loopbackOnly: true, corsOrigins: [ALLOWED] });
});

afterAll(async () => {
  await app?.close();
  await t?.close();
});

const call = (origin: string, method: 'POST' | 'OPTIONS' = 'POST') =>
  app.inject({
    method,
    url: '/api/account.list',
    headers: {
      host: '127.0.0.1:8600',
      origin,
      ...(method === 'POST'
        ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
        : { 'access-control-request-method': 'POST' }),
    },
    ...(method === 'POST' ? { payload: '{}' } : {}),
  });

describe('CORS_ORIGINS', () => {
  it('lets a named origin preflight and read the API’s answers', async () => {
    const preflight = await call(ALLOWED, 'OPTIONS');
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const answer = await call(ALLOWED);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(answer.headers.vary).toContain('Origin');
  });

  it('refuses every other origin, with no CORS header, even one that differs by a letter', async () => {
    for (const origin of [
      'https://evil.example.test',
      'https://mail.example.tes',
      'http://mail.example.test',
    ]) {
      const answer = await call(origin);
      expect(answer.statusCode, origin).toBe(403);
      expect(answer.headers['access-control-allow-origin'], origin).toBeUndefined();
      const preflight = await call(origin, 'OPTIONS');
      expect(preflight.statusCode, origin).not.toBe(204);
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});
