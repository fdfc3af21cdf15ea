// The server of many people keeps account passwords in its database, sealed: AES-256-GCM
// under a key from its configuration (ENCRYPTION_KEY), the key's id stored beside each value
// so that keys can be rotated (new values take the first key; older ones still open with
// theirs). The secret's name and owner are bound in as associated data: a sealed value
// copied to another row or another person does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MaildockError } from '../../../common/errors.js';
import type { Owner, SealedSecretRepository } from '../store/index.js';
import type { SecretStore } from './secret-store.js';

export interface SealingKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

const boundTo = (owner: Owner, name: string) =>
  Buffer.from(`maildock secret\0${owner.tenantId}\0${owner.userId}\0${name}`);

export class SealedSecretStore implements SecretStore {
  readonly kind = 'database' as const;

  /** keys[0] seals; every key opens what it sealed. */
  constructor(
    private readonly repo: SealedSecretRepository,
    private readonly owner: Owner,
    private readonly keys: readonly SealingKey[],
  ) {
    if (!keys.length) throw new Error('no sealing key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`key ${k.id} is not 32 bytes`);
  }

  async get(name: string): Promise<string | null> {
    const stored = await this.repo.get(name);
    if (!stored) return null;
    const key = this.keys.find((k) => k.id === stored.keyId);
    if (!key) {
      throw new MaildockError(
        'SECRET_UNAVAILABLE',
        `A stored password was sealed with key ${stored.keyId}, which the configuration no longer has.`,
        { keyId: stored.keyId },
      );
    }
    const iv = stored.sealed.subarray(0, IV_BYTES);
    const tag = stored.sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const data = stored.sealed.subarray(IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
      decipher.setAAD(boundTo(this.owner, name));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new MaildockError(
        'SECRET_UNAVAILABLE',
        'A stored password could not be opened: it was altered, or sealed for another place.',
        { keyId: stored.keyId },
      );
    }
  }

  async set(name: string, value: string): Promise<void> {
    const key = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(boundTo(this.owner, name));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await this.repo.set(name, {
      keyId: key.id,
      sealed: Buffer.concat([iv, cipher.getAuthTag(), data]),
    });
  }

  delete(name: string): Promise<boolean> {
    return this.repo.delete(name);
  }

  list(): Promise<string[]> {
    return this.repo.list();
  }
}
