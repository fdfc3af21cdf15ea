// Secrets in the OS keychain through keytar: the macOS Keychain, Windows' Credential Vault,
// the Secret Service on Linux (GNOME Keyring, KWallet). Service "Maildock", one entry per
// key (one per account). A keychain that is absent, locked or refuses is an error that says
// so; nothing falls back to another store behind the user's back.
import type * as KeytarModule from 'keytar';
import { MaildockError } from '../../../common/errors.js';
import type { SecretStore } from './secret-store.js';

export const KEYCHAIN_SERVICE = 'Maildock';
const PROBE_KEY = 'maildock:probe';
const DEFAULT_TIMEOUT_MS = 10_000;

type Keytar = typeof KeytarModule;

export interface KeychainOptions {
  /** The service name entries are kept under; tests use one of their own. */
  service?: string;
  /** A keychain that does not answer in time (a prompt nobody sees) counts as unavailable. */
  timeoutMs?: number;
}

/** `fileAdvised`: the reason already says to keep passwords in the encrypted file. */
function unavailable(reason: string, fileAdvised = false): MaildockError {
  return new MaildockError(
    'SECRET_UNAVAILABLE',
    `The system keychain is not available: ${reason}`,
    { store: 'keychain', fileAdvised },
  );
}

const NO_SECRET_SERVICE =
  /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|not provided by any \.service files|org\.freedesktop\.secrets/i;

/** Why the keychain failed, in words a person can act on (never a secret: keytar's errors hold none). */
export function keychainReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/locked collection|locked|unlock/i.test(message))
    return 'it is locked. Unlock it (for GNOME, log in to the desktop or run gnome-keyring-daemon --unlock) and start Maildock again.';
  if (NO_SECRET_SERVICE.test(message))
    return 'no Secret Service answers on this session (GNOME Keyring or KWallet). On a server without a desktop, keep the passwords in the encrypted file instead (MAILDOCK_SECRETS=file).';
  if (/Object does not exist at path .*collection/i.test(message))
    return 'it has no default keyring to keep passwords in. Create one (for GNOME, with Seahorse, or by logging in to the desktop) and start Maildock again.';
  if (/timed out/i.test(message))
    return 'it did not answer in time (it may be waiting for a password prompt nobody can see).';
  return message;
}

async function loadKeytar(): Promise<Keytar> {
  try {
    const mod = (await import('keytar')) as Keytar & { default?: Keytar };
    return mod.default ?? mod;
  } catch (err) {
    throw unavailable(`its library could not be loaded (${(err as Error).message}).`);
  }
}

export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly #keytar: Keytar;
  readonly #service: string;
  readonly #timeoutMs: number;

  private constructor(keytar: Keytar, service: string, timeoutMs: number) {
    this.#keytar = keytar;
    this.#service = service;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Opens the keychain and proves it works: a probe entry written, read back and removed,
   * so a locked or missing keychain fails here, not at the first sync.
   */
  static async open(opts: KeychainOptions = {}): Promise<KeychainSecretStore> {
    const store = new KeychainSecretStore(
      await loadKeytar(),
      opts.service ?? KEYCHAIN_SERVICE,
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    const nonce = `probe-${Date.now()}`;
    await store.set(PROBE_KEY, nonce);
    const back = await store.get(PROBE_KEY);
    await store.delete(PROBE_KEY);
    if (back !== nonce) throw unavailable('it did not give back what was written to it.');
    return store;
  }

  async #call<T>(what: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        what(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), this.#timeoutMs);
        }),
      ]);
    } catch (err) {
      if (err instanceof MaildockError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw unavailable(keychainReason(err), NO_SECRET_SERVICE.test(message));
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string): Promise<string | null> {
    return this.#call(() => this.#keytar.getPassword(this.#service, key));
  }

  set(key: string, value: string): Promise<void> {
    return this.#call(() => this.#keytar.setPassword(this.#service, key, value));
  }

  delete(key: string): Promise<boolean> {
    return this.#call(() => this.#keytar.deletePassword(this.#service, key));
  }

  async list(): Promise<string[]> {
    const found = await this.#call(() => this.#keytar.findCredentials(this.#service));
    return found
      .map((c) => c.account)
      .filter((k) => k !== PROBE_KEY)
      .sort();
  }
}
