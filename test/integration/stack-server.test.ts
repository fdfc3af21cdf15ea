// The stack's server profile on a real Docker engine: maildock-server (the server of many
// people, on the stack's Postgres and Redis, with the keys the app made for it) behind nginx,
// with host networking on free loopback ports. /health answers through nginx over HTTPS with
// the operator's certificate and plain HTTP redirects; a mailbox added with `stack user add`
// signs in to the web UI through nginx and to Dovecot over IMAPS with one password (and with
// the next one after `stack user passwd`); the event WebSocket is upgraded through nginx; the
// health model shows the certificate's expiry: degraded with days left, unhealthy once expired.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StackHealth } from '../../common/stack.js';
import { pinnedTls } from '../../main/core/net/pinned-tls.js';
import { writeCertificate } from '../support/certificates.js';
import { waitFor } from '../support/processes.js';
import { stageServerImage } from '../support/server-image.js';
import { configureTestStack } from '../support/stack.js';
import { openService, type TestService } from '../support/service.js';

const PROJECT = `mdsrv${randomBytes(3).toString('hex')}`;
const DAY = 86_400_000;

let t: TestService;
let ports: Record<string, number>;
let tlsDir: string;
let cert: string;
/** The mailbox the sign-in test adds, with its latest password. */
const alice = { address: '', password: '' };

