// Sign-in by password as the server of many people takes it (people-server.ts: PeopleAuth),
// from the server's configuration: its JWT keys, issuer, audience and token lifetimes.
import { createSecretKey } from 'node:crypto';
import { MaildockError } from '../../../common/errors.js';
import type { KeyRing, People, SigningKey } from '../../core/people/index.js';
import type { ServerConfig } from '../config.js';
import type { PeopleAuth } from '../people-server.js';
import { authenticator, refusalMessage } from './authenticate.js';
import { registerSignInRoutes } from './routes.js';
import { AccessTokens } from './tokens.js';

/** The key id of JWT_SECRET, which the configuration gives without one. */
export const HS256_KID = 'hs256';

type JwtConfig = ServerConfig['jwt'];

/** The key ring of the configuration: the first private key signs, or else the HS256 secret. */
export function keyRingOf(jwt: JwtConfig): KeyRing {
  const keys: SigningKey[] = jwt.verifyingKeys.map(({ kid, alg, privateKey, publicKey }) =>
    privateKey ? { kid, alg, privateKey, publicKey } : { kid, alg, publicKey },
  );
  if (jwt.hs256Secret)
    keys.push({ kid: HS256_KID, alg: 'HS256', secret: createSecretKey(jwt.hs256Secret) });
  const current = jwt.signingKeys[0]?.kid ?? (jwt.hs256Secret ? HS256_KID : undefined);
  if (current === undefined) {
    throw new MaildockError(
      'INVALID_INPUT',
      'Access tokens need a key to sign them: set JWT_PRIVATE_KEYS (make one with `maildock admin keys new`), or JWT_ALLOW_HS256=true with JWT_SECRET.',
      { setting: 'JWT_PRIVATE_KEYS' },
    );
  }
  return { current, keys };
}

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

export function passwordAuth(opts: { people: People; jwt: JwtConfig }): PeopleAuth {
  const { people, jwt } = opts;
  const tokens = new AccessTokens({
    keys: keyRingOf(jwt),
    issuer: jwt.issuer,
    audience: jwt.audience,
    accessTtlSeconds: seconds(jwt.accessTokenTtlMs),
    sessions: people.sessions,
  });
  const authenticate = authenticator(tokens);
  return {
    async authenticate(req) {
      const checked = await authenticate(req);
      return checked.ok
        ? { principal: checked.identity }
        : { refused: refusalMessage(checked.reason) };
    },
    register: (app, limits) =>
      registerSignInRoutes(app, {
        people,
        tokens,
        refreshTtlSeconds: seconds(jwt.refreshTokenTtlMs),
        loginRouteConfig: limits.signInRouteConfig,
      }),
  };
}
