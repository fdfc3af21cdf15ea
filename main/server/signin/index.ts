// Sign-in for the server of many people, as the server wires it: the auth routes, and the
// check that puts a person behind every other request.
export {
  authenticator,
  bearerFromProtocols,
  bearerOf,
  chooseProtocol,
  EVENTS_PROTOCOL,
  refusalMessage,
  sendUnauthorized,
  type Authenticate,
} from './authenticate.js';
export { REFRESH_COOKIE, REFRESH_PATH } from './refresh.js';
export { registerSignInRoutes, type SignInRouteOptions } from './routes.js';
export {
  AccessTokens,
  type AccessClaims,
  type Checked,
  type Identity,
  type Refusal,
  type TokenOptions,
} from './tokens.js';
export { HS256_KID, keyRingOf, passwordAuth } from './people-auth.js';
