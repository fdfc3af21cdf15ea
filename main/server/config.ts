// The server's configuration: one zod schema over KEY=value settings, from three places.
// A command-line flag wins over the env file, which wins over the process environment: the
// file is what the operator wrote for this server, the environment may be inherited from
// anywhere.
// - The env file is `--env-file FILE`, else `.env` in the data folder when there is one
//   (inside it rather than next to it: the folder above may be a home or /var/lib, whose
//   .env is some other program's). Only the keys below may be in it; any other is refused
//   with its file and line.
// - The environment is read as MAILDOCK_<KEY> (MAILDOCK_DATABASE_URL, MAILDOCK_LOG_LEVEL and
//   the rest), so bare names meant for other programs (DATABASE_URL) change nothing here.
//
// JWT keys are PEM files named in lists, `JWT_PRIVATE_KEYS=kid:file,kid:file` (the first one
// signs; the others still verify until their tokens expire) and `JWT_PUBLIC_KEYS=kid:file`
// (verify only: keys of other signers, or retired ones). Relative paths are from the env
// file's folder. Ed25519 keys sign EdDSA and P-256 keys ES256. HS256 needs
// JWT_ALLOW_HS256=true and JWT_SECRET (32 bytes or more).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { MaildockError } from '../../common/errors.js';
import { readEncryptionKeys, readJwtKeys, type EncryptionKey, type JwtKey } from './config-keys.js';
import { mailHostRule, type MailHostRule } from '../core/net/mail-hosts.js';
import { parseEnvFile } from './env-file.js';
import { durationText, parseDuration } from './durations.js';

export const CONFIG_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_PRIVATE_KEYS',
  'JWT_PUBLIC_KEYS',
  'JWT_ALLOW_HS256',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'ENCRYPTION_KEY',
  'CORS_ORIGINS',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW',
  'LOGIN_RATE_LIMIT_MAX',
  'LOGIN_RATE_LIMIT_WINDOW',
  'LOG_LEVEL',
  'MAX_ACCOUNTS',
  'PRIVATE_MAIL_HOSTS',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export const ENV_PREFIX = 'MAILDOCK_';
export const ENV_FILE_NAME = '.env';
const MIN_HS256_SECRET_BYTES = 32;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface RateLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { max: 600, windowMs: 60_000 };
export const DEFAULT_LOGIN_RATE_LIMIT: RateLimit = { max: 20, windowMs: 60_000 };

export interface ServerConfig {
  /** Postgres of the server for many people; with REDIS_URL, what turns that mode on. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwt: {
    /** Keys that sign, the current one first. */
    signingKeys: JwtKey[];
    /** Every key a token may be verified with: the signing keys, then JWT_PUBLIC_KEYS. */
    verifyingKeys: JwtKey[];
    /** Set only when JWT_ALLOW_HS256=true. */
    hs256Secret: Buffer | undefined;
    issuer: string;
    audience: string;
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
  };
  /** Keys for account passwords at rest, the current one first; empty when none is set. */
  encryptionKeys: EncryptionKey[];
  /** Exact origins allowed to call the API from a browser; none unless set. */
  corsOrigins: string[];
  /** Requests per client (user once signed in, else address) and window. */
  rateLimit: RateLimit;
  /** Sign-in attempts and failed authentications per address and window. */
  loginRateLimit: RateLimit;
  logLevel: (typeof LOG_LEVELS)[number] | undefined;
  maxAccounts: number | undefined;
  /**
   * PRIVATE_MAIL_HOSTS: mail servers inside the server's own network that people's accounts
   * may use (names, addresses, networks); every other private address is refused
   * (core/net/mail-hosts.ts). Read by the server of many people only.
   */
  privateMailHosts: MailHostRule;
  /** Where each key that was given came from ("/srv/.env:3", "MAILDOCK_REDIS_URL", "--redis"). */
  origins: Partial<Record<ConfigKey, string>>;
  /** The env file read, if any. */
  envFile: string | undefined;
  /** Things worth saying at start that do not stop it (an env file others can read). */
  warnings: string[];
}

export interface ConfigSources {
  /** The process environment; process.env unless given. */
  env?: NodeJS.ProcessEnv;
  /** `--env-file`: it must exist. */
  envFile?: string | undefined;
  /** The data folder, whose `.env` is read when present and no envFile is given. */
  dataDir?: string | undefined;
  /** Values from command-line flags, with the flag's name for messages. */
  flags?: Partial<Record<ConfigKey, { value: string; flag: string }>>;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration like 90s, 15m, 12h or 30d.' });
        return z.NEVER;
      }
      return ms;
    });

