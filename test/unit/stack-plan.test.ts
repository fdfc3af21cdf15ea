// stack/compose.yml as the controller reads it, and what it asks Docker for. The file under
// test is the real one: a change to it that the controller would not apply fails here.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackSettingsSchema } from '../../common/stack.js';
import {
  interpolate,
  loadCompose,
  parseMount,
  parsePort,
  startOrder,
  durationNs,
} from '../../main/core/stack/compose-file.js';
import { composeFile } from '../../main/core/stack/project.js';
import { composeEnv, LABEL, planStack } from '../../main/core/stack/plan.js';

const settings = (over: Record<string, unknown> = {}) => stackSettingsSchema.parse(over);

describe('compose interpolation', () => {
  const env = { SET: 'v', EMPTY: '' };
  it('follows compose: defaults for unset and empty, $$ escapes', () => {
    expect(interpolate('${SET}/${UNSET}/$SET', env)).toBe('v//v');
    expect(interpolate('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', env)).toBe('d d  d');
    expect(interpolate('$$HOME ${SET:-x}', env)).toBe('$HOME v');
    expect(() => interpolate('${UNSET:?must be set}', env)).toThrow(/UNSET: must be set/);
  });

  it('parses ports, mounts and durations the way Docker does', () => {
    expect(parsePort('127.0.0.1:1143:143')).toEqual({
      hostIp: '127.0.0.1',
      hostPort: 1143,
      containerPort: 143,
      protocol: 'tcp',
    });
    expect(parsePort('5433:5432/tcp').hostIp).toBe('0.0.0.0');
    expect(() => parsePort('1143')).toThrow(/IP:HOST:CONTAINER/);
    expect(parseMount('mail:/var/mail', '/s')).toEqual({
      type: 'volume',
      source: 'mail',
      target: '/var/mail',
      readOnly: false,
    });
    expect(parseMount('./local/dovecot:/run/maildock:ro', '/s')).toEqual({
      type: 'bind',
      source: '/s/local/dovecot',
      target: '/run/maildock',
      readOnly: true,
    });
    expect(() => parseMount('mail', '/s')).toThrow(/SOURCE/);
    expect(durationNs('1m30s')).toBe(90e9);
    expect(durationNs('500ms')).toBe(5e8);
  });

  it('refuses keys it would not apply and dependency cycles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildock-compose-'));
    const file = join(dir, 'compose.yml');
    writeFileSync(file, 'services:\n  a:\n    image: x\n    privileged: true\n');
    expect(() => loadCompose(file, {})).toThrow(/privileged/);
    writeFileSync(
      file,
      'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    depends_on: [a]\n',
    );
    expect(() => startOrder(loadCompose(file, {}).services)).toThrow(/cycle/);
    writeFileSync(file, 'services:\n  a:\n    image: x\n    volumes: ["nope:/data"]\n');
    expect(() => loadCompose(file, {})).toThrow(/undeclared volume nope/);
  });
});

