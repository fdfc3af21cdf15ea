// Passwords of the server's users: Argon2id, checked in the same time whether or not the
// address is known, so a sign-in's timing does not say which addresses exist. A mailbox of the
// stack migrated from Dovecot's passwd file keeps its `{PBKDF2}` hash until its first sign-in,
// which checks that hash and rehashes with Argon2id (needsRehash).
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import { isDovecotPbkdf2, verifyDovecotPbkdf2 } from '../stack/pbkdf2-hash.js';

/**
 * OWASP's Argon2id setting (m=19 MiB, t=2, p=1) rather than the library's (64 MiB, t=3, p=4):
 * OWASP rates them alike against guessing, and here a sign-in costs ~70 ms and 19 MiB on one
 * core instead of ~280 ms and 64 MiB on four; a server of 2 cores stays answering through a
 * burst of sign-ins. The setting travels inside each hash, so raising it later only rehashes
 * at the next sign-in (needsRehash).
 */
export const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `A password needs at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `A password may have at most ${PASSWORD_MAX} characters.`);

/** A password someone chose (admin commands): refused when too short or too long. */
export function checkPassword(password: string): string {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) {
    throw new MaildockError('INVALID_INPUT', parsed.error.issues[0]!.message, {
      field: 'password',
    });
  }
  return parsed.data;
}

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(checkPassword(password), HASH_OPTIONS);
}

/**
 * A password that just signed in, hashed anew with today's setting. No length check: it was
 * accepted when it was set (a migrated mailbox's may be shorter than today's minimum), and
 * refusing it now would lock its owner out.
 */
export function rehashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

let dummy: Promise<string> | undefined;
/** A hash no password matches, made once with the same setting as real ones. */
const dummyHash = () => (dummy ??= argon2.hash(randomBytes(32).toString('hex'), HASH_OPTIONS));

/**
 * Whether the password matches the hash. Without a hash (no such user, or one who may not
 * sign in) the same work is done against a dummy, and the answer is no.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    await argon2.verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  if (isDovecotPbkdf2(hash)) {
    // PBKDF2 takes a few ms: the Argon2 work too, so the time does not tell migrated users apart.
    const [ok] = await Promise.all([
      verifyDovecotPbkdf2(hash, password),
      argon2.verify(await dummyHash(), password).catch(() => false),
    ]);
    return ok;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    // Not a hash argon2 can read (a damaged row): no one signs in with it.
    await argon2.verify(await dummyHash(), password).catch(() => false);
    return false;
  }
}

/** Whether a hash was made with an older setting and should be made again. */
export function needsRehash(hash: string): boolean {
  if (isDovecotPbkdf2(hash)) return true;
  try {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  } catch {
    return false;
  }
}

/** Makes the dummy hash ahead of the first sign-in, so that one is not slower than the rest. */
export async function warmUpPasswords(): Promise<void> {
  await dummyHash();
}
