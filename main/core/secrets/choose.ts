// Which SecretStore a process uses, and moving secrets into the keychain once there is one.
//
// The OS keychain is used whenever one answers. The encrypted file (secrets.json), for
// headless servers, is used only when chosen: MAILDOCK_SECRETS=file, or a key given for it
// (MAILDOCK_SECRET_KEY); or while it still holds the passwords of a machine where no
// keychain has answered yet. Otherwise a keychain that is absent or locked is an error that
// says so and how to choose the file; nothing falls back behind the user's back. Once the
// keychain was used for a data folder (recorded in `secrets-backend`), it stays required.
// When the keychain is in use and the file still holds secrets, each is written to the
// keychain, read back and compared before it leaves the file; a second run moves nothing.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { EncryptedFileSecretStore, heldSecrets } from './encrypted-file.js';
import { KeychainSecretStore, type KeychainOptions } from './keychain.js';
import type { SecretStore } from './secret-store.js';

export type SecretsBackend = 'keychain' | 'file';
export const BACKEND_FILE = 'secrets-backend';

export interface ChooseOptions {
  dataDir: string;
  /** An explicit choice (MAILDOCK_SECRETS); wins over everything. */
  backend?: SecretsBackend;
  /** The encrypted file's key (MAILDOCK_SECRET_KEY): giving one chooses the file. */
  secretKey?: string;
  keychain?: KeychainOptions;
}

export type ChoiceReason =
  /** MAILDOCK_SECRETS said so. */
  | 'explicit'
  /** A key for the encrypted file was given. */
  | 'secret-key'
  /** The keychain answered (the first time, or as recorded). */
  | 'keychain-answers'
  /** No keychain answers, and the file holds this machine's passwords: they stay there. */
  | 'file-holds-secrets';

export interface ChosenSecrets {
  store: SecretStore;
  backend: SecretsBackend;
  reason: ChoiceReason;
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

async function recordKeychain(dataDir: string): Promise<void> {
  if ((await recordedBackend(dataDir)) === 'keychain') return;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, BACKEND_FILE), 'keychain\n', { mode: 0o600 });
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

const HINT =
  'To keep account passwords in an encrypted file instead (on a server without a desktop), set MAILDOCK_SECRETS=file.';

export async function chooseSecretStore(opts: ChooseOptions): Promise<ChosenSecrets> {
  const fileOptions = { dir: opts.dataDir, ...(opts.secretKey ? { key: opts.secretKey } : {}) };
  const file = () => EncryptedFileSecretStore.open(fileOptions);
  if (opts.backend === 'file' || (!opts.backend && opts.secretKey)) {
    const reason = opts.backend ? 'explicit' : 'secret-key';
    return { store: await file(), backend: 'file', reason, migrated: 0 };
  }
  const held = await heldSecrets(opts.dataDir);
  let keychain: KeychainSecretStore;
  try {
    keychain = await KeychainSecretStore.open(opts.keychain);
  } catch (err) {
    const required =
      opts.backend === 'keychain' || (await recordedBackend(opts.dataDir)) === 'keychain';
    if (!required && held > 0) {
      return { store: await file(), backend: 'file', reason: 'file-holds-secrets', migrated: 0 };
    }
    if (required || !(err instanceof MaildockError) || err.fields['fileAdvised'] === true)
      throw err;
    throw new MaildockError('SECRET_UNAVAILABLE', `${err.message} ${HINT}`, err.fields);
  }
  const migrated = held > 0 ? await migrateSecrets(await file(), keychain) : 0;
  await recordKeychain(opts.dataDir);
  return {
    store: keychain,
    backend: 'keychain',
    reason: opts.backend ? 'explicit' : 'keychain-answers',
    migrated,
  };
}
