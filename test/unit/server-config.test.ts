// The server's configuration: the env-file format, one schema over every key, where each
// value came from (flag over file over environment), errors that point at the key and its
// file:line, and a printout at start that never shows a secret.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { describeConfig, maskUrl } from '../../main/server/config-describe.js';
import { loadConfig, type ConfigSources } from '../../main/server/config.js';
import { parseEnvFile } from '../../main/server/env-file.js';
import { durationText, parseDuration } from '../../main/server/durations.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
/** An env file (mode 0600) holding `text`; its path. */
function envFile(text: string, mode = 0o600): string {
  const file = path.join(dir, `test-${++fileNo}.env`);
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
  return file;
}

function pem(
  type: 'ed25519' | 'p256' | 'rsa',
  name: string,
): { privateFile: string; publicFile: string } {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type === 'p256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 1024 });
  const privateFile = path.join(dir, `${name}.pem`);
  const publicFile = path.join(dir, `${name}.pub.pem`);
  writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateFile, publicFile };
}

/** The MaildockError loadConfig throws for these sources. */
function refusal(sources: ConfigSources): MaildockError {
  try {
    loadConfig({ env: {}, ...sources });
  } catch (err) {
    expect(err).toBeInstanceOf(MaildockError);
    return err as MaildockError;
  }
  throw new Error('the configuration was accepted');
}

