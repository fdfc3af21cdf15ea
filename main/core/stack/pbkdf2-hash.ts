// Dovecot's PBKDF2 password scheme, as the stack's passwd-file users were hashed before their
// mailboxes moved into Postgres: `{PBKDF2}$1$<salt>$<rounds>$<hex>`, PBKDF2-HMAC-SHA1 of the
// password with the salt's own bytes, 20 bytes. Such a hash is kept as the user's password
// until they sign in once, so the web sign-in checks it here and rehashes with Argon2id.
import { pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const FORM = /^\{PBKDF2\}\$1\$([^$]{1,256})\$([0-9]{1,7})\$([0-9a-f]{40})$/i;
/** Dovecot writes 5,000 by default and Maildock 20,000; far more is a denial of service. */
const MAX_ROUNDS = 1_000_000;

/** A hash in Dovecot's PBKDF2 form (so the sign-in knows which check applies). */
export function isDovecotPbkdf2(hash: string): boolean {
  return FORM.test(hash);
}

/** True when the password matches; false for a wrong password or a hash of another form. */
export async function verifyDovecotPbkdf2(hash: string, password: string): Promise<boolean> {
  const parts = FORM.exec(hash);
  if (!parts) return false;
  const [, salt, roundsText, hex] = parts as unknown as [string, string, string, string];
  const rounds = Number(roundsText);
  if (rounds < 1 || rounds > MAX_ROUNDS) return false;
  const expected = Buffer.from(hex, 'hex');
  const actual = await pbkdf2Async(password, salt, rounds, expected.length, 'sha1');
  return timingSafeEqual(actual, expected);
}

/** Maildock wrote the passwd-file with 20,000 rounds (Dovecot checks that in a few ms). */
const WRITTEN_ROUNDS = 20_000;

/**
 * A hash in the form Maildock wrote into the passwd-file: what a stack from before has, so
 * tests of its migration can make one.
 */
export function dovecotPbkdf2(
  password: string,
  salt = randomBytes(12).toString('base64url'),
): string {
  const key = pbkdf2Sync(password, salt, WRITTEN_ROUNDS, 20, 'sha1').toString('hex');
  return `{PBKDF2}$1$${salt}$${WRITTEN_ROUNDS}$${key}`;
}
