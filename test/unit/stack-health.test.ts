// The stack's health model (what the tray will show), its files and Docker's log framing.
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_SERVICES, type ServiceHealth } from '../../common/stack.js';
import { demux } from '../../main/core/stack/exec.js';
import { dovecotPbkdf2 } from '../../main/core/stack/pbkdf2-hash.js';
import { generatePassword, StackFiles } from '../../main/core/stack/stack-files.js';
import { overallHealth, serviceHealth } from '../../main/core/stack/health.js';

const ok = { name: 'p', ok: true, latencyMs: 3 };
const bad = {
  name: 'IMAPS login + NOOP :1993',
  ok: false,
  latencyMs: 2000,
  error: 'no answer within 2000 ms',
};

describe('service health', () => {
  it('is healthy only when the container runs and every probe passes', () => {
    expect(serviceHealth('redis', 'running', 'healthy', [ok]).state).toBe('healthy');
    expect(serviceHealth('redis', 'running', 'healthy', [ok]).latencyMs).toBe(3);
    const failing = serviceHealth('dovecot', 'running', 'healthy', [ok, bad]);
    expect(failing.state).toBe('unhealthy');
    expect(failing.problem).toBe(
      'dovecot: IMAPS login + NOOP :1993 failed: no answer within 2000 ms',
    );
    expect(failing.latencyMs).toBe(2000);
    expect(serviceHealth('dovecot', 'running', 'starting', [bad]).state).toBe('starting');
    expect(serviceHealth('dovecot', 'exited', 'none', [])).toMatchObject({
      state: 'stopped',
      problem: 'dovecot is stopped',
    });
    expect(serviceHealth('postfix', 'restarting', 'unhealthy', [])).toMatchObject({
      state: 'unhealthy',
      problem: 'postfix keeps restarting',
    });
    expect(serviceHealth('postgres', 'missing', 'none', []).state).toBe('stopped');
  });

  const all = (f: (s: (typeof STACK_SERVICES)[number]) => ServiceHealth) => STACK_SERVICES.map(f);
  it('makes the stack healthy, degraded naming the service, down or stopped', () => {
    const healthy = all((s) => serviceHealth(s, 'running', 'healthy', [ok]));
    expect(overallHealth(healthy)).toEqual({ overall: 'healthy', summary: 'All services healthy' });
    const oneStopped = all((s) =>
      s === 'dovecot'
        ? serviceHealth(s, 'exited', 'none', [])
        : serviceHealth(s, 'running', 'healthy', [ok]),
    );
    expect(overallHealth(oneStopped)).toEqual({
      overall: 'degraded',
      summary: 'dovecot is stopped',
    });
    const noneWorks = all((s) => serviceHealth(s, 'running', 'unhealthy', [bad]));
    expect(overallHealth(noneWorks).overall).toBe('down');
    expect(overallHealth(all((s) => serviceHealth(s, 'exited', 'none', []))).overall).toBe(
      'stopped',
    );
    expect(overallHealth(all((s) => serviceHealth(s, 'missing', 'none', []))).overall).toBe(
      'stopped',
    );
  });
});

