// `maildock serve` with its configuration, as an operator runs it: an env file and MAILDOCK_*
// variables, the configuration printed at start with secrets masked, the server of many
// people on a real Postgres with its rate limits kept in a real Redis, and a wrong key
// refused before anything listens.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeKeyPair } from '../../main/core/people/signing-keys.js';
import { REDIS_NAMESPACE } from '../../main/server/limits.js';
import { runCli, startCli } from '../support/cli.js';
import { waitFor } from '../support/processes.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { startRedis, type RedisServer } from '../support/redis.js';

const PASSWORD = 'a long enough password';

describe('maildock serve with an env file', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let dataDir: string;
  let env: Record<string, string>;
  const started: ReturnType<typeof startCli>[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    postgres = await startPostgres();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-serve-config-'));
    env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64'),
      MAILDOCK_SECRETS: 'file',
    };
  });
  afterEach(async () => {
    for (const run of started.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.done;
    }
  });
  afterAll(async () => {
    await redis?.stop();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints what it loaded with secrets masked, and keeps its limits in Redis', async () => {
    const encryption = randomBytes(32).toString('base64');
    const envFile = path.join(dataDir, 'server.env');
    const database = await postgres.createDatabase('serve_config');
    const key = makeKeyPair('EdDSA', 'sig1');
    await writeFile(path.join(dataDir, 'sig1.pem'), key.privateKey, { mode: 0o600 });
    await writeFile(
      envFile,
      [
        '# limits small enough to reach in a test',
        `REDIS_URL=${redis.url}`,
        'RATE_LIMIT_MAX=3',
        'LOGIN_RATE_LIMIT_MAX=2',
        `ENCRYPTION_KEY="k1:${encryption}"`,
        `DATABASE_URL=${database}`,
        `JWT_PRIVATE_KEYS=sig1:${path.join(dataDir, 'sig1.pem')}`,
      ].join('\n'),
      { mode: 0o600 },
    );
    expect(
      (await runCli(['--database', database, 'admin', 'tenant', 'add', 'acme'], env)).code,
    ).toBe(0);
    const added = await runCli(
      [
        '--database',
        database,
        'admin',
        'user',
        'add',
        '--tenant',
        'acme',
        '--email',
        'a@acme.test',
        '--password-stdin',
      ],
      env,
      `${PASSWORD}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    // The file wins over the environment, which still gives what the file does not say.
    const run = startCli(['serve', '--port', '0', '--env-file', envFile], {
      ...env,
      MAILDOCK_RATE_LIMIT_MAX: '1000',
      MAILDOCK_CORS_ORIGINS: 'https://mail.example.test',
    });
    started.push(run);
    let stdout = '';
    let stderr = '';
    run.child.stdout!.on('data', (d) => (stdout += d));
    run.child.stderr!.on('data', (d) => (stderr += d));
    let serving: RegExpExecArray | null = null;
    await waitFor(() => {
      serving = /serving many people on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      return serving !== null || run.child.exitCode !== null;
    }, 30_000);
    expect(serving, stderr).not.toBeNull();
    const base = (serving! as unknown as [string, string])[1];
    const login = await fetch(`${base}api/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@acme.test', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { value: { accessToken: string } }).value.accessToken;

    expect(stderr).toContain(`Configuration (env file ${envFile}`);
    expect(stderr).toContain(`REDIS_URL=${redis.url}  [${envFile}:2]`);
    expect(stderr).toContain(`RATE_LIMIT_MAX=3  [${envFile}:3]`);
    expect(stderr).toContain('CORS_ORIGINS=https://mail.example.test  [MAILDOCK_CORS_ORIGINS]');
    expect(stderr).toContain(`ENCRYPTION_KEY=*** (kid k1)  [${envFile}:5]`);
    expect(stderr).not.toContain(encryption);

    const call = (auth: string) =>
      fetch(`${base}api/account.list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
        body: '{}',
      });
    for (let i = 0; i < 3; i++) expect((await call(token)).status).toBe(200);
    const limited = await call(token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // Wrong tokens count against the stricter limit of failed sign-ins (2, one spent above).
    const wrong = randomBytes(32).toString('base64url');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(wrong)).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);

    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect((await client.keys(`${REDIS_NAMESPACE}*`)).length).toBeGreaterThanOrEqual(2);
    } finally {
      client.disconnect();
    }

    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toContain(token);
    expect(done.stderr).not.toContain(wrong);
    expect(done.stderr).not.toContain(PASSWORD);
  });

  it('refuses a Redis without a database: the server of many people keeps its data in Postgres', async () => {
    const run = startCli(['serve', '--port', '0', '--redis', redis.url], env);
    started.push(run);
    const done = await run.done;
    expect(done.code).not.toBe(0);
    expect(done.stderr).toContain('--database postgres://');
  });

  it('reads .env in the data folder, and refuses an unknown key by file and line before listening', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'maildock-serve-config-'));
    try {
      const envFile = path.join(own, '.env');
      await writeFile(envFile, 'LOG_LEVEL=info\nREDIS_URI=redis://127.0.0.1:1\n', {
        mode: 0o600,
      });
      const r = await runCli(['serve', '--port', '0'], { ...env, MAILDOCK_DATA_DIR: own });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${envFile}:2: REDIS_URI is not a setting Maildock knows`);
      expect(r.stdout).not.toContain('token');
      // Nothing was opened: no store, no token.
      expect(await readdir(own)).toEqual(['.env']);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('says so at once when Redis does not answer, with exit status 1', async () => {
    const r = await runCli(
      ['serve', '--port', '0', '--redis', 'redis://:pw-Secret9@127.0.0.1:1'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Redis at redis://:***@127.0.0.1:1 does not answer');
    expect(r.stderr).not.toContain('pw-Secret9');
    expect(r.stderr).toContain('REDIS_URL=redis://:***@127.0.0.1:1  [--redis]');
  });
});
