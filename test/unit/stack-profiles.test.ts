// The compose profile `server` in stack/compose.yml as the controller plans it: left out on
// a desktop, maildock-server and nginx when on, the server as several instances with ports
// of their own on a host network, and the health model's view of nginx's certificate.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeServices, stackSettingsSchema, type StackHealth } from '../../common/stack.js';
import { trayModel } from '../../main/app/tray-model.js';
import { loadCompose } from '../../main/core/stack/compose-file.js';
import { withoutData } from '../../main/core/stack/data-backup.js';
import { overallHealth, serviceHealth } from '../../main/core/stack/health.js';
import { servedCertificate } from '../../main/core/stack/http-probes.js';
import { composeEnv, planStack, serverUpstreams } from '../../main/core/stack/plan.js';
import { composeFile, serverImage } from '../../main/core/stack/project.js';

const settings = (over: Record<string, unknown> = {}) => stackSettingsSchema.parse(over);
const SERVER_CONTEXT = { context: '/opt/server-image', tag: '0123456789ab' };
const load = (s = settings()) =>
  loadCompose(composeFile(), composeEnv(s, '/data/stack/services', 'abc123', SERVER_CONTEXT));
const plan = (over: Record<string, unknown> = {}) => {
  const s = settings(over);
  return planStack(load(s), s);
};
const env = (p: ReturnType<typeof plan>, container: string) =>
  Object.fromEntries(
    (p.services.find((s) => s.container === container)!.create.Env ?? []).map((kv) => [
      kv.slice(0, kv.indexOf('=')),
      kv.slice(kv.indexOf('=') + 1),
    ]),
  );

