// Talking to an OAuth2 provider through openid-client: its configuration (known endpoints,
// or the issuer's OpenID discovery), and its failures as Maildock's errors. A grant the
// provider no longer honours (invalid_grant) is SIGNIN_REQUIRED: only the user can mend it.
import * as oidc from 'openid-client';
import { MaildockError } from '../../../common/errors.js';
import { UNREACHABLE_CODES } from '../net/socket-codes.js';
import { isLoopback, type OAuth2Client, type OAuth2Profile } from './profiles.js';

/** How long one request to the provider may take. */
const REQUEST_TIMEOUT_S = 30;

const configs = new Map<string, Promise<oidc.Configuration>>();

/** The provider as openid-client sees it, with this client; discovery is read once per process. */
export function configurationFor(
  profile: OAuth2Profile,
  client: OAuth2Client,
): Promise<oidc.Configuration> {
  const key = JSON.stringify([profile.id, client.clientId, client.clientSecret ?? null]);
  let config = configs.get(key);
  if (!config) {
    config = makeConfiguration(profile, client);
    configs.set(key, config);
    // A discovery that failed is tried again next time.
    config.catch(() => configs.delete(key));
  }
  return config;
}

async function makeConfiguration(
  profile: OAuth2Profile,
  client: OAuth2Client,
): Promise<oidc.Configuration> {
  const auth = client.clientSecret ? oidc.ClientSecretPost(client.clientSecret) : oidc.None();
  const issuer = new URL(profile.issuer);
  // Plain HTTP only for an issuer on this machine (profiles.ts refuses any other).
  const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
  let config: oidc.Configuration;
  if (profile.endpoints) {
    config = new oidc.Configuration({ ...profile.endpoints }, client.clientId, undefined, auth);
  } else {
    try {
      config = await oidc.discovery(issuer, client.clientId, undefined, auth, {
        timeout: REQUEST_TIMEOUT_S,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (err) {
      throw providerError(err, profile, 'its OpenID discovery');
    }
  }
  if (insecure) oidc.allowInsecureRequests(config);
  config.timeout = REQUEST_TIMEOUT_S;
  return config;
}

/** Forgets what discovery read (tests start providers anew). */
export function forgetConfigurations(): void {
  configs.clear();
}

const causeCode = (err: unknown): string | null => {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : null;
};

/** A provider's failure as an error code the UI can explain; never with a token in it. */
export function providerError(err: unknown, profile: OAuth2Profile, what: string): MaildockError {
  if (err instanceof MaildockError) return err;
  const fields = { provider: profile.id };
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    const words = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    if (err.error === 'invalid_grant' || err.error === 'access_denied') {
      return new MaildockError(
        'SIGNIN_REQUIRED',
        `${profile.name} no longer accepts this sign-in (${words}): sign in again.`,
        fields,
      );
    }
    if (err.error === 'expired_token') {
      return new MaildockError('TIMEOUT', `The sign-in with ${profile.name} expired unfinished.`, {
        ...fields,
        cause: err.error,
      });
    }
    return new MaildockError('PROTOCOL_ERROR', `${profile.name} refused ${what}: ${words}`, {
      ...fields,
      cause: err.error,
    });
  }
  const own = (err as { code?: unknown } | null)?.code;
  const code = causeCode(err) ?? (typeof own === 'string' ? own : null);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new MaildockError('TIMEOUT', `${profile.name} did not answer ${what} in time.`, fields);
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new MaildockError(
      'HOST_UNREACHABLE',
      `${profile.name} could not be reached for ${what} (${code}).`,
      { ...fields, cause: code },
    );
  }
  if (err instanceof TypeError && (err as { message: string }).message === 'fetch failed') {
    return new MaildockError(
      'HOST_UNREACHABLE',
      `${profile.name} could not be reached for ${what}.`,
      {
        ...fields,
        cause: code,
      },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new MaildockError(
    'PROTOCOL_ERROR',
    `${profile.name} answered ${what} unexpectedly: ${message}`,
    {
      ...fields,
      cause: code,
    },
  );
}
