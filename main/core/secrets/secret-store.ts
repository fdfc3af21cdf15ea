import { MaildockError } from '../../../common/errors.js';

/**
 * Where account passwords and tokens live: the OS keychain where one exists, an encrypted
 * file otherwise. Values are never logged and never part of an error message.
 */
export interface SecretStore {
  readonly kind: 'encrypted-file' | 'keychain' | 'database';
  /** The value, or null when no secret has that key. */
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** True when a secret was removed, false when there was none. */
  delete(key: string): Promise<boolean>;
  /** The keys held, sorted. */
  list(): Promise<string[]>;
}

export function accountSecretKey(accountId: number): string {
  if (!Number.isSafeInteger(accountId) || accountId <= 0) {
    throw new MaildockError('INVALID_INPUT', 'An account id is a positive integer.', {
      accountId: String(accountId),
    });
  }
  return `account:${accountId}:password`;
}

/** Where an OAuth2 account's refresh token is kept: like its password, never anywhere else. */
export function oauth2SecretKey(accountId: number): string {
  return accountSecretKey(accountId).replace(/:password$/, ':oauth2');
}
