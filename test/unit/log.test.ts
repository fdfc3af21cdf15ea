import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeLogging, getLogger, initLogging, logFilePath } from '../../main/core/platform/log.js';

// Taken at import, before any initLogging, as library modules do.
const early = getLogger('store');

const SECRETS = {
  password: 'pw-top-9f2c',
  token: 'tok-b81e',
  accessToken: 'at-5d0a',
  authPass: 'pw-auth-77aa',
  deep: 'pw-deep-31c4',
  arrayPass: 'pw-array-0be1',
  header: 'Bearer hdr-4e19',
  binding: 'pw-binding-c3d2',
  errPass: 'pw-err-61f0',
  text: 'Dear Bob, the text body',
  html: '<p>the html body</p>',
  body: 'raw body 8a8a',
  bytes: 'bytes body 7c7c',
  early: 'pw-early-1a1a',
  passphrase: 'backup-passphrase-5e5e',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maildock-log-'));
});
afterEach(async () => {
  await closeLogging();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('log', () => {
  it('writes warnings only, as redacted JSON to stderr, before initLogging', () => {
    const lines = captureStderr();
    early.info('not shown');
    early.warn({ password: SECRETS.password, user: 'alice' }, 'early warning');
    vi.restoreAllMocks();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      module: 'store',
      msg: 'early warning',
      user: 'alice',
      password: '[redacted]',
    });
  });

  it('keeps secrets and message text out of the log file', async () => {
    await initLogging({ dir, level: 'info' });
    const log = getLogger('sync');
    const message = {
      subject: 'Lunch',
      text: SECRETS.text,
      html: SECRETS.html,
      body: SECRETS.body,
    };
    const err = Object.assign(new Error('Command failed'), {
      code: 'AUTHENTICATIONFAILED',
      response: `A1 NO [AUTHENTICATIONFAILED] ${'x'.repeat(1000)}`,
      config: { auth: { user: 'alice', pass: SECRETS.errPass } },
    });

    log.info({ user: 'alice', password: SECRETS.password }, 'login attempt');
    log.info({ token: SECRETS.token, accessToken: SECRETS.accessToken }, 'oauth refreshed');
    log.info({ auth: { user: 'alice@example.com', pass: SECRETS.authPass } }, 'connecting');
    log.info({ a: { b: { c: { password: SECRETS.deep } } } }, 'deep');
    log.info({ accounts: [{ id: 1, password: SECRETS.arrayPass }] }, 'in an array');
    log.info({ headers: { Authorization: SECRETS.header } }, 'http');
    log.warn({ input: { to: 'x.maildock-backup', passphrase: SECRETS.passphrase } }, 'backup');
    log.info({ message, chunk: Buffer.from(SECRETS.bytes) }, 'message stored');
    log.child({ cid: 'c1', password: SECRETS.binding }).info('bound');
    log.error({ err }, 'sync failed');
    early.info({ password: SECRETS.early }, 'early logger after init');
    await closeLogging();

    expect(message.text).toBe(SECRETS.text); // the caller's object is not changed
    expect((await readdir(dir)).filter((f) => f.endsWith('.log'))).toEqual(['maildock.1.log']);
    const path = join(dir, 'maildock.1.log');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const content = await readFile(path, 'utf8');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(content, name).not.toContain(secret);
    }

    const lines = content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byMsg = (msg: string) => lines.find((l) => l.msg === msg)!;
    expect(byMsg('login attempt')).toMatchObject({
      module: 'sync',
      user: 'alice',
      password: '[redacted]',
      level: 30,
    });
    expect(byMsg('connecting')).toMatchObject({
      auth: { user: 'alice@example.com', pass: '[redacted]' },
    });
    expect(byMsg('deep')).toMatchObject({ a: { b: { c: { password: '[redacted]' } } } });
    expect(byMsg('backup')).toMatchObject({
      input: { to: 'x.maildock-backup', passphrase: '[redacted]' },
    });
    expect(byMsg('message stored')).toMatchObject({
      message: { subject: 'Lunch', text: '[redacted]' },
    });
    expect(byMsg('bound')).toMatchObject({ module: 'sync', cid: 'c1', password: '[redacted]' });
    expect(byMsg('early logger after init')).toMatchObject({ module: 'store' });

    const logged = byMsg('sync failed').err as Record<string, unknown>;
    expect(logged).toMatchObject({
      type: 'Error',
      message: 'Command failed',
      code: 'AUTHENTICATIONFAILED',
    });
    expect(logged.stack).toMatch(/log\.test\.ts/);
    expect(logged.response).toMatch(/^A1 NO \[AUTHENTICATIONFAILED\] x+…$/);
    expect((logged.response as string).length).toBe(301);
    expect(logged.config).toEqual({ auth: { user: 'alice', pass: '[redacted]' } });
  });

  it('names the file it writes and keeps numbering across restarts', async () => {
    await initLogging({ dir: join(dir, 'logs') });
    expect(logFilePath()).toBe(join(dir, 'logs', 'maildock.1.log'));
    getLogger('app').info('first run');
    await closeLogging();
    expect(logFilePath()).toBeNull();

    await initLogging({ dir: join(dir, 'logs'), level: 'debug' });
    getLogger('app').debug('second run');
    await closeLogging();
    const content = await readFile(join(dir, 'logs', 'maildock.1.log'), 'utf8');
    expect(content).toContain('"msg":"first run"');
    expect(content).toContain('"msg":"second run"');
    expect((await stat(join(dir, 'logs'))).mode & 0o777).toBe(0o700);
  });

  it('prints human-readable, redacted lines with pretty', async () => {
    const lines = captureStderr();
    await initLogging({ pretty: true, level: 'info' });
    getLogger('cli').info({ pass: SECRETS.password, mailbox: 'INBOX' }, 'syncing');
    vi.restoreAllMocks();
    const out = lines.join('');
    expect(out).toContain('syncing');
    expect(out).toContain('INBOX');
    expect(out).toContain('cli');
    expect(out).not.toContain(SECRETS.password);
    expect(() => JSON.parse(lines[0]!) as unknown).toThrow();
  });

  it('writes out what is still buffered when the process exits at once', async () => {
    const script = join(dir, 'exit.mts');
    const logModule = fileURLToPath(new URL('../../main/core/platform/log.ts', import.meta.url));
    await writeFile(
      script,
      `import { getLogger, initLogging } from ${JSON.stringify(logModule)};
      await initLogging({ dir: process.argv[2] });
      for (let i = 0; i < 2000; i++) getLogger('exit').info({ i, pad: 'y'.repeat(200) }, 'line');
      getLogger('exit').info('last line');
      process.exit(3);`,
    );
    const run = promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      script,
      join(dir, 'logs'),
    ]);
    await expect(run).rejects.toMatchObject({ code: 3 });
    const lines = (await readFile(join(dir, 'logs', 'maildock.1.log'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2001);
    expect(lines.at(-1)).toContain('"msg":"last line"');
  });

  it('refuses an unknown level', async () => {
    await expect(initLogging({ level: 'loud' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
