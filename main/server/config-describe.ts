// What `maildock serve` prints at start about its configuration: every key, its value with
// secrets masked (passwords in URLs, keys shown only by their kid), and where it came from.
import { CONFIG_KEYS, ENV_PREFIX, type ConfigKey, type ServerConfig } from './config.js';
import { durationText } from './durations.js';

const MASK = '***';

/** A URL with its password (and any secret-looking query value) replaced by ***. */
export function maskUrl(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return MASK;
  }
  if (parsed.password) parsed.password = MASK;
  for (const name of [...parsed.searchParams.keys()])
    if (/pass|secret|token|key/i.test(name)) parsed.searchParams.set(name, MASK);
  // URL escapes the mask's asterisks in the password; they read better as typed.
  return parsed.href.replace(/%2A%2A%2A/g, MASK);
}

const keysText = (keys: readonly { kid: string; alg?: string; file?: string }[]) =>
  keys.length
    ? keys
        .map(
          (k) => `${MASK} (kid ${k.kid}${k.alg ? `, ${k.alg}` : ''}${k.file ? `, ${k.file}` : ''})`,
        )
        .join(', ')
    : '(none)';

/** The lines to print at start: every key, its value with secrets masked, and its origin. */
export function describeConfig(cfg: ServerConfig): string[] {
  const publicOnly = cfg.jwt.verifyingKeys.filter((k) => !k.privateKey);
  const values: Record<ConfigKey, string> = {
    DATABASE_URL: cfg.databaseUrl ? maskUrl(cfg.databaseUrl) : '(not set)',
    REDIS_URL: cfg.redisUrl ? maskUrl(cfg.redisUrl) : '(not set)',
    JWT_PRIVATE_KEYS: keysText(cfg.jwt.signingKeys),
    JWT_PUBLIC_KEYS: keysText(publicOnly),
    JWT_ALLOW_HS256: String(cfg.jwt.hs256Secret !== undefined),
    JWT_SECRET: cfg.jwt.hs256Secret ? MASK : '(not set)',
    JWT_ISSUER: cfg.jwt.issuer,
    JWT_AUDIENCE: cfg.jwt.audience,
    ACCESS_TOKEN_TTL: durationText(cfg.jwt.accessTokenTtlMs),
    REFRESH_TOKEN_TTL: durationText(cfg.jwt.refreshTokenTtlMs),
    ENCRYPTION_KEY: keysText(cfg.encryptionKeys),
    CORS_ORIGINS: cfg.corsOrigins.length ? cfg.corsOrigins.join(',') : '(none)',
    RATE_LIMIT_MAX: String(cfg.rateLimit.max),
    RATE_LIMIT_WINDOW: durationText(cfg.rateLimit.windowMs),
    LOGIN_RATE_LIMIT_MAX: String(cfg.loginRateLimit.max),
    LOGIN_RATE_LIMIT_WINDOW: durationText(cfg.loginRateLimit.windowMs),
    LOG_LEVEL: cfg.logLevel ?? '(not set)',
    MAX_ACCOUNTS: cfg.maxAccounts === undefined ? '(no limit)' : String(cfg.maxAccounts),
    PRIVATE_MAIL_HOSTS: cfg.privateMailHosts.entries.join(',') || '(none)',
  };
  const head = cfg.envFile
    ? `Configuration (env file ${cfg.envFile}, then ${ENV_PREFIX}* variables):`
    : `Configuration (no env file; ${ENV_PREFIX}* variables):`;
  return [
    head,
    ...CONFIG_KEYS.map((key) => `  ${key}=${values[key]}  [${cfg.origins[key] ?? 'default'}]`),
    ...cfg.warnings.map((w) => `Warning: ${w}`),
  ];
}
