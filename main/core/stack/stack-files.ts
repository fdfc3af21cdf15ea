// The stack's files in the data directory: its settings, the secrets each service reads
// (one folder per service, bind-mounted into that service only), the local mailboxes'
// password file from before they moved into Postgres, and the pinned TLS certificate.
// Secrets are made here, mode 0600, and never printed (the server's keys in server-keys.ts);
// an entrypoint makes one only when plain `docker compose up` runs first.
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasNoControlCharacters } from '../../../common/text.js';
import { MaildockError } from '../../../common/errors.js';
import {
  STACK_SERVICES,
  stackSettingsSchema,
  type StackService,
  type StackSettings,
} from '../../../common/stack.js';
import { writePrivate } from './private-file.js';
import { ensureServerKeys } from './server-keys.js';

export const PROBE_USER = 'maildock-probe';
/**
 * The relay's password file below the stack's folder: the user's own credential for the
 * relay, not one the stack made, so a backup holds it only sealed, with the passwords.
 */
export const RELAY_PASSWORD_FILE = 'services/postfix/relay_passwd';

/** A password of 32 characters from [A-Za-z0-9]: safe in every config syntax. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < 32) {
    for (const b of randomBytes(64)) if (b < 248 && out.length < 32) out += alphabet[b % 62];
  }
  return out;
}

export class StackFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'stack');
  }

  /** The folder bind-mounted as MAILDOCK_STACK_DIR: one sub-folder per service. */
  get secretsDir(): string {
    return join(this.dir, 'services');
  }

  /** The stack was started here at least once (its services' folders exist): it has data. */
  started(): boolean {
    return existsSync(this.secretsDir);
  }

  serviceDir(service: string): string {
    return join(this.secretsDir, service);
  }

  settings(): StackSettings {
    const path = join(this.dir, 'settings.json');
    if (!existsSync(path)) return stackSettingsSchema.parse({});
    const parsed = stackSettingsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      throw new MaildockError(
        'INVALID_INPUT',
        `The local stack’s settings (settings.json in the data folder) are not valid: ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }

  saveSettings(settings: StackSettings): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writePrivate(join(this.dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  }

  /** Every service's folder and secret, made once; existing ones are kept as they are. */
  ensureSecrets(): void {
    mkdirSync(this.secretsDir, { recursive: true, mode: 0o700 });
    for (const s of STACK_SERVICES) mkdirSync(this.serviceDir(s), { recursive: true, mode: 0o700 });
    for (const [service, file] of [
      ['postgres', 'password'],
      ['redis', 'password'],
      ['dovecot', 'probe_password'],
    ] as const) {
      const path = join(this.serviceDir(service), file);
      if (!existsSync(path)) writePrivate(path, generatePassword());
    }
    // Made with the others, server profile or not: a backup taken before it is turned on
    // holds the keys the server will seal and sign with.
    ensureServerKeys(this.serviceDir('maildock-server'));
  }

  secret(service: 'postgres' | 'redis' | 'dovecot'): string {
    const file = service === 'dovecot' ? 'probe_password' : 'password';
    const path = join(this.serviceDir(service), file);
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      throw new MaildockError(
        'SECRET_UNAVAILABLE',
        `The ${service} secret of the local stack is missing.`,
        {
          hint: 'Run maildock stack up: it makes the stack’s secrets.',
        },
      );
    }
  }

  setRelayPassword(
    relay: { host: string; port: number; user: string; password: string } | null,
  ): void {
    // The contract refuses these already; a line break here would be a second map entry.
    if (relay && ![relay.host, relay.user, relay.password].every(hasNoControlCharacters))
      throw new MaildockError('INVALID_INPUT', 'The relay settings may not hold line breaks.');
    this.setRelayPasswordFile(
      relay ? `[${relay.host}]:${relay.port} ${relay.user}:${relay.password}\n` : '',
    );
  }

  private get relayPasswordPath(): string {
    return join(this.dir, ...RELAY_PASSWORD_FILE.split('/'));
  }

  /** The relay password file as it is (for a backup's sealed passwords); null when empty or none. */
  relayPasswordFile(): string | null {
    const path = this.relayPasswordPath;
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    return text === '' ? null : text;
  }

  /** Writes the relay password file (from a backup's sealed passwords). */
  setRelayPasswordFile(text: string): void {
    mkdirSync(this.serviceDir('postfix'), { recursive: true, mode: 0o700 });
    writePrivate(this.relayPasswordPath, text);
  }

  private get usersPath(): string {
    return join(this.serviceDir('dovecot'), 'users');
  }

  /**
   * The mailboxes of Dovecot's passwd-file, from before they moved into Postgres: each
   * address with its hash as written (`{PBKDF2}…`). Empty once they were migrated.
   */
  passwdFileUsers(): { address: string; hash: string }[] {
    if (!existsSync(this.usersPath)) return [];
    return readFileSync(this.usersPath, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length > 2 && fields[0] && fields[1])
      .map(([address, hash]) => ({ address: address!.toLowerCase(), hash: hash! }));
  }

  /** The passwd-file is kept as users.migrated, so its users move into Postgres only once. */
  markPasswdFileMigrated(): void {
    if (existsSync(this.usersPath)) renameSync(this.usersPath, `${this.usersPath}.migrated`);
  }

  /** A secret of one service made once and kept (mode 0600), like those of ensureSecrets. */
  serviceSecret(service: StackService, file: string): string {
    const path = join(this.serviceDir(service), file);
    if (!existsSync(path)) {
      mkdirSync(this.serviceDir(service), { recursive: true, mode: 0o700 });
      writePrivate(path, generatePassword());
    }
    return readFileSync(path, 'utf8').trim();
  }

  /** Writes a file into a service's folder (mode 0600) when its text changed; true if it did. */
  writeServiceFile(service: StackService, file: string, text: string): boolean {
    const path = join(this.serviceDir(service), file);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
    mkdirSync(this.serviceDir(service), { recursive: true, mode: 0o700 });
    writePrivate(path, text);
    return true;
  }

  // ---- the pinned certificate ----

  pinnedCert(): { pem: string; fingerprint: string } | null {
    const path = join(this.dir, 'tls-cert.pem');
    if (!existsSync(path)) return null;
    const pem = readFileSync(path, 'utf8');
    return { pem, fingerprint: new X509Certificate(pem).fingerprint256 };
  }

  pinCert(pem: string): { pem: string; fingerprint: string; changed: boolean } {
    const cert = new X509Certificate(pem);
    const before = this.pinnedCert();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, 'tls-cert.pem'), pem);
    return {
      pem,
      fingerprint: cert.fingerprint256,
      changed: before?.fingerprint !== cert.fingerprint256,
    };
  }
}

/** sha256 of a PEM certificate's DER, as "AB:CD:…" (what Node's TLS reports as fingerprint256). */
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