describe('the server profile', () => {
  it('is off on a desktop: up plans the mail stack only', () => {
    const services = plan().services.map((s) => s.service);
    expect([...services].sort()).toEqual(['dovecot', 'postfix', 'postgres', 'redis']);
    expect(activeServices([])).toEqual(['postgres', 'redis', 'dovecot', 'postfix']);
    expect(activeServices(['server'])).toEqual([
      'postgres',
      'redis',
      'dovecot',
      'postfix',
      'maildock-server',
      'nginx',
    ]);
  });

  it('adds the server after Postgres and Redis are healthy, and nginx after the server', () => {
    const p = plan({ profiles: ['server'] });
    const order = p.services.map((s) => s.service);
    expect(order).toContain('maildock-server');
    expect(order.indexOf('postgres')).toBeLessThan(order.indexOf('maildock-server'));
    expect(order.indexOf('redis')).toBeLessThan(order.indexOf('maildock-server'));
    expect(order.indexOf('maildock-server')).toBeLessThan(order.indexOf('nginx'));
    const server = p.services.find((s) => s.service === 'maildock-server')!;
    expect(server.dependsOn).toEqual({ postgres: 'service_healthy', redis: 'service_healthy' });
    expect(p.services.find((s) => s.service === 'nginx')!.dependsOn).toEqual({
      'maildock-server': 'service_healthy',
    });
    expect(server.image).toBe('maildock/server:0123456789ab');
    expect(server.build).toEqual({
      context: '/opt/server-image',
      dockerfile: 'server/Dockerfile',
      args: { NODE_FROM: 'host' },
    });
    expect(server.create.Healthcheck?.Test).toEqual(['CMD', 'maildock-health']);
  });

  it('publishes only nginx, on 127.0.0.1, and gives the server its own secrets and read-only access to the passwords it needs', () => {
    const p = plan({ profiles: ['server'] });
    const server = p.services.find((s) => s.service === 'maildock-server')!;
    const nginx = p.services.find((s) => s.service === 'nginx')!;
    expect(server.create.HostConfig?.PortBindings).toEqual({});
    expect(nginx.create.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '8443' }],
    });
    expect(nginx.ports.map((x) => x.name)).toEqual(['http', 'https']);
    const mounts = (s: typeof server) =>
      (s.create.HostConfig?.Mounts ?? []).map((m) => `${m.Source}:${m.Target}:${m.ReadOnly}`);
    expect(mounts(server)).toEqual([
      '/data/stack/services/maildock-server:/run/maildock/server:false',
      '/data/stack/services/postgres:/run/maildock/postgres:true',
      '/data/stack/services/redis:/run/maildock/redis:true',
    ]);
    expect(mounts(nginx)).toEqual([
      'maildock_tls:/etc/maildock/tls:true',
      '/data/stack/services/nginx:/etc/maildock/tls-operator:true',
    ]);
    // The operator's certificate folder, when one is set.
    const own = plan({ profiles: ['server'], tlsDir: '/etc/letsencrypt/live/mail.example.org' });
    expect(mounts(own.services.find((s) => s.service === 'nginx')!)).toContain(
      '/etc/letsencrypt/live/mail.example.org:/etc/maildock/tls-operator:true',
    );
    // Neither writes a volume: a backup says they hold no data of their own.
    expect(withoutData(p)).toEqual(['maildock-server', 'nginx']);
    expect(withoutData(plan())).toEqual([]);
  });

  it('on a bridge network runs every instance on 8600 under one name that Docker resolves to all', () => {
    const p = plan({ profiles: ['server'], serverInstances: 3 });
    const servers = p.services.filter((s) => s.service === 'maildock-server');
    expect(servers.map((s) => s.container)).toEqual([
      'maildock-maildock-server-1',
      'maildock-maildock-server-2',
      'maildock-maildock-server-3',
    ]);
    expect(servers.map((s) => s.key)).toEqual([
      'maildock-server',
      'maildock-server#2',
      'maildock-server#3',
    ]);
    expect(servers.map((s) => s.create.Labels!['com.docker.compose.container-number'])).toEqual([
      '1',
      '2',
      '3',
    ]);
    for (const s of servers) {
      expect(env(p, s.container).SERVER_PORT).toBe('8600');
      expect(s.create.NetworkingConfig?.EndpointsConfig?.maildock_default?.Aliases).toEqual([
        'maildock-server',
      ]);
    }
    expect(env(p, 'maildock-nginx-1').UPSTREAMS).toBe('maildock-server:8600');
    expect(env(p, 'maildock-nginx-1').PUBLIC_HTTPS_PORT).toBe('8443');
  });

  it('on a host network gives instance n the port server + n − 1 and nginx the list', () => {
    const over = {
      profiles: ['server'],
      serverInstances: 3,
      network: 'host',
      ports: { server: 23600, postgres: 25433, redis: 26379, http: 28080, https: 28443 },
    };
    const p = plan(over);
    const servers = p.services.filter((s) => s.service === 'maildock-server');
    expect(servers.map((s) => env(p, s.container).SERVER_PORT)).toEqual([
      '23600',
      '23601',
      '23602',
    ]);
    // Postgres and Redis stay where they are: they are the dependencies' ports.
    for (const s of servers) {
      expect(env(p, s.container)).toMatchObject({
        PG_HOST: '127.0.0.1',
        PG_PORT: '25433',
        REDIS_PORT: '26379',
      });
      expect(s.ports).toHaveLength(1);
    }
    expect(servers.map((s) => s.ports[0]!.port)).toEqual([23600, 23601, 23602]);
    expect(serverUpstreams(settings(over))).toEqual([
      '127.0.0.1:23600',
      '127.0.0.1:23601',
      '127.0.0.1:23602',
    ]);
    expect(env(p, 'maildock-nginx-1')).toMatchObject({
      UPSTREAMS: '127.0.0.1:23600 127.0.0.1:23601 127.0.0.1:23602',
      HTTP_PORT: '28080',
      HTTPS_PORT: '28443',
      LISTEN: '127.0.0.1',
    });
    // Each instance is its own container with its own hash: adding one changes none of the others.
    const more = plan({ ...over, serverInstances: 4 });
    const hashes = (x: typeof p) =>
      x.services.filter((s) => s.service === 'maildock-server').map((s) => s.hash);
    expect(hashes(more).slice(0, 3)).toEqual(hashes(p));
  });

  it('refuses a service that needs one left out by its profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildock-profiles-'));
    const file = join(dir, 'compose.yml');
    writeFileSync(
      file,
      'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    profiles: [server]\n',
    );
    const compose = loadCompose(file, {});
    expect(() => planStack(compose, settings())).toThrow(/b, which is in a profile that is not on/);
    expect(planStack(compose, settings({ profiles: ['server'] })).services).toHaveLength(2);
  });

  it('tags the server image with the stamp of its staged context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildock-server-image-'));
    const stackDir = join(dir, 'stack');
    mkdirSync(join(dir, 'build', 'server-image'), { recursive: true });
    mkdirSync(stackDir);
    const compose = join(stackDir, 'compose.yml');
    const saved = process.env.MAILDOCK_SERVER_CONTEXT;
    delete process.env.MAILDOCK_SERVER_CONTEXT;
    try {
      expect(serverImage(compose)).toEqual({
        context: join(dir, 'build', 'server-image'),
        tag: 'unstaged',
      });
      writeFileSync(join(dir, 'build', 'server-image', 'stamp'), 'a1b2c3d4e5f6\n');
      expect(serverImage(compose).tag).toBe('a1b2c3d4e5f6');
    } finally {
      if (saved !== undefined) process.env.MAILDOCK_SERVER_CONTEXT = saved;
    }
  });
});