describe('stack files', () => {
  it('makes every secret once, mode 0600, in folders of 0700, one per service', () => {
    const files = new StackFiles(mkdtempSync(join(tmpdir(), 'maildock-stackfiles-')));
    files.ensureSecrets();
    const first = files.secret('postgres');
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
    files.ensureSecrets();
    expect(files.secret('postgres')).toBe(first);
    expect(files.secret('redis')).not.toBe(first);
    for (const s of STACK_SERVICES)
      expect(statSync(files.serviceDir(s)).mode & 0o777, s).toBe(0o700);
    for (const f of ['postgres/password', 'redis/password', 'dovecot/probe_password'])
      expect(statSync(join(files.secretsDir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('reads the passwd-file of a stack from before, and moves it aside once migrated', () => {
    const files = new StackFiles(mkdtempSync(join(tmpdir(), 'maildock-stackfiles-')));
    files.ensureSecrets();
    expect(files.passwdFileUsers()).toEqual([]);
    const ann = dovecotPbkdf2('ann secret');
    writeFileSync(
      join(files.serviceDir('dovecot'), 'users'),
      `Ann@maildock.localhost:${ann}::::::\n\nbroken line\nbob@maildock.localhost:{PBKDF2}$1$s$5000$00::::::\n`,
    );
    expect(files.passwdFileUsers()).toEqual([
      { address: 'ann@maildock.localhost', hash: ann },
      { address: 'bob@maildock.localhost', hash: '{PBKDF2}$1$s$5000$00' },
    ]);
    files.markPasswdFileMigrated();
    expect(files.passwdFileUsers()).toEqual([]);
    expect(existsSync(join(files.serviceDir('dovecot'), 'users.migrated'))).toBe(true);
    // A new stack's folder has no passwd-file at all.
    files.ensureSecrets();
    expect(existsSync(join(files.serviceDir('dovecot'), 'users'))).toBe(false);
  });

  it('generates passwords from a safe alphabet', () => {
    const many = new Set(Array.from({ length: 50 }, generatePassword));
    expect(many.size).toBe(50);
  });
});

describe("Docker's multiplexed log stream", () => {
  const frame = (stream: 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  it('gives lines with their stream and time, joining lines split across frames', () => {
    const buf = Buffer.concat([
      frame(1, '2026-11-28T04:00:00.000000001Z started\n2026-11-28T04:00:00.5Z half'),
      frame(2, '2026-11-28T04:00:01Z an error\n'),
      frame(1, ' a line\n'),
    ]);
    expect(demux(buf, false)).toEqual([
      { time: '2026-11-28T04:00:00.000000001Z', stream: 'stdout', text: 'started' },
      { time: '2026-11-28T04:00:01Z', stream: 'stderr', text: 'an error' },
      { time: '2026-11-28T04:00:00.5Z', stream: 'stdout', text: 'half a line' },
    ]);
  });
});

describe('log times', () => {
  it('sort as Docker means them, whatever the length of the fraction', async () => {
    const { timeKey } = await import('../../main/core/stack/logs.js');
    const times = [
      '2026-11-28T04:00:00.51Z',
      '2026-11-28T04:00:00.5Z',
      '2026-11-28T04:00:01Z',
      '2026-11-28T04:00:00.000000009Z',
    ];
    expect([...times].sort((a, b) => (timeKey(a) < timeKey(b) ? -1 : 1))).toEqual([
      '2026-11-28T04:00:00.000000009Z',
      '2026-11-28T04:00:00.5Z',
      '2026-11-28T04:00:00.51Z',
      '2026-11-28T04:00:01Z',
    ]);
  });
});

describe('Docker errors', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });
  it('tells not installed, not running and no permission apart, each with a hint', async () => {
    const { dockerError } = await import('../../main/core/stack/docker.js');
    const path = process.env.PATH;
    try {
      process.env.PATH = mkdtempSync(join(tmpdir(), 'maildock-nodocker-'));
      expect(dockerError(err('ENOENT'), '/run/docker.sock').code).toBe('DOCKER_NOT_INSTALLED');
    } finally {
      process.env.PATH = path;
    }
    const notRunning = dockerError(err('ECONNREFUSED'), '/run/docker.sock');
    expect(notRunning.code).toBe('DOCKER_NOT_RUNNING');
    expect(notRunning.fields.hint).toMatch(/start/);
    const denied = dockerError(err('EACCES'), '/run/docker.sock');
    expect(denied.code).toBe('DOCKER_PERMISSION');
    expect(denied.fields).toMatchObject({ socket: '/run/docker.sock' });
    expect(denied.fields.hint).toMatch(/docker group/);
  });
});
