// The keys in the server's configuration: JWT signing and verifying keys read from PEM files,
// and the keys that encrypt account passwords at rest. Both are lists of `kid:value` items,
// the first being the current one, so a key is rotated by putting a new one first and keeping
// the old one behind it until nothing signed or sealed with it is left.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** The algorithms a JWT may be signed with: asymmetric only; HS256 is a separate opt-in. */
export type JwtAlgorithm = 'EdDSA' | 'ES256';

export interface JwtKey {
  kid: string;
  alg: JwtAlgorithm;
  /** Absent for a key that only verifies (JWT_PUBLIC_KEYS). */
  privateKey?: KeyObject;
  publicKey: KeyObject;
  file: string;
}

export interface EncryptionKey {
  kid: string;
  /** 32 bytes, for AES-256-GCM. */
  key: Buffer;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
export const ENCRYPTION_KEY_BYTES = 32;
/** The key id of an ENCRYPTION_KEY given as one bare key, without a `kid:`. */
export const DEFAULT_ENCRYPTION_KID = 'default';

/** `kid:value` items of a comma-separated list; a message saying what is wrong otherwise. */
export function kidList(text: string): { kid: string; value: string }[] | string {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return 'expected at least one kid:value item.';
  const out: { kid: string; value: string }[] = [];
  for (const item of items) {
    const colon = item.indexOf(':');
    const kid = colon < 0 ? '' : item.slice(0, colon);
    if (!KID.test(kid))
      return `"${colon < 0 ? item.slice(0, 12) : kid}…" does not start with a key id (kid:…; letters, digits, . _ -).`;
    if (out.some((o) => o.kid === kid)) return `the key id ${kid} is given twice.`;
    out.push({ kid, value: item.slice(colon + 1).trim() });
  }
  return out;
}

function algorithmOf(key: KeyObject): JwtAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ES256';
  return undefined;
}

/**
 * The keys named by a `kid:file` list, read from their PEM files (relative paths from
 * `baseDir`). Private keys (`kind: 'private'`) bring their public half for verifying.
 */
export function readJwtKeys(
  text: string,
  kind: 'private' | 'public',
  baseDir: string,
): JwtKey[] | string {
  const items = kidList(text);
  if (typeof items === 'string') return items;
  const keys: JwtKey[] = [];
  for (const { kid, value } of items) {
    const file = isAbsolute(value) ? value : resolve(baseDir, value);
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      return `key ${kid}: ${file} cannot be read (${(err as { code?: string }).code ?? 'error'}).`;
    }
    let privateKey: KeyObject | undefined;
    let publicKey: KeyObject;
    try {
      privateKey = kind === 'private' ? createPrivateKey(pem) : undefined;
      publicKey = privateKey ? createPublicKey(privateKey) : createPublicKey(pem);
    } catch {
      return `key ${kid}: ${file} does not hold a ${kind} key in PEM form.`;
    }
    const alg = algorithmOf(publicKey);
    if (!alg)
      return `key ${kid}: ${file} is a ${publicKey.asymmetricKeyType ?? 'symmetric'} key; use Ed25519 (EdDSA) or P-256 (ES256).`;
    keys.push({ kid, alg, ...(privateKey ? { privateKey } : {}), publicKey, file });
  }
  return keys;
}

/** ENCRYPTION_KEY: one base64 key of 32 bytes, or a `kid:key` list, the current one first. */
export function readEncryptionKeys(text: string): EncryptionKey[] | string {
  const bare = !text.includes(':');
  const items = bare ? [{ kid: DEFAULT_ENCRYPTION_KID, value: text.trim() }] : kidList(text);
  if (typeof items === 'string') return items;
  const keys: EncryptionKey[] = [];
  for (const { kid, value } of items) {
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : null;
    if (!key || key.length !== ENCRYPTION_KEY_BYTES)
      return `key ${kid} is not ${ENCRYPTION_KEY_BYTES} bytes in base64 (make one with: openssl rand -base64 32).`;
    keys.push({ kid, key });
  }
  return keys;
}
