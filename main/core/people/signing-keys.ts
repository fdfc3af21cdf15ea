// The keys that sign and check access tokens, kept apart by key id (`kid`) so they can be
// rotated: a new key signs from the moment it is current, and the old one keeps checking
// the tokens it signed until they run out (one access-token lifetime), then it goes.
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';

export type AsymmetricAlg = 'EdDSA' | 'ES256';
export type SigningAlg = AsymmetricAlg | 'HS256';

export type SigningKey =
  | { kid: string; alg: AsymmetricAlg; privateKey?: KeyObject; publicKey: KeyObject }
  /** One secret signs and checks: anyone who can check can forge, so only when configured. */
  | { kid: string; alg: 'HS256'; secret: KeyObject };

export interface KeyRing {
  /** The kid that signs new tokens; the others only check. */
  current: string;
  keys: SigningKey[];
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const HS256_MIN_BYTES = 32;

/** A key as configuration gives it: PEM or JWK (JSON) text; a secret as base64 or base64url. */
export const keySpecSchema = z
  .object({
    kid: z.string().regex(KID, 'A key id is 1 to 64 letters, digits, ".", "-" or "_".'),
    alg: z.enum(['EdDSA', 'ES256', 'HS256']),
    privateKey: z.string().min(1).optional(),
    publicKey: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
  })
  .strict();

export const keyRingSpecSchema = z
  .object({ current: z.string(), keys: z.array(keySpecSchema).min(1) })
  .strict();

export type KeySpec = z.infer<typeof keySpecSchema>;
export type KeyRingSpec = z.infer<typeof keyRingSpecSchema>;

const CURVE: Record<AsymmetricAlg, { type: string; curve?: string }> = {
  EdDSA: { type: 'ed25519' },
  ES256: { type: 'ec', curve: 'prime256v1' },
};

const refuse = (kid: string, message: string) =>
  new MaildockError('INVALID_INPUT', message, { setting: 'jwt keys', kid });

function readKey(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JsonWebKey;
    return kind === 'private'
      ? createPrivateKey({ key: jwk, format: 'jwk' })
      : createPublicKey({ key: jwk, format: 'jwk' });
  }
  return kind === 'private' ? createPrivateKey(trimmed) : createPublicKey(trimmed);
}

function checkCurve(kid: string, alg: AsymmetricAlg, key: KeyObject): void {
  const want = CURVE[alg];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== want.type || (want.curve && curve !== want.curve)) {
    throw refuse(
      kid,
      `Key ${kid} is not a key for ${alg} (${alg === 'EdDSA' ? 'Ed25519' : 'P-256'}).`,
    );
  }
}

function loadKey(spec: KeySpec, allowHs256: boolean): SigningKey {
  const { kid, alg } = spec;
  if (alg === 'HS256') {
    if (!allowHs256)
      throw refuse(kid, `Key ${kid} is HS256, which is refused unless HS256 is allowed.`);
    if (!spec.secret) throw refuse(kid, `Key ${kid} (HS256) needs a secret.`);
    const secret = Buffer.from(spec.secret, 'base64url');
    if (secret.length < HS256_MIN_BYTES)
      throw refuse(kid, `Key ${kid}: an HS256 secret needs at least ${HS256_MIN_BYTES} bytes.`);
    return { kid, alg, secret: createSecretKey(secret) };
  }
  if (spec.secret) throw refuse(kid, `Key ${kid} (${alg}) takes a key pair, not a secret.`);
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  try {
    privateKey = spec.privateKey ? readKey(spec.privateKey, 'private') : undefined;
    publicKey = spec.publicKey
      ? readKey(spec.publicKey, 'public')
      : privateKey
        ? createPublicKey(privateKey)
        : (() => {
            throw refuse(kid, `Key ${kid} has neither a private nor a public key.`);
          })();
  } catch (err) {
    if (err instanceof MaildockError) throw err;
    // The parser's own text may quote the key: say only which one could not be read.
    throw refuse(kid, `Key ${kid} could not be read as PEM or JWK.`);
  }
  checkCurve(kid, alg, publicKey);
  if (privateKey) {
    checkCurve(kid, alg, privateKey);
    const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    if (!derived.equals(publicKey.export({ format: 'der', type: 'spki' })))
      throw refuse(kid, `Key ${kid}: the public key is not the private key's.`);
  }
  return privateKey ? { kid, alg, privateKey, publicKey } : { kid, alg, publicKey };
}

/** The key ring from configuration; every mistake in it is a clear error naming the kid. */
export function loadKeyRing(spec: KeyRingSpec, opts: { allowHs256?: boolean } = {}): KeyRing {
  const parsed = keyRingSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new MaildockError('INVALID_INPUT', `JWT keys: ${parsed.error.issues[0]!.message}`, {
      setting: 'jwt keys',
    });
  }
  const keys = parsed.data.keys.map((k) => loadKey(k, !!opts.allowHs256));
  const kids = new Set<string>();
  for (const key of keys) {
    if (kids.has(key.kid)) throw refuse(key.kid, `Key id ${key.kid} is given twice.`);
    kids.add(key.kid);
  }
  const current = keys.find((k) => k.kid === parsed.data.current);
  if (!current) throw refuse(parsed.data.current, `The current key ${spec.current} is not given.`);
  if (current.alg !== 'HS256' && !current.privateKey)
    throw refuse(current.kid, `The current key ${current.kid} needs its private key to sign.`);
  return { current: current.kid, keys };
}

export interface NewKey {
  kid: string;
  alg: AsymmetricAlg;
  privateKey: string;
  publicKey: string;
}

/** A new key pair as PEM, with a random kid: for tests and `maildock admin keys new`. */
export function makeKeyPair(alg: AsymmetricAlg, kid?: string): NewKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    kid: kid ?? `${alg.toLowerCase()}-${randomBytes(6).toString('base64url')}`,
    alg,
    privateKey: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}