describe('the stack plan from stack/compose.yml', () => {
  const load = (s = settings()) =>
    loadCompose(composeFile(), composeEnv(s, '/data/stack/services', 'abc123'));

  it('has the four services, Dovecot before Postfix, every one with a healthcheck and a restart policy', () => {
    const plan = planStack(load(), settings());
    const order = plan.services.map((s) => s.service);
    expect([...order].sort()).toEqual(['dovecot', 'postfix', 'postgres', 'redis']);
    expect(order.indexOf('dovecot')).toBeLessThan(order.indexOf('postfix'));
    // Both read the stack's mailboxes from Postgres.
    expect(plan.services.find((s) => s.service === 'postfix')!.dependsOn).toEqual({
      dovecot: 'service_healthy',
      postgres: 'service_healthy',
    });
    for (const s of plan.services) {
      expect(s.create.Healthcheck?.Test?.length, s.service).toBeGreaterThan(0);
      expect(s.create.HostConfig?.RestartPolicy?.Name, s.service).toBe('unless-stopped');
      expect(s.image).toBe(`maildock/${s.service}:abc123`);
      expect(s.build).toEqual({
        context: path.dirname(composeFile()),
        dockerfile: `${s.service}/Dockerfile`,
        args: {},
      });
    }
    expect(plan.volumes.map((v) => v.key).sort()).toEqual([
      'mail',
      'postfix-queue',
      'postgres-data',
      'redis-data',
      'tls',
    ]);
  });

  it('publishes every port on 127.0.0.1 only, on the ports users know, under compose labels', () => {
    const plan = planStack(load(), settings());
    const published = plan.services.flatMap(
      (s) =>
        Object.values(s.create.HostConfig?.PortBindings ?? {}).flat() as {
          HostIp: string;
          HostPort: string;
        }[],
    );
    expect(published.every((b) => b.HostIp === '127.0.0.1')).toBe(true);
    expect(published.map((b) => Number(b.HostPort)).sort((a, b) => a - b)).toEqual([
      1025, 1110, 1143, 1587, 1993, 1995, 5433, 6379,
    ]);
    const dovecot = plan.services.find((s) => s.service === 'dovecot')!;
    expect(dovecot.create.name).toBe('maildock-dovecot-1');
    expect(dovecot.create.Labels).toMatchObject({
      [LABEL.project]: 'maildock',
      [LABEL.service]: 'dovecot',
      [LABEL.number]: '1',
      [LABEL.oneoff]: 'False',
    });
    expect(dovecot.create.HostConfig?.NetworkMode).toBe('maildock_default');
    expect(dovecot.ports.map((p) => p.name).sort()).toEqual(['imap', 'imaps', 'pop3', 'pop3s']);
    // Secrets: each service's own folder only.
    for (const s of plan.services) {
      const binds = (s.create.HostConfig?.Mounts ?? []).filter((m) => m.Type === 'bind');
      expect(
        binds.map((m) => m.Source),
        s.service,
      ).toEqual([`/data/stack/services/${s.service}`]);
    }
  });

  it('with host networking binds each service to the configured address and ports instead', () => {
    const s = settings({
      network: 'host',
      project: 'test1',
      ports: { imap: 21143, lmtp: 21024, auth: 21025 },
    });
    const plan = planStack(load(s), s);
    const dovecot = plan.services.find((x) => x.service === 'dovecot')!;
    const postfix = plan.services.find((x) => x.service === 'postfix')!;
    expect(dovecot.create.HostConfig?.NetworkMode).toBe('host');
    expect(dovecot.create.HostConfig?.PortBindings).toBeUndefined();
    expect(dovecot.create.Env).toEqual(
      expect.arrayContaining([
        'LISTEN=127.0.0.1',
        'IMAP_PORT=21143',
        'LMTP_PORT=21024',
        'AUTH_PORT=21025',
      ]),
    );
    expect(postfix.create.Env).toEqual(
      expect.arrayContaining(['DOVECOT_HOST=127.0.0.1', 'LMTP_PORT=21024', 'AUTH_PORT=21025']),
    );
    expect(dovecot.ports.map((p) => p.port)).toEqual(expect.arrayContaining([21143, 21024, 21025]));
    // Postfix connects to Dovecot's LMTP and auth ports; it holds only its own.
    expect(postfix.ports.map((p) => p.name).sort()).toEqual(['smtp', 'submission']);
    expect(plan.network).toBeNull();
    expect(dovecot.create.name).toBe('test1-dovecot-1');
  });

  it('gives an unchanged service the same hash and a changed one another', () => {
    const a = planStack(load(), settings());
    const b = planStack(load(), settings());
    const c = planStack(
      load(settings({ ports: { imap: 2143 } })),
      settings({ ports: { imap: 2143 } }),
    );
    const hash = (p: typeof a, s: string) => p.services.find((x) => x.service === s)!.hash;
    expect(hash(a, 'dovecot')).toBe(hash(b, 'dovecot'));
    expect(hash(c, 'dovecot')).not.toBe(hash(a, 'dovecot'));
    expect(hash(c, 'postgres')).toBe(hash(a, 'postgres'));
  });
});

describe('image tags', () => {
  it('follow what the images are built from, not the secrets or docs beside it', async () => {
    const { contextTag } = await import('../../main/core/stack/images.js');
    const dir = mkdtempSync(join(tmpdir(), 'maildock-context-'));
    writeFileSync(join(dir, '.dockerignore'), 'local\nREADME.md\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
    const first = contextTag([dir, dir]);
    expect(contextTag([dir])).toBe(first);
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'password'), 'secret');
    writeFileSync(join(dir, 'README.md'), 'docs');
    expect(contextTag([dir])).toBe(first);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN true\n');
    expect(contextTag([dir])).not.toBe(first);
  });
});