describe("nginx's certificate in the health model", () => {
  const now = new Date('2027-01-01T00:00:00Z');
  const cert = (validTo: string) =>
    servedCertificate(
      { subject: { CN: 'mail.example.org' }, issuer: { CN: 'R11' }, valid_to: validTo } as never,
      now,
    );
  const ok = { name: 'HTTPS GET /health :8443', ok: true, latencyMs: 4 };
  const healthy = (service: 'postgres' | 'redis') =>
    serviceHealth(service, 'running', 'healthy', [ok]);

  it('counts whole days left, negative once expired', () => {
    expect(cert('Jan 31 00:00:00 2027 GMT')).toEqual({
      subject: 'CN=mail.example.org',
      issuer: 'CN=R11',
      notAfter: '2027-01-31T00:00:00.000Z',
      daysLeft: 30,
    });
    expect(cert('Jan 10 12:00:00 2027 GMT').daysLeft).toBe(9);
    expect(cert('Dec 31 12:00:00 2026 GMT').daysLeft).toBe(-1);
  });

  it('is healthy with 14 days or more, degraded with fewer, unhealthy once expired', () => {
    const month = serviceHealth(
      'nginx',
      'running',
      'healthy',
      [ok],
      cert('Jan 31 00:00:00 2027 GMT'),
    );
    expect(month).toMatchObject({ state: 'healthy', problem: null });
    expect(month.certificate?.daysLeft).toBe(30);
    expect(overallHealth([healthy('postgres'), month]).overall).toBe('healthy');

    const soon = serviceHealth(
      'nginx',
      'running',
      'healthy',
      [ok],
      cert('Jan 10 12:00:00 2027 GMT'),
    );
    expect(soon.state).toBe('healthy');
    expect(soon.problem).toBe("nginx's certificate expires in 9 days (2027-01-10): renew it");
    expect(overallHealth([healthy('postgres'), soon])).toEqual({
      overall: 'degraded',
      summary: "nginx's certificate expires in 9 days (2027-01-10): renew it",
    });

    const expired = serviceHealth(
      'nginx',
      'running',
      'healthy',
      [ok],
      cert('Dec 31 12:00:00 2026 GMT'),
    );
    expect(expired).toMatchObject({
      state: 'unhealthy',
      problem: 'nginx serves a certificate that expired on 2026-12-31',
    });
    expect(overallHealth([healthy('redis'), expired]).overall).toBe('degraded');
  });

  it('shows in the tray beside the healthy nginx', () => {
    const soon = serviceHealth(
      'nginx',
      'running',
      'healthy',
      [ok],
      cert('Jan 10 12:00:00 2027 GMT'),
    );
    const services = [healthy('postgres'), soon];
    const health: StackHealth = {
      ...overallHealth(services),
      at: now.toISOString(),
      roundMs: 5,
      services,
    };
    const tray = trayModel(
      {
        health,
        stackConfigured: true,
        unread: 0,
        syncing: false,
        backupAvailable: true,
        stackBusy: false,
      },
      'linux',
    );
    expect(tray.state).toBe('degraded');
    expect(tray.items).toContainEqual({
      type: 'info',
      label: "nginx: healthy · 4 ms — nginx's certificate expires in 9 days (2027-01-10): renew it",
    });
  });
});