describe('the env-file format', () => {
  it('reads comments, blank lines, export, quotes and inline comments, with line numbers', () => {
    const text = [
      '# the server',
      '',
      'export A=plain value   # a comment',
      "B='single # not a comment'",
      'C="double \\"quoted\\"\\nsecond line"',
      'D="one',
      'two"',
      '  E = spaced  ',
      'F=',
      'G=a#b',
    ].join('\n');
    expect(parseEnvFile(text, 'x.env')).toEqual([
      { key: 'A', value: 'plain value', line: 3 },
      { key: 'B', value: 'single # not a comment', line: 4 },
      { key: 'C', value: 'double "quoted"\nsecond line', line: 5 },
      { key: 'D', value: 'one\ntwo', line: 6 },
      { key: 'E', value: 'spaced', line: 8 },
      { key: 'F', value: '', line: 9 },
      { key: 'G', value: 'a#b', line: 10 },
    ]);
  });

  it('refuses a line without =, a bad key, an unclosed quote and a key set twice, by file:line', () => {
    const cases: [string, RegExp, number][] = [
      ['A=1\nnonsense\n', /x\.env:2: expected KEY=value/, 2],
      ['\n1A=1', /x\.env:2: "1A" is not a valid key name/, 2],
      ['A="open\nB=2', /x\.env:1: the value of A has no closing "/, 1],
      ['A=1\n\nA=2', /x\.env:3: A is set again \(first on line 1\)/, 3],
      ["A='x' trailing", /x\.env:1: unexpected text after the quoted value of A/, 1],
    ];
    for (const [text, message, line] of cases) {
      let error: unknown;
      try {
        parseEnvFile(text, 'x.env');
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(MaildockError);
      const e = error as MaildockError;
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(message);
      expect(e.fields).toMatchObject({ file: 'x.env', line });
    }
  });
});

describe('durations', () => {
  it('reads units and bare seconds, and writes the largest exact unit', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
    expect(durationText(900_000)).toBe('15m');
    expect(durationText(90_000)).toBe('90s');
    expect(durationText(1500)).toBe('1500ms');
  });
});

describe('loading the configuration', () => {
  it('gives defaults when nothing is set, and no multi-user settings', () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.redisUrl).toBeUndefined();
    expect(cfg.corsOrigins).toEqual([]);
    expect(cfg.rateLimit).toEqual({ max: 600, windowMs: 60_000 });
    expect(cfg.loginRateLimit).toEqual({ max: 20, windowMs: 60_000 });
    expect(cfg.jwt).toMatchObject({
      signingKeys: [],
      hs256Secret: undefined,
      issuer: 'maildock',
      audience: 'maildock',
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 30 * 86_400_000,
    });
    expect(cfg.encryptionKeys).toEqual([]);
    expect(cfg.envFile).toBeUndefined();
    expect(cfg.origins).toEqual({});
  });

  it('takes a flag over the env file over the environment, and says where each came from', () => {
    const file = envFile(
      'REDIS_URL=redis://file:6379\nDATABASE_URL=postgres://file@h/db\nRATE_LIMIT_MAX=5\n',
    );
    const env = {
      MAILDOCK_REDIS_URL: 'redis://env:6379',
      MAILDOCK_DATABASE_URL: 'postgres://env@h/db',
      MAILDOCK_RATE_LIMIT_MAX: '7',
      MAILDOCK_LOG_LEVEL: 'debug',
      // A bare name is some other program's.
      RATE_LIMIT_WINDOW: 'nonsense',
    };
    const cfg = loadConfig({
      env,
      envFile: file,
      flags: { REDIS_URL: { value: 'redis://flag:6379', flag: '--redis' } },
    });
    expect(cfg.redisUrl).toBe('redis://flag:6379');
    expect(cfg.databaseUrl).toBe('postgres://file@h/db');
    expect(cfg.rateLimit.max).toBe(5);
    expect(cfg.rateLimit.windowMs).toBe(60_000);
    expect(cfg.logLevel).toBe('debug');
    expect(cfg.origins).toEqual({
      REDIS_URL: '--redis',
      DATABASE_URL: `${file}:2`,
      RATE_LIMIT_MAX: `${file}:3`,
      LOG_LEVEL: 'MAILDOCK_LOG_LEVEL',
    });
    // Without the file and the flag, the environment's values.
    const fromEnv = loadConfig({ env });
    expect(fromEnv.redisUrl).toBe('redis://env:6379');
    expect(fromEnv.rateLimit.max).toBe(7);
  });

  it('reads .env in the data folder when no env file is named, and a named one must exist', () => {
    const dataDir = mkdtempSync(path.join(dir, 'data-'));
    expect(loadConfig({ env: {}, dataDir }).envFile).toBeUndefined();
    writeFileSync(path.join(dataDir, '.env'), 'MAX_ACCOUNTS=12\n', { mode: 0o600 });
    const cfg = loadConfig({ env: {}, dataDir });
    expect(cfg.envFile).toBe(path.join(dataDir, '.env'));
    expect(cfg.maxAccounts).toBe(12);
    // A named file replaces the data folder's.
    expect(loadConfig({ env: {}, dataDir, envFile: envFile('') }).maxAccounts).toBeUndefined();
    const missing = refusal({ envFile: path.join(dir, 'absent.env') });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('absent.env');
  });

  it('refuses an unknown key, naming it and its file:line', () => {
    const file = envFile('# settings\nREDIS_URL=redis://h:1\nRATE_LIMITS_MAX=5\n');
    const e = refusal({ envFile: file });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(`${file}:3: RATE_LIMITS_MAX is not a setting Maildock knows`);
    expect(e.message).toContain('RATE_LIMIT_MAX');
    expect(e.fields).toEqual({ key: 'RATE_LIMITS_MAX', file, line: 3 });
  });

  it('refuses bad values, naming the key and where it was set', () => {
    const cases: [ConfigSources, string, RegExp][] = [
      [
        { envFile: envFile('DATABASE_URL=http://h/db') },
        'DATABASE_URL',
        /:1: DATABASE_URL: expected a URL like postgres:/,
      ],
      [
        { env: { MAILDOCK_REDIS_URL: 'not a url' } },
        'REDIS_URL',
        /^MAILDOCK_REDIS_URL: REDIS_URL: expected a URL/,
      ],
      [
        { envFile: envFile('\nRATE_LIMIT_MAX=lots') },
        'RATE_LIMIT_MAX',
        /:2: RATE_LIMIT_MAX: expected a whole number/,
      ],
      [{ envFile: envFile('LOGIN_RATE_LIMIT_MAX=0') }, 'LOGIN_RATE_LIMIT_MAX', /must be 1 or more/],
      [{ envFile: envFile('ACCESS_TOKEN_TTL=soon') }, 'ACCESS_TOKEN_TTL', /expected a duration/],
      [{ envFile: envFile('LOG_LEVEL=loud') }, 'LOG_LEVEL', /expected one of fatal, error/],
      [
        { envFile: envFile('CORS_ORIGINS=https://a.example,https://b.example/') },
        'CORS_ORIGINS',
        /"https:\/\/b\.example\/" is not an exact origin/,
      ],
      [{ envFile: envFile('CORS_ORIGINS=*') }, 'CORS_ORIGINS', /"\*" is not an exact origin/],
      [{ envFile: envFile('ENCRYPTION_KEY=c2hvcnQ=') }, 'ENCRYPTION_KEY', /not 32 bytes in base64/],
      [{ envFile: envFile('JWT_ALLOW_HS256=yes') }, 'JWT_ALLOW_HS256', /expected true or false/],
      [
        { flags: { MAX_ACCOUNTS: { value: 'x', flag: '--max-accounts' } } },
        'MAX_ACCOUNTS',
        /^--max-accounts: MAX_ACCOUNTS: expected a whole number/,
      ],
      [
        { envFile: envFile('PRIVATE_MAIL_HOSTS=dovecot,10.0.0.0/40') },
        'PRIVATE_MAIL_HOSTS',
        /:1: PRIVATE_MAIL_HOSTS: 10\.0\.0\.0\/40 is not a network/,
      ],
    ];
    for (const [sources, key, message] of cases) {
      const e = refusal(sources);
      expect(e.code, key).toBe('INVALID_INPUT');
      expect(e.message, key).toMatch(message);
      expect(e.fields['key'], key).toBe(key);
    }
    const fromEnv = refusal({ env: { MAILDOCK_REDIS_URL: 'not a url' } });
    expect(fromEnv.fields).toEqual({ key: 'REDIS_URL', setting: 'MAILDOCK_REDIS_URL' });
  });

  it('reads JWT keys by kid, current first, EdDSA and ES256 only', () => {
    const ed = pem('ed25519', 'ed');
    const ec = pem('p256', 'ec');
    const other = pem('ed25519', 'other');
    const file = envFile(
      `JWT_PRIVATE_KEYS=new:${path.basename(ed.privateFile)},old:${ec.privateFile}\nJWT_PUBLIC_KEYS=partner:${other.publicFile}\n`,
    );
    const cfg = loadConfig({ env: {}, envFile: file });
    expect(cfg.jwt.signingKeys.map((k) => [k.kid, k.alg, Boolean(k.privateKey)])).toEqual([
      ['new', 'EdDSA', true],
      ['old', 'ES256', true],
    ]);
    expect(cfg.jwt.verifyingKeys.map((k) => k.kid)).toEqual(['new', 'old', 'partner']);
    expect(cfg.jwt.verifyingKeys[2]!.privateKey).toBeUndefined();

    const rsa = pem('rsa', 'rsa');
    expect(refusal({ envFile: envFile(`JWT_PRIVATE_KEYS=r:${rsa.privateFile}`) }).message).toMatch(
      /key r: .* is a rsa key; use Ed25519 \(EdDSA\) or P-256 \(ES256\)/,
    );
    expect(refusal({ envFile: envFile(`JWT_PRIVATE_KEYS=${ed.privateFile}`) }).message).toMatch(
      /does not start with a key id/,
    );
    expect(refusal({ envFile: envFile(`JWT_PRIVATE_KEYS=a:${ed.publicFile}`) }).message).toMatch(
      /does not hold a private key/,
    );
    expect(refusal({ envFile: envFile('JWT_PRIVATE_KEYS=a:absent.pem') }).message).toMatch(
      /key a: .*absent\.pem cannot be read \(ENOENT\)/,
    );
    const twice = `JWT_PRIVATE_KEYS=a:${ed.privateFile}\nJWT_PUBLIC_KEYS=a:${other.publicFile}`;
    expect(refusal({ envFile: envFile(twice) }).message).toMatch(
      /key id a is also in JWT_PRIVATE_KEYS/,
    );
  });

  it('allows HS256 only when asked for, with a long enough secret', () => {
    const secret = randomBytes(32).toString('hex');
    expect(refusal({ envFile: envFile(`JWT_SECRET=${secret}`) }).message).toMatch(
      /JWT_SECRET: HS256 is off/,
    );
    expect(refusal({ envFile: envFile('JWT_ALLOW_HS256=true') }).message).toMatch(
      /JWT_ALLOW_HS256: HS256 needs JWT_SECRET/,
    );
    expect(refusal({ envFile: envFile('JWT_ALLOW_HS256=true\nJWT_SECRET=short') }).message).toMatch(
      /:2: JWT_SECRET: must be at least 32 bytes/,
    );
    const cfg = loadConfig({
      env: {},
      envFile: envFile(`JWT_ALLOW_HS256=true\nJWT_SECRET=${secret}`),
    });
    expect(cfg.jwt.hs256Secret?.toString()).toBe(secret);
  });

  it('reads an encryption key alone or as a kid list, the first being current', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const one = loadConfig({ env: { MAILDOCK_ENCRYPTION_KEY: a.toString('base64') } });
    expect(one.encryptionKeys).toEqual([{ kid: 'default', key: a }]);
    const two = loadConfig({
      env: { MAILDOCK_ENCRYPTION_KEY: `k2:${b.toString('base64')}, k1:${a.toString('base64')}` },
    });
    expect(two.encryptionKeys).toEqual([
      { kid: 'k2', key: b },
      { kid: 'k1', key: a },
    ]);
  });
});

