// Access tokens: short-lived JWTs signed by the key ring's current key, checked against the
// ring by `kid` with the algorithms allow-listed to the ring's own. A token that checks out
// is still refused when its session was revoked or its user removed (one lookup by key).
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { KeyRing, Owner, Role, SessionRecord, SigningKey } from '../../core/people/index.js';

/** RFC 9068's type: a token made for something else cannot pass for an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const DEFAULT_ACCESS_TTL_SECONDS = 15 * 60;
/** Instances' clocks drift apart a little; a token is not refused for a few seconds of that. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** A header this long is no token of ours: refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

export interface TokenOptions {
  keys: KeyRing;
  issuer: string;
  audience: string;
  /** ACCESS_TOKEN_TTL, in seconds (default 15 minutes). */
  accessTtlSeconds?: number;
  /** The sessions, for a token whose session was revoked meanwhile. */
  sessions: { get(id: string): Promise<SessionRecord | null> };
}

export interface AccessClaims {
  owner: Owner;
  sessionId: string;
  role: Role;
  email: string;
}

export type Identity = AccessClaims;

/** Why a token was refused: said to the client only as expired or not. */
export type Refusal =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not yet valid'
  | 'bad signature'
  | 'algorithm not allowed'
  | 'unknown key'
  | 'wrong claims'
  | 'session ended';

export type Checked = { ok: true; identity: Identity } | { ok: false; reason: Refusal };

const claimsSchema = z.object({
  sub: z.string().regex(/^[1-9]\d{0,15}$/),
  tid: z.number().int().positive(),
  sid: z.uuid(),
  role: z.enum(['admin', 'user']),
  email: z.string().min(1).max(320),
});

class KeyRefused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

const verifyingKey = (key: SigningKey) => (key.alg === 'HS256' ? key.secret : key.publicKey);

/** How many checked signatures are remembered (a token is about 500 bytes). */
const CHECKED_MAX = 10_000;

interface CheckedToken {
  identity: Identity;
  /** The window (ms) in which jose's own checks of the time claims pass. */
  from: number;
  until: number;
}

export class AccessTokens {
  readonly ttlSeconds: number;
  /**
   * Tokens whose signature and claims were checked, by the token itself: a client sends the
   * same one for minutes, and an EdDSA check on the thread pool was the largest cost of a
   * request after the database. Inside its time window a token is taken from here; outside,
   * it goes through jose again, which says why it no longer passes. The session is checked
   * every time either way (verifyAccess).
   */
  private readonly checked = new Map<string, CheckedToken>();
  private readonly byKid: Map<string, SigningKey>;
  private readonly algorithms: string[];
  private readonly signer: SigningKey;

  constructor(private readonly opts: TokenOptions) {
    this.ttlSeconds = opts.accessTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 1)
      throw new Error(`access token lifetime: ${this.ttlSeconds} is not a number of seconds`);
    this.byKid = new Map(opts.keys.keys.map((k) => [k.kid, k]));
    this.algorithms = [...new Set(opts.keys.keys.map((k) => k.alg))];
    const signer = this.byKid.get(opts.keys.current);
    if (!signer || (signer.alg !== 'HS256' && !signer.privateKey))
      throw new Error(`the current key ${opts.keys.current} cannot sign`);
    this.signer = signer;
  }

  /** A new access token for a session; expiresAt in ms since the epoch. */
  async issue(
    claims: AccessClaims,
    now = Date.now(),
  ): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const key = this.signer.alg === 'HS256' ? this.signer.secret : this.signer.privateKey!;
    const token = await new SignJWT({
      tid: claims.owner.tenantId,
      sid: claims.sessionId,
      role: claims.role,
      email: claims.email,
    })
      .setProtectedHeader({ alg: this.signer.alg, kid: this.signer.kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(String(claims.owner.userId))
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(key);
    return { token, expiresAt: exp * 1000 };
  }

  /**
   * Signature, algorithm, key and claims; not the session (verifyAccess does both).
   * ignoreExpiry: for ending a session, which an expired token of it may still ask for.
   */
  async verify(
    token: string,
    now = Date.now(),
    opts: { ignoreExpiry?: boolean } = {},
  ): Promise<Checked> {
    if (token.length > MAX_TOKEN_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
      return { ok: false, reason: 'malformed' };
    const known = this.checked.get(token);
    if (known && known.from <= now && now < known.until)
      return { ok: true, identity: known.identity };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: this.algorithms,
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // A token our own keys signed for longer than a lifetime is still refused after one;
        // and one issued in the future is refused too.
        maxTokenAge: this.ttlSeconds + CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'nbf', 'iat', 'sub'],
        currentDate: new Date(now),
      }));
    } catch (err) {
      // jose checks expiry last, after the signature, issuer, audience and type.
      if (!(opts.ignoreExpiry && err instanceof errors.JWTExpired))
        return { ok: false, reason: refusalOf(err) };
      payload = err.payload;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'wrong claims' };
    const { sub, tid, sid, role, email } = claims.data;
    const identity = {
      owner: { tenantId: tid, userId: Number(sub) },
      sessionId: sid,
      role,
      email,
    };
    if (!opts.ignoreExpiry) this.remember(token, identity, payload);
    return { ok: true, identity };
  }

  /** A token jose passed: kept for as long as jose's time checks would pass it again. */
  private remember(token: string, identity: Identity, payload: JWTPayload): void {
    const { exp, nbf, iat } = payload as { exp: number; nbf: number; iat: number };
    const tolerance = CLOCK_TOLERANCE_SECONDS;
    const until = Math.min(exp + tolerance, iat + this.ttlSeconds + tolerance) * 1000;
    const from = Math.max(nbf, iat) * 1000 - tolerance * 1000;
    if (this.checked.size >= CHECKED_MAX) {
      // The oldest first: Map keeps insertion order.
      const oldest = this.checked.keys().next().value;
      if (oldest !== undefined) this.checked.delete(oldest);
    }
    this.checked.set(token, { identity, from, until });
  }

  /** verify(), and the session still there, unrevoked, unexpired and the token's own. */
  async verifyAccess(token: string, now = Date.now()): Promise<Checked> {
    const checked = await this.verify(token, now);
    if (!checked.ok) return checked;
    const { identity } = checked;
    const session = await this.opts.sessions.get(identity.sessionId);
    if (
      !session ||
      session.revokedAt !== null ||
      session.expiresAt <= now ||
      session.userId !== identity.owner.userId ||
      session.tenantId !== identity.owner.tenantId
    )
      return { ok: false, reason: 'session ended' };
    return checked;
  }

  private keyFor(header: JWTHeaderParameters) {
    const key = header.kid === undefined ? undefined : this.byKid.get(header.kid);
    if (!key) throw new KeyRefused('unknown key');
    // The key decides the algorithm, never the token: an EdDSA key is not an HS256 secret.
    if (header.alg !== key.alg) throw new KeyRefused('algorithm not allowed');
    return verifyingKey(key);
  }
}

function refusalOf(err: unknown): Refusal {
  if (err instanceof KeyRefused) return err.reason;
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed)
    return err.claim === 'nbf' || err.claim === 'iat' ? 'not yet valid' : 'wrong claims';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  return 'malformed';
}
