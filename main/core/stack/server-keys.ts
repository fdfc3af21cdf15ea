// The keys every instance of the stack's server shares, made once in the server service's own
// secret folder: ENCRYPTION_KEY, which seals the people's account passwords in Postgres, and
// an EdDSA key pair that signs their access tokens. They sit in an env file the entrypoint
// hands to `maildock serve --env-file` (main/server/config.ts reads it), beside the key's PEM
// file, all mode 0600. The stack's folder is in every backup: losing ENCRYPTION_KEY would
// lose every sealed account password, and a new signing key would sign everyone out.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeKeyPair } from '../people/signing-keys.js';
import { writePrivate } from './private-file.js';

/** The env file, as the server's entrypoint looks for it in its secret folder. */
export const SERVER_ENV_FILE = 'server.env';
const ENCRYPTION_KEY_BYTES = 32;

/** The env file's text for these keys; the PEM's path is relative to the env file's folder. */
function serverEnvText(encryptionKey: string, kid: string, pemFile: string): string {
  return `# Made once by Maildock for the stack's server; every instance reads it. Keep it with the
# stack's data: without ENCRYPTION_KEY the account passwords sealed with it cannot be read.
ENCRYPTION_KEY=${encryptionKey}
JWT_PRIVATE_KEYS=${kid}:${pemFile}
`;
}

/** Makes the server's keys in `dir` unless they exist; true when it made them. */
export function ensureServerKeys(dir: string): boolean {
  const envPath = join(dir, SERVER_ENV_FILE);
  if (existsSync(envPath)) return false;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = makeKeyPair('EdDSA');
  const pemFile = `jwt-${pair.kid}.pem`;
  // The key first: an env file never names a key that is not there.
  writePrivate(join(dir, pemFile), pair.privateKey);
  const encryptionKey = randomBytes(ENCRYPTION_KEY_BYTES).toString('base64');
  writePrivate(envPath, serverEnvText(encryptionKey, pair.kid, pemFile));
  return true;
}