const wholeNumber = z
  .string()
  .regex(/^\d+$/, 'expected a whole number.')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be 1 or more.').max(1_000_000_000));

const count = (fallback: number) => z.string().default(String(fallback)).pipe(wholeNumber);

const url = (protocols: readonly string[], example: string) =>
  z
    .string()
    .refine((text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    }, `expected a URL like ${example}.`)
    .optional();

const origins = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const list = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const origin of list) {
      let exact = false;
      try {
        const parsed = new URL(origin);
        exact = ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === origin;
      } catch {
        exact = false;
      }
      if (!exact) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an exact origin like https://mail.example.com (no path, no trailing slash, no wildcard).`,
        });
        return z.NEVER;
      }
    }
    return list;
  });

function keyList<T>(read: (text: string) => T[] | string) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return [] as T[];
      const keys = read(text);
      if (typeof keys === 'string') {
        ctx.addIssue({ code: 'custom', message: keys });
        return z.NEVER;
      }
      return keys;
    });
}

/** The one schema; `baseDir` is where relative key paths start. */
function configSchema(baseDir: string) {
  return z
    .strictObject({
      DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/db'),
      REDIS_URL: url(['redis:', 'rediss:'], 'redis://host:6379'),
      JWT_PRIVATE_KEYS: keyList((t) => readJwtKeys(t, 'private', baseDir)),
      JWT_PUBLIC_KEYS: keyList((t) => readJwtKeys(t, 'public', baseDir)),
      JWT_ALLOW_HS256: z
        .enum(['true', 'false'], 'expected true or false.')
        .default('false')
        .transform((v) => v === 'true'),
      JWT_SECRET: z
        .string()
        .refine(
          (s) => Buffer.byteLength(s) >= MIN_HS256_SECRET_BYTES,
          `must be at least ${MIN_HS256_SECRET_BYTES} bytes.`,
        )
        .optional(),
      JWT_ISSUER: z.string().default('maildock'),
      JWT_AUDIENCE: z.string().default('maildock'),
      ACCESS_TOKEN_TTL: duration('15m'),
      REFRESH_TOKEN_TTL: duration('30d'),
      ENCRYPTION_KEY: keyList(readEncryptionKeys),
      CORS_ORIGINS: origins,
      RATE_LIMIT_MAX: count(DEFAULT_RATE_LIMIT.max),
      RATE_LIMIT_WINDOW: duration(durationText(DEFAULT_RATE_LIMIT.windowMs)),
      LOGIN_RATE_LIMIT_MAX: count(DEFAULT_LOGIN_RATE_LIMIT.max),
      LOGIN_RATE_LIMIT_WINDOW: duration(durationText(DEFAULT_LOGIN_RATE_LIMIT.windowMs)),
      LOG_LEVEL: z.enum(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}.`).optional(),
      MAX_ACCOUNTS: wholeNumber.optional(),
      PRIVATE_MAIL_HOSTS: z
        .string()
        .default('')
        .transform((text, ctx) => {
          try {
            return mailHostRule(text.split(','));
          } catch (err) {
            ctx.addIssue({
              code: 'custom',
              message: `${(err as Error).message} Expected names, addresses and networks, comma separated, like dovecot,10.1.0.0/16.`,
            });
            return z.NEVER;
          }
        }),
    })
    .superRefine((c, ctx) => {
      if (c.JWT_SECRET !== undefined && !c.JWT_ALLOW_HS256)
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'HS256 is off: set JWT_ALLOW_HS256=true to use a shared secret.',
        });
      if (c.JWT_ALLOW_HS256 && c.JWT_SECRET === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_ALLOW_HS256'],
          message: 'HS256 needs JWT_SECRET.',
        });
      const kids = [...c.JWT_PRIVATE_KEYS, ...c.JWT_PUBLIC_KEYS].map((k) => k.kid);
      const twice = kids.find((kid, i) => kids.indexOf(kid) !== i);
      if (twice)
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_PUBLIC_KEYS'],
          message: `the key id ${twice} is also in JWT_PRIVATE_KEYS.`,
        });
    });
}

interface Given {
  value: string;
  origin: string;
  file?: string;
  line?: number;
}

/** Reads and checks the configuration; a MaildockError naming the key and where it was set. */
export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const env = sources.env ?? process.env;
  const given = new Map<string, Given>();
  const warnings: string[] = [];

  for (const key of CONFIG_KEYS) {
    const value = env[`${ENV_PREFIX}${key}`];
    if (value) given.set(key, { value, origin: `${ENV_PREFIX}${key}` });
  }

  const envFile = whichEnvFile(sources);
  if (envFile) {
    let text: string;
    try {
      text = readFileSync(envFile, 'utf8');
    } catch (err) {
      throw new MaildockError(
        'NOT_FOUND',
        `The env file ${envFile} cannot be read (${(err as { code?: string }).code ?? 'error'}).`,
        { file: envFile },
      );
    }
    if ((statSync(envFile).mode & 0o077) !== 0)
      warnings.push(`${envFile} can be read by other users; it may hold secrets: chmod 600 it.`);
    for (const entry of parseEnvFile(text, envFile)) {
      if (!entry.value) continue; // KEY= leaves the key unset, as if the line were not there
      const origin = `${envFile}:${entry.line}`;
      given.set(entry.key, { value: entry.value, origin, file: envFile, line: entry.line });
    }
  }

  for (const [key, flag] of Object.entries(sources.flags ?? {})) {
    if (flag?.value) given.set(key, { value: flag.value, origin: flag.flag });
  }

  const raw = Object.fromEntries([...given].map(([key, g]) => [key, g.value]));
  const result = configSchema(envFile ? dirname(envFile) : process.cwd()).safeParse(raw);
  if (!result.success) throw configError(result.error, given);
  const c = result.data;
  const origins: Partial<Record<ConfigKey, string>> = {};
  for (const key of CONFIG_KEYS) {
    const g = given.get(key);
    if (g) origins[key] = g.origin;
  }
  return {
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    jwt: {
      signingKeys: c.JWT_PRIVATE_KEYS,
      verifyingKeys: [...c.JWT_PRIVATE_KEYS, ...c.JWT_PUBLIC_KEYS],
      hs256Secret: c.JWT_ALLOW_HS256 && c.JWT_SECRET ? Buffer.from(c.JWT_SECRET) : undefined,
      issuer: c.JWT_ISSUER,
      audience: c.JWT_AUDIENCE,
      accessTokenTtlMs: c.ACCESS_TOKEN_TTL,
      refreshTokenTtlMs: c.REFRESH_TOKEN_TTL,
    },
    encryptionKeys: c.ENCRYPTION_KEY,
    corsOrigins: c.CORS_ORIGINS,
    rateLimit: { max: c.RATE_LIMIT_MAX, windowMs: c.RATE_LIMIT_WINDOW },
    loginRateLimit: { max: c.LOGIN_RATE_LIMIT_MAX, windowMs: c.LOGIN_RATE_LIMIT_WINDOW },
    logLevel: c.LOG_LEVEL,
    maxAccounts: c.MAX_ACCOUNTS,
    privateMailHosts: c.PRIVATE_MAIL_HOSTS,
    origins,
    envFile,
    warnings,
  };
}

function whichEnvFile(sources: ConfigSources): string | undefined {
  if (sources.envFile) return resolve(sources.envFile);
  if (!sources.dataDir) return undefined;
  const beside = join(resolve(sources.dataDir), ENV_FILE_NAME);
  try {
    return statSync(beside).isFile() ? beside : undefined;
  } catch {
    return undefined;
  }
}

/** The first problem, named by key and by where that key was set; the count of the rest. */
function configError(error: z.ZodError, given: Map<string, Given>): MaildockError {
  const problems = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        key,
        text: `${key} is not a setting Maildock knows (known: ${CONFIG_KEYS.join(', ')}).`,
      }));
    }
    const key = String(issue.path[0] ?? '');
    return [{ key, text: `${key}: ${issue.message}` }];
  });
  const first = problems[0] ?? { key: '', text: 'the configuration is not valid.' };
  const where = given.get(first.key);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const message = `${where ? `${where.origin}: ` : ''}${first.text}${more}`;
  return new MaildockError('INVALID_INPUT', message, {
    key: first.key,
    ...(where?.file !== undefined ? { file: where.file, line: where.line ?? null } : {}),
    ...(where && where.file === undefined ? { setting: where.origin } : {}),
  });
}
