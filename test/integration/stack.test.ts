// The bundled stack against a real Docker engine (scripts/docker.sh starts one): the images
// built from stack/, all four services up and healthy with host networking on loopback
// ports, mail sent with SASL through the stack's submission port arriving over IMAP and
// synced by Maildock, health following a stopped Dovecot, `up` converging, `down` keeping
// the mail, and the errors for a taken port and a missing Docker.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackHealth } from '../../common/stack.js';
import { pinnedTls } from '../../main/core/net/pinned-tls.js';
import { pruneOlder } from '../../main/core/stack/images.js';
import { buildImage } from '../../main/core/stack/images.js';
import Docker from 'dockerode';
import { freePort, sleep } from '../support/processes.js';
import { runCli } from '../support/cli.js';
import { configureTestStack, freeStackPorts } from '../support/stack.js';
import { openService, type TestService } from '../support/service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COMPOSE = path.join(ROOT, 'stack/compose.yml');
const PROJECT = `mdtest${randomBytes(3).toString('hex')}`;
const HEALTH_MS = 1000;

let t: TestService;
let ports: Record<string, number>;

async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; fields?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return (err as { data: { code: string; message: string; fields?: Record<string, unknown> } })
      .data;
  }
  throw new Error('expected a failure');
}

/** What the server holds for a local mailbox, read over IMAPS with the pinned certificate. */
async function inboxSubjects(address: string, password: string): Promise<string[]> {
  const pem = (await t.svc.store.accounts.list()).find((a) => a.email === address)!.imap.tlsCert!;
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: ports.imaps!,
    secure: true,
    tls: pinnedTls(pem),
    auth: { user: address, pass: password },
    logger: false,
  });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const subjects: string[] = [];
    for await (const m of client.fetch('1:*', { envelope: true }))
      subjects.push(m.envelope?.subject ?? '');
    return subjects;
  } catch (err) {
    if (String((err as Error).message).includes('Invalid messageset')) return [];
    throw err;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

beforeAll(async () => {
  t = await openService({ timeoutMs: 15_000 });
  ports = await configureTestStack(t, PROJECT, HEALTH_MS);
});

afterAll(async () => {
  if (!t) return;
  await t.svc.invoke('stack.down', { volumes: true, confirm: true });
  await t.close();
});

describe('the bundled stack on a real Docker engine', () => {
  it('has a compose.yml that docker-compose itself accepts', () => {
    const out = execFileSync('docker-compose', ['-f', COMPOSE, 'config', '--services'], {
      env: { ...process.env, MAILDOCK_STACK_DIR: '/tmp/maildock-compose-check' },
    }).toString();
    // docker-compose 1.29 lists every service; `up` starts the server profile's only with --profile server.
    expect(out.split('\n').filter(Boolean).sort()).toEqual([
      'dovecot',
      'maildock-server',
      'nginx',
      'postfix',
      'postgres',
      'redis',
    ]);
  });

  it(
    'goes from nothing to all four services healthy, seen by docker compose too',
    async () => {
      const steps: string[] = [];
      const off = t.svc.on('stack.progress', (p) => steps.push(p.step));
      const status = await t.call('stack.up', {});
      off();
      for (const s of status.services) {
        expect(s.state, s.service).toBe('running');
        expect(s.health, s.service).toBe('healthy');
      }
      expect(steps).toEqual(
        expect.arrayContaining(['check', 'secrets', 'volumes', 'container', 'health', 'tls']),
      );
      const health = await t.call('stack.health', {});
      expect(health.current.overall).toBe('healthy');
      for (const s of health.current.services) {
        expect(s.probes.length, s.service).toBeGreaterThan(0);
        expect(
          s.probes.every((p) => p.ok),
          JSON.stringify(s.probes),
        ).toBe(true);
      }
      const ps = execFileSync(
        'docker-compose',
        // Running ones only: without the filter, docker-compose 1.29 lists the file's services.
        ['-p', PROJECT, '-f', COMPOSE, 'ps', '--services', '--filter', 'status=running'],
        {
          env: { ...process.env, MAILDOCK_STACK_DIR: '/tmp/maildock-compose-check' },
        },
      ).toString();
      expect(ps.split('\n').filter(Boolean).sort()).toEqual([
        'dovecot',
        'postfix',
        'postgres',
        'redis',
      ]);
    },
    20 * 60_000,
  );

  it('delivers mail sent with SASL through submission to a local mailbox, and Maildock syncs it', async () => {
    const alice = await t.call('stack.user.add', { name: 'alice', password: 'alice-password-1' });
    const bob = await t.call('stack.user.add', { name: 'bob', password: 'bob-password-22' });
    expect(alice.address).toBe('alice@maildock.test');
    expect((await t.call('stack.user.list', {})).map((u) => u.address).sort()).toEqual([
      'alice@maildock.test',
      'bob@maildock.test',
    ]);
    // Maildock's own send: SMTP submission with STARTTLS (pinned) and AUTH as alice.
    await t.call('outbox.send', {
      accountId: alice.accountId,
      to: [bob.address],
      subject: 'Through the local stack',
      text: 'Hello Bob, from the stack.',
      delaySeconds: 0,
    });
    await t.call('sync.run', { accountId: alice.accountId });
    expect((await t.call('outbox.list', {}))[0]!.state).toBe('sent');
    let subjects: string[] = [];
    for (let i = 0; i < 50 && !subjects.length; i++) {
      subjects = await inboxSubjects(bob.address, 'bob-password-22');
      if (!subjects.length) await sleep(200);
    }
    expect(subjects).toEqual(['Through the local stack']);
    await t.call('sync.run', { accountId: bob.accountId });
    const hits = await t.call('message.search', { query: 'subject:"local stack"' });
    expect(hits.hits.map((h) => h.message.subject)).toEqual(['Through the local stack']);
  }, 120_000);

  it('shows Dovecot stopped as degraded, naming dovecot, within one probe interval, then healthy again', async () => {
    const rounds: StackHealth[] = [];
    const off = t.svc.on('stack.health', (h) => rounds.push(h));
    await t.svc.monitorStack(HEALTH_MS);
    try {
      await t.call('stack.stop', { service: 'dovecot' });
      const stoppedAt = Date.now();
      const seen = () =>
        rounds.find((r) => Date.parse(r.at) >= stoppedAt && r.overall === 'degraded');
      while (!seen() && Date.now() - stoppedAt < 10_000) await sleep(50);
      const degraded = seen();
      expect(degraded, JSON.stringify(rounds.at(-1))).toBeDefined();
      // A round starts within one interval of the stop, and reports what it found.
      expect(Date.parse(degraded!.at) - stoppedAt).toBeLessThanOrEqual(HEALTH_MS + 100);
      expect(degraded!.summary).toContain('dovecot');
      expect(degraded!.services.find((s) => s.service === 'dovecot')!.state).toBe('stopped');
      expect(
        degraded!.services
          .filter((s) => s.state === 'healthy')
          .map((s) => s.service)
          .sort(),
      ).toEqual(['postfix', 'postgres', 'redis']);

      await t.call('stack.start', { service: 'dovecot' });
      const startedAt = Date.now();
      const healthy = () =>
        rounds.find((r) => Date.parse(r.at) >= startedAt && r.overall === 'healthy');
      while (!healthy() && Date.now() - startedAt < 60_000) await sleep(100);
      expect(healthy(), JSON.stringify(rounds.at(-1))).toBeDefined();
    } finally {
      off();
      (await t.svc.stack()).monitor.stop();
    }
  }, 120_000);

  it('changes nothing when up runs again', async () => {
    const ids = () =>
      execFileSync('docker', [
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${PROJECT}`,
      ])
        .toString()
        .split('\n')
        .filter(Boolean)
        .sort();
    const before = ids();
    const started = (await t.call('stack.status', {})).services.map((s) => s.startedAt);
    const steps: string[] = [];
    const off = t.svc.on('stack.progress', (p) => steps.push(`${p.step}:${p.message}`));
    await t.call('stack.up', {});
    off();
    expect(ids()).toEqual(before);
    expect(before).toHaveLength(4);
    expect((await t.call('stack.status', {})).services.map((s) => s.startedAt)).toEqual(started);
    expect(steps.filter((s) => /^(build|container):/.test(s))).toEqual([]);
  }, 120_000);

  it('completes a half-created stack, touching only what is missing', async () => {
    const ids = () =>
      Object.fromEntries(
        execFileSync('docker', [
          'ps',
          '-a',
          '--no-trunc',
          '--format',
          '{{.Label "com.docker.compose.service"}} {{.ID}}',
          '--filter',
          `label=com.docker.compose.project=${PROJECT}`,
        ])
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ')),
      );
    const before = ids();
    execFileSync('docker', ['rm', '-f', before.redis!]);
    const status = await t.call('stack.up', {});
    const after = ids();
    expect(after.redis).toBeDefined();
    expect(after.redis).not.toBe(before.redis);
    for (const s of ['postgres', 'dovecot', 'postfix']) expect(after[s], s).toBe(before[s]);
    expect(status.services.every((s) => s.health === 'healthy')).toBe(true);
  }, 120_000);

  it('answers on the command line: status, health and logs', async () => {
    const env = { MAILDOCK_SECRET_KEY: t.secretKey };
    const status = await runCli(['--data-dir', t.dataDir, '--json', 'stack', 'status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).services.map((s: { state: string }) => s.state)).toEqual([
      'running',
      'running',
      'running',
      'running',
    ]);
    const health = await runCli(['--data-dir', t.dataDir, 'stack', 'health'], env);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/^HEALTHY: All services healthy/);
    const logs = await runCli(
      ['--data-dir', t.dataDir, 'stack', 'logs', 'dovecot', '--tail', '50'],
      env,
    );
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('dovecot | ');
    expect(logs.stdout).toMatch(/Dovecot v2\.3/);
  }, 60_000);

  it('keeps the mail through down and up', async () => {
    const down = await t.call('stack.down', {});
    expect(down.removedContainers).toBe(4);
    expect((await t.call('stack.status', {})).services.every((s) => s.state === 'missing')).toBe(
      true,
    );
    expect((await t.call('stack.health', {})).current.overall).toBe('stopped');
    await t.call('stack.up', {});
    expect(await inboxSubjects('bob@maildock.test', 'bob-password-22')).toEqual([
      'Through the local stack',
    ]);
  }, 300_000);

  it('names the port that another program holds', async () => {
    const other = await openService();
    const blocker = net.createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', r));
    try {
      const p = await freeStackPorts();
      await other.call('stack.config', {
        project: `${PROJECT}x`,
        network: 'host',
        ports: { ...p, imaps: taken },
      });
      const err = await failure(other.call('stack.up', {}));
      expect(err.code).toBe('PORT_IN_USE');
      expect(err.message).toContain(String(taken));
      expect(err.fields).toMatchObject({ port: taken, service: 'dovecot', setting: 'imaps' });
      // Nothing was created for the refused stack.
      expect(
        execFileSync('docker', [
          'ps',
          '-aq',
          '--filter',
          `label=com.docker.compose.project=${PROJECT}x`,
        ])
          .toString()
          .trim(),
      ).toBe('');
    } finally {
      blocker.close();
      await other.close();
    }
  });

  it('says Docker is not running when its socket is missing, in the service and the CLI', async () => {
    const other = await openService({
      stack: { docker: { socketPath: '/nonexistent/docker.sock' } },
    });
    try {
      const err = await failure(other.call('stack.status', {}));
      expect(err.code).toBe('DOCKER_NOT_RUNNING');
      expect(err.fields).toMatchObject({ socket: '/nonexistent/docker.sock' });
      expect(String(err.fields?.hint)).toMatch(/start/i);
      const health = await other.call('stack.health', {});
      expect(health.current.overall).toBe('down');
    } finally {
      await other.close();
    }
    const cli = await runCli(['--data-dir', t.dataDir, '--json', 'stack', 'status'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      MAILDOCK_SECRET_KEY: t.secretKey,
    });
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stderr || cli.stdout).error.code).toBe('DOCKER_NOT_RUNNING');
  });
});

describe('a stack that cannot start says why', () => {
  // A compose file of its own beside its images: one that fails to build, one that dies.
  function brokenStack(dockerfile: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-broken-stack-'));
    mkdirSync(path.join(dir, 'redis'));
    writeFileSync(path.join(dir, 'redis', 'Dockerfile'), dockerfile);
    writeFileSync(
      path.join(dir, 'compose.yml'),
      [
        'services:',
        '  redis:',
        `    image: maildock-test/broken:\${MAILDOCK_STACK_TAG}`,
        '    build: ./redis',
        '    restart: unless-stopped',
        '',
      ].join('\n'),
    );
    return path.join(dir, 'compose.yml');
  }

  async function upWith(composeFile: string) {
    const s = await openService({ stack: { composeFile } });
    await s.call('stack.config', { project: `${PROJECT}b`, network: 'host' });
    try {
      return await failure(s.call('stack.up', {}));
    } finally {
      await s.svc.invoke('stack.down', { volumes: true, confirm: true });
      await s.close();
      const images = execFileSync('docker', ['images', '-q', 'maildock-test/broken'])
        .toString()
        .split('\n')
        .filter(Boolean);
      if (images.length) execFileSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
    }
  }

  it('names the build step that failed, with its output', async () => {
    const err = await upWith(
      brokenStack('FROM debian:bookworm-slim\nRUN echo the-step-said-this && exit 3\n'),
    );
    expect(err.code).toBe('STACK_BUILD_FAILED');
    expect(String(err.fields?.step)).toContain('RUN echo the-step-said-this');
    expect(String(err.fields?.output)).toContain('the-step-said-this');
  }, 120_000);

  it('says a container keeps restarting, with its last log lines', async () => {
    const err = await upWith(
      brokenStack(
        'FROM debian:bookworm-slim\nENTRYPOINT ["sh", "-c", "echo cannot-open-my-data >&2; exit 1"]\n',
      ),
    );
    expect(err.code).toBe('STACK_UNHEALTHY');
    expect(err.message).toMatch(/redis (keeps restarting|exited)/);
    expect(String(err.fields?.lastLog)).toContain('cannot-open-my-data');
  }, 120_000);
});

describe("the stack's images", () => {
  it('are pruned when a newer build replaces them, and only those Maildock built', async () => {
    const docker = new Docker();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-prune-'));
    const build = async (tag: string, line: string, ours: boolean) => {
      mkdirSync(path.join(dir, tag));
      writeFileSync(
        path.join(dir, tag, 'Dockerfile'),
        `FROM debian:bookworm-slim\nRUN echo ${line} > /built\n`,
      );
      if (ours)
        await buildImage(docker, {
          image: `maildock-test/prune:${tag}`,
          context: path.join(dir, tag),
          dockerfile: 'Dockerfile',
          networkMode: 'host',
        });
      else
        execFileSync('docker', [
          'build',
          '-q',
          '--network',
          'host',
          '-t',
          `maildock-test/prune:${tag}`,
          path.join(dir, tag),
        ]);
    };
    const tags = async () =>
      (await docker.listImages({ filters: { reference: ['maildock-test/prune'] } }))
        .flatMap((i) => i.RepoTags ?? [])
        .sort();
    try {
      await build('old', randomBytes(4).toString('hex'), true);
      await build('theirs', randomBytes(4).toString('hex'), false);
      await build('new', randomBytes(4).toString('hex'), true);
      await pruneOlder(docker, 'maildock-test/prune:new');
      expect(await tags()).toEqual(['maildock-test/prune:new', 'maildock-test/prune:theirs']);
    } finally {
      for (const t of await tags())
        await docker
          .getImage(t)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }, 120_000);
});