function overHttps(
  pathname: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: ports.https,
        path: pathname,
        method: body === undefined ? 'GET' : 'POST',
        servername: 'localhost',
        // The operator's certificate, and nothing else, is trusted: the check is real.
        ca: cert,
        agent: false,
        headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function httpGet(pathname: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: ports.http, path: pathname, headers: { host: 'localhost' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const JSON_BODY = { 'content-type': 'application/json' };

/** POST /api/auth.login through nginx: the access token, or null when refused. */
async function signIn(email: string, password: string): Promise<string | null> {
  const res = await overHttps('/api/auth.login', JSON_BODY, JSON.stringify({ email, password }));
  if (res.status === 401) return null;
  expect(res.status, res.body).toBe(200);
  return (JSON.parse(res.body) as { value: { accessToken: string } }).value.accessToken;
}

/** Signs in to the stack's Dovecot over IMAPS (its pinned certificate) and out again. */
async function imapsLogin(address: string, password: string): Promise<void> {
  const pem = (await t.svc.stack()).controller.files.pinnedCert()!.pem;
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: ports.imaps!,
    secure: true,
    tls: pinnedTls(pem),
    auth: { user: address, pass: password },
    logger: false,
  });
  await client.connect();
  await client.logout().catch(() => client.close());
}

const nginxOf = (h: StackHealth) => h.services.find((s) => s.service === 'nginx')!;

beforeAll(async () => {
  stageServerImage();
  t = await openService({ timeoutMs: 15_000 });
  ports = await configureTestStack(t, PROJECT, 1000);
  tlsDir = mkdtempSync(path.join(os.tmpdir(), 'maildock-operator-tls-'));
  // An operator's certificate with 5 days left: served by nginx instead of the stack's own.
  cert = writeCertificate(
    tlsDir,
    new Date(Date.now() - 85 * DAY),
    new Date(Date.now() + 5 * DAY + 3_600_000),
  );
  await t.call('stack.config', { tlsDir });
}, 20 * 60_000);

afterAll(async () => {
  if (!t) return;
  await t.svc.invoke('stack.down', { volumes: true, confirm: true });
  await t.close();
});

describe('the stack under the server profile', () => {
  it(
    'comes up with maildock-server and nginx healthy, and /health answers through nginx over HTTPS',
    async () => {
      const started = Date.now();
      const status = await t.call('stack.up', { profiles: ['server'] });
      console.log(`server profile up: ${Math.round((Date.now() - started) / 1000)} s`);
      expect(status.services.map((s) => s.service)).toEqual([
        'postgres',
        'redis',
        'dovecot',
        'postfix',
        'maildock-server',
        'nginx',
      ]);
      for (const s of status.services) {
        expect(s.state, s.service).toBe('running');
        expect(s.health, s.service).toBe('healthy');
      }
      const health = await overHttps('/health');
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'healthy', service: 'maildock' });
      // Plain HTTP: /health for balancers, everything else to HTTPS on the public port.
      expect((await httpGet('/health')).status).toBe(200);
      expect(await httpGet('/inbox?x=1')).toMatchObject({
        status: 308,
        location: `https://localhost:${ports.https}/inbox?x=1`,
      });
    },
    20 * 60_000,
  );

  it('signs in a mailbox of `stack user add` through nginx and to IMAPS with one password', async () => {
    const first = `alice-${randomBytes(6).toString('base64url')}`;
    const added = await t.call('stack.user.add', { name: 'alice', password: first });
    const address = added.address;
    expect(address).toBe('alice@maildock.test');
    expect((await overHttps('/api/account.list', JSON_BODY, '{}')).status).toBe(401);
    expect(await signIn(address, `${first}x`)).toBeNull();

    const token = await signIn(address, first);
    const bearer = { ...JSON_BODY, authorization: `Bearer ${token}` };
    const listed = await overHttps('/api/account.list', bearer, '{}');
    expect(listed.status, listed.body).toBe(200);
    // Her accounts on the server: none yet (the desktop's account of her mailbox is its own).
    expect(JSON.parse(listed.body)).toEqual({ ok: true, value: [] });
    const page = await overHttps('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root"></div>');
    const socket = new WebSocket(
      `wss://127.0.0.1:${ports.https}/events`,
      ['maildock', `bearer.${token}`],
      {
        ca: cert,
      },
    );
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.once('unexpected-response', () => resolve(false));
    });
    socket.close();
    expect(opened).toBe(true);
    await imapsLogin(address, first);
    await expect(imapsLogin(address, `${first}x`)).rejects.toMatchObject({
      authenticationFailed: true,
    });

    // A new password: the web UI, IMAPS and the desktop's account of the mailbox all take it.
    const second = `alice-${randomBytes(6).toString('base64url')}`;
    expect(await t.call('stack.user.passwd', { name: 'alice', password: second })).toEqual({
      address,
      accountUpdated: true,
    });
    expect(await signIn(address, first)).toBeNull();
    expect(await signIn(address, second)).toMatch(/^ey/);
    await imapsLogin(address, second);
    const account = await t.svc.store.accounts.get(added.accountId);
    expect(await t.svc.password(account!)).toBe(second);
    Object.assign(alice, { address: added.address, password: second });
  }, 120_000);

  it("shows the certificate's expiry: degraded with 5 days left, unhealthy once expired", async () => {
    const soon = (await t.call('stack.health', {})).current;
    expect(nginxOf(soon).certificate).toMatchObject({ subject: 'CN=localhost', daysLeft: 5 });
    expect(nginxOf(soon).state).toBe('healthy');
    expect(soon.overall).toBe('degraded');
    expect(soon.summary).toMatch(
      /^nginx's certificate expires in 5 days \(\d{4}-\d{2}-\d{2}\): renew it$/,
    );
    expect(soon.services.filter((s) => s.state !== 'healthy').map((s) => s.service)).toEqual([]);

    // Renewed badly: the new files have expired. nginx picks them up without a restart.
    writeCertificate(tlsDir, new Date(Date.now() - 90 * DAY), new Date(Date.now() - 2 * DAY));
    let last: StackHealth | null = null;
    const expired = await waitFor(
      async () => {
        last = (await t.call('stack.health', {})).current;
        return (nginxOf(last).certificate?.daysLeft ?? 0) < 0;
      },
      30_000,
      500,
    );
    expect(expired, JSON.stringify(last)).toBe(true);
    const nginx = nginxOf(last!);
    expect(nginx.state).toBe('unhealthy');
    expect(nginx.problem).toMatch(/^nginx serves a certificate that expired on \d{4}-\d{2}-\d{2}$/);
    expect(last!.overall).toBe('degraded');
    expect(last!.services.find((s) => s.service === 'maildock-server')!.state).toBe('healthy');
  }, 60_000);

  it(
    'spreads requests over two server instances on their own ports, and a desktop up removes both services',
    async () => {
      // Renewed properly this time: nginx, made anew for the second instance, serves it.
      cert = writeCertificate(tlsDir, new Date(Date.now() - DAY), new Date(Date.now() + 60 * DAY));
      await t.call('stack.config', { serverInstances: 2 });
      const status = await t.call('stack.up', {});
      expect(status.services.find((s) => s.service === 'maildock-server')!.health).toBe('healthy');
      const health = (await t.call('stack.health', {})).current;
      expect(
        health.services
          .find((s) => s.service === 'maildock-server')!
          .probes.map((p) => [p.name, p.ok]),
      ).toEqual([
        [`GET /health 127.0.0.1:${ports.server}`, true],
        [`GET /health 127.0.0.1:${ports.server! + 1}`, true],
      ]);
      // /health is not logged (balancers ask it all the time): the sign-in page is.
      for (let i = 0; i < 8; i++) expect((await overHttps('/')).status).toBe(200);
      // One sign-in holds on both: the instances share the keys the app made for the server.
      const token = await signIn(alice.address, alice.password);
      const bearer = { ...JSON_BODY, authorization: `Bearer ${token}` };
      for (let i = 0; i < 8; i++)
        expect((await overHttps('/api/account.list', bearer, '{}')).status).toBe(200);
      // nginx logs which instance answered each request.
      const answered = async (request: string) =>
        new Set(
          (await t.call('stack.logs', { service: 'nginx', tail: 200 }))
            .map(
              (l) => new RegExp(`"${request} HTTP/1\\.1" 200 \\S+ \\S+ (\\S+)$`).exec(l.text)?.[1],
            )
            .filter(Boolean),
        );
      for (const request of ['GET /', 'POST /api/account.list']) {
        const both = async () => (await answered(request)).size === 2;
        expect(await waitFor(both, 10_000, 250), request).toBe(true);
        expect([...(await answered(request))].sort()).toEqual([
          `127.0.0.1:${ports.server}`,
          `127.0.0.1:${ports.server! + 1}`,
        ]);
      }

      // The profile off: the mail stack stays, the server and nginx go.
      await t.call('stack.config', { profiles: [] });
      const desktop = await t.call('stack.up', {});
      expect(desktop.services.map((s) => s.service)).toEqual([
        'postgres',
        'redis',
        'dovecot',
        'postfix',
      ]);
      const docker = new Docker();
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${PROJECT}`] },
      });
      expect(left.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual([
        'dovecot',
        'postfix',
        'postgres',
        'redis',
      ]);
    },
    5 * 60_000,
  );
});
