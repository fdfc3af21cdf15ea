// Account passwords in a backup, only when the user asks: sealed with a passphrase (scrypt
// for the key, AES-256-GCM for the data), so the archive alone never gives them away. A
// wrong passphrase fails the GCM tag: it is refused, never half-read.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const SECRETS_ENTRY = 'secrets.sealed.json';
/** Among the sealed passwords, the stack's relay password file (not a secret store key). */
export const RELAY_SECRET = 'stack:relay-password-file';
/** scrypt's cost: 2^17 × 8 × 128 bytes = 128 MiB and about half a second, once per backup. */
export const COST = { N: 2 ** 17, r: 8, p: 1 };
export type Cost = typeof COST;
const MIN_PASSPHRASE = 8;

const sealedSchema = z.strictObject({
  kdf: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

/** The AES-256 key of a passphrase (here and in the envelope of an encrypted backup). */
export async function keyOf(passphrase: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  return scrypt(passphrase, salt, 32, { ...cost, maxmem: 256 * 1024 * 1024 });
}

export function checkPassphrase(passphrase: string | undefined): string {
  if (!passphrase || passphrase.length < MIN_PASSPHRASE) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Passwords go into a backup only under a passphrase of at least ${MIN_PASSPHRASE} characters.`,
      { field: 'passphrase' },
    );
  }
  return passphrase;
}

/** The secrets as the sealed entry's bytes. */
export async function seal(secrets: Record<string, string>, passphrase: string): Promise<Buffer> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await keyOf(checkPassphrase(passphrase), salt, COST);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return Buffer.from(
    JSON.stringify({
      kdf: 'scrypt',
      ...COST,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    }),
  );
}

/** The secrets back, or a clear refusal: a wrong passphrase, or an entry that is not one. */
export async function unseal(bytes: Buffer, passphrase: string): Promise<Record<string, string>> {
  let sealed: z.infer<typeof sealedSchema>;
  try {
    sealed = sealedSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw new MaildockError('INVALID_INPUT', 'The backup’s sealed passwords are damaged.');
  }
  if (sealed.N > 2 ** 20 || sealed.r > 32 || sealed.p > 4) {
    throw new MaildockError(
      'INVALID_INPUT',
      'The backup’s sealed passwords ask for an unreasonable key cost.',
    );
  }
  const key = await keyOf(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]);
    return z.record(z.string(), z.string()).parse(JSON.parse(text.toString('utf8')));
  } catch {
    throw new MaildockError(
      'AUTH_FAILED',
      'The passphrase does not open the passwords in this backup.',
      { field: 'passphrase' },
    );
  }
}