describe('the configuration printed at start', () => {
  it('masks every secret and keeps what an operator needs to check', () => {
    const ed = pem('ed25519', 'print');
    const dbPassword = 'db-pass-Secret1';
    const redisPassword = 'redis-pass-Secret2';
    const jwtSecret = randomBytes(32).toString('hex');
    const encryption = randomBytes(32).toString('base64');
    const file = envFile(
      [
        `DATABASE_URL=postgres://maildock:${dbPassword}@db.internal:5432/maildock?sslmode=require`,
        `REDIS_URL=redis://:${redisPassword}@redis.internal:6379/0`,
        `JWT_PRIVATE_KEYS=k1:${ed.privateFile}`,
        'JWT_ALLOW_HS256=true',
        `JWT_SECRET=${jwtSecret}`,
        `ENCRYPTION_KEY=e1:${encryption}`,
        'CORS_ORIGINS=https://mail.example.com',
        'LOGIN_RATE_LIMIT_WINDOW=5m',
      ].join('\n'),
      0o644,
    );
    const lines = describeConfig(loadConfig({ env: {}, envFile: file }));
    const text = lines.join('\n');
    for (const secret of [dbPassword, redisPassword, jwtSecret, encryption, 'PRIVATE KEY'])
      expect(text).not.toContain(secret);
    expect(lines).toContain(
      `  DATABASE_URL=postgres://maildock:***@db.internal:5432/maildock?sslmode=require  [${file}:1]`,
    );
    expect(lines).toContain(`  REDIS_URL=redis://:***@redis.internal:6379/0  [${file}:2]`);
    expect(lines).toContain(
      `  JWT_PRIVATE_KEYS=*** (kid k1, EdDSA, ${ed.privateFile})  [${file}:3]`,
    );
    expect(lines).toContain(`  JWT_SECRET=***  [${file}:5]`);
    expect(lines).toContain(`  ENCRYPTION_KEY=*** (kid e1)  [${file}:6]`);
    expect(lines).toContain(`  CORS_ORIGINS=https://mail.example.com  [${file}:7]`);
    expect(lines).toContain(`  LOGIN_RATE_LIMIT_WINDOW=5m  [${file}:8]`);
    expect(lines).toContain('  RATE_LIMIT_MAX=600  [default]');
    expect(lines[0]).toContain(file);
    expect(text).toContain(`Warning: ${file} can be read by other users`);
  });

  it('masks passwords and secret-looking query values of any URL', () => {
    expect(maskUrl('postgres://maildock:pw@host/db')).toBe('postgres://maildock:***@host/db');
    expect(maskUrl('postgres://maildock@host/db?password=pw&sslmode=require')).toBe(
      'postgres://maildock@host/db?password=***&sslmode=require',
    );
    expect(maskUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(maskUrl('not a url pw')).toBe('***');
  });
});
