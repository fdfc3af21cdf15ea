// Which SecretStore a process uses, and moving secrets into the keychain once there is one.
//
// - "keychain": the OS keychain, required: locked or absent is an error that says so.
// - "file": the encrypted file (secrets.json), for headless servers, chosen explicitly.
//
// The choice comes from MAILDOCK_SECRETS (or --secrets), else the program's default: the
// desktop app's is the keychain, the command line's is what the desktop app last used on
// this data directory (recorded in `secrets-backend`), else the file. When the keychain is
// in use and the file still holds secrets, each is written to the keychain, read back and
// compared before it leaves the file; a second run finds nothing to move.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { EncryptedFileSecretStore, SECRETS_FILE } from './encrypted-file.js';
import { KeychainSecretStore, type KeychainOptions } from './keychain.js';
import type { SecretStore } from './secret-store.js';

export type SecretsBackend = 'keychain' | 'file';
export const BACKEND_FILE = 'secrets-backend';

export interface ChooseOptions {
  dataDir: string;
  /** An explicit choice (MAILDOCK_SECRETS, --secrets); wins over everything. */
  backend?: SecretsBackend;
  /** Without an explicit choice: the desktop app says keychain; the CLI uses the record, else file. */
  fallback?: SecretsBackend | 'recorded';
  /** The encrypted file's key (MAILDOCK_SECRET_KEY), when not in <dataDir>/secret.key. */
  secretKey?: string;
  keychain?: KeychainOptions;
}

export interface ChosenSecrets {
  store: SecretStore;
  backend: SecretsBackend;
  /** How it was chosen: for `maildock doctor` and the logs. */
  reason: 'explicit' | 'recorded' | 'default';
  /** Secrets moved from the file into the keychain by this call. */
  migrated: number;
}

/** MAILDOCK_SECRETS's value as a backend; anything else is a clear error. */
export function parseBackend(raw: string | undefined): SecretsBackend | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'keychain' || raw === 'file') return raw;
  throw new MaildockError(
    'INVALID_INPUT',
    `MAILDOCK_SECRETS is "keychain" or "file", not "${raw}".`,
    { setting: 'MAILDOCK_SECRETS' },
  );
}

export async function recordedBackend(dataDir: string): Promise<SecretsBackend | undefined> {
  try {
    const raw = (await readFile(join(dataDir, BACKEND_FILE), 'utf8')).trim();
    return raw === 'keychain' || raw === 'file' ? raw : undefined;
  } catch {
    return undefined;
  }
}

async function record(dataDir: string, backend: SecretsBackend): Promise<void> {
  if ((await recordedBackend(dataDir)) === backend) return;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, BACKEND_FILE), `${backend}\n`, { mode: 0o600 });
}

/**
 * Moves every secret of `from` into `to`: written, read back and compared, then deleted
 * from `from`. A value that does not come back intact stops the move with an error and
 * stays where it was.
 */
export async function migrateSecrets(from: SecretStore, to: SecretStore): Promise<number> {
  let moved = 0;
  for (const key of await from.list()) {
    const value = await from.get(key);
    if (value === null) continue;
    await to.set(key, value);
    if ((await to.get(key)) !== value) {
      throw new MaildockError(
        'SECRET_UNAVAILABLE',
        `The keychain did not give back the secret ${key} intact; it stays in the encrypted file.`,
        { key },
      );
    }
    await from.delete(key);
    moved++;
  }
  return moved;
}

export async function chooseSecretStore(opts: ChooseOptions): Promise<ChosenSecrets> {
  const recorded = await recordedBackend(opts.dataDir);
  let backend: SecretsBackend;
  let reason: ChosenSecrets['reason'];
  if (opts.backend) {
    backend = opts.backend;
    reason = 'explicit';
  } else if ((opts.fallback ?? 'recorded') === 'recorded') {
    backend = recorded ?? 'file';
    reason = recorded ? 'recorded' : 'default';
  } else {
    backend = opts.fallback as SecretsBackend;
    reason = 'default';
  }
  const fileOptions = {
    dir: opts.dataDir,
    ...(opts.secretKey ? { key: opts.secretKey } : {}),
  };

  if (backend === 'file') {
    const store = await EncryptedFileSecretStore.open(fileOptions);
    if (reason === 'explicit') await record(opts.dataDir, 'file');
    return { store, backend, reason, migrated: 0 };
  }

  const store = await KeychainSecretStore.open(opts.keychain);
  let migrated = 0;
  if (existsSync(join(opts.dataDir, SECRETS_FILE))) {
    const file = await EncryptedFileSecretStore.open(fileOptions);
    migrated = await migrateSecrets(file, store);
  }
  await record(opts.dataDir, 'keychain');
  return { store, backend, reason, migrated };
}
