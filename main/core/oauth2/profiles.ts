// The OAuth2 providers Maildock signs in to: Google and Microsoft 365 with their endpoints,
// the scopes IMAP and SMTP need and the servers that take their tokens, and any other issuer
// that publishes OpenID discovery. Client ids come from configuration (the service's options
// or the environment), never from the source: Maildock ships no client of its own.
import { MaildockError } from '../../../common/errors.js';

/** A provider's client registration, as configured. */
export interface OAuth2Client {
  clientId: string;
  /** Only where the provider wants one even from an installed app (Google's "desktop" clients). */
  clientSecret?: string;
  /** Replaces the profile's scopes (a generic issuer's mail scopes are its own). */
  scopes?: string[];
}

export interface OAuth2Options {
  /** By profile id: 'google', 'microsoft', or an issuer's URL. */
  clients?: Record<string, OAuth2Client>;
  /** How long a started sign-in can be finished, in ms (default 10 minutes). */
  flowTimeoutMs?: number;
  /** Opens a page in the user's browser (the desktop app); else the page is only shown. */
  openBrowser?: (url: string) => void | Promise<void>;
}

/** The endpoints of a provider that Maildock knows without asking it. */
export interface KnownEndpoints {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  device_authorization_endpoint: string;
  revocation_endpoint?: string;
}

export interface OAuth2Profile {
  /** 'google', 'microsoft', or the issuer's URL. */
  id: string;
  name: string;
  /** Known endpoints; null: read from the issuer's OpenID discovery. */
  endpoints: KnownEndpoints | null;
  /** The issuer whose discovery is read when endpoints is null. */
  issuer: string;
  scopes: string[];
  /** Parameters of the authorization request that make the provider give a refresh token. */
  authParams: Record<string, string>;
  /** IMAP and SMTP hosts that take this provider's tokens. */
  hosts: string[];
}

const GOOGLE: OAuth2Profile = {
  id: 'google',
  name: 'Google',
  issuer: 'https://accounts.google.com',
  endpoints: {
    issuer: 'https://accounts.google.com',
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_endpoint: 'https://oauth2.googleapis.com/token',
    device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
    revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
  },
  scopes: ['https://mail.google.com/'],
  // Google gives a refresh token only offline, and a second time only with consent asked again.
  authParams: { access_type: 'offline', prompt: 'consent' },
  hosts: ['imap.gmail.com', 'smtp.gmail.com', 'imap.googlemail.com', 'smtp.googlemail.com'],
};

const MICROSOFT_BASE = 'https://login.microsoftonline.com/common/oauth2/v2.0';
const MICROSOFT: OAuth2Profile = {
  id: 'microsoft',
  name: 'Microsoft 365',
  issuer: 'https://login.microsoftonline.com/common/v2.0',
  endpoints: {
    issuer: 'https://login.microsoftonline.com/common/v2.0',
    authorization_endpoint: `${MICROSOFT_BASE}/authorize`,
    token_endpoint: `${MICROSOFT_BASE}/token`,
    device_authorization_endpoint: `${MICROSOFT_BASE}/devicecode`,
  },
  scopes: [
    'https://outlook.office.com/IMAP.AccessAsUser.All',
    'https://outlook.office.com/SMTP.Send',
    'offline_access',
  ],
  authParams: {},
  hosts: [
    'outlook.office365.com',
    'smtp.office365.com',
    'imap-mail.outlook.com',
    'smtp-mail.outlook.com',
  ],
};

const KNOWN: Record<string, OAuth2Profile> = { google: GOOGLE, microsoft: MICROSOFT };

/** An issuer's URL as a profile id: no trailing slash, so one issuer is one profile. */
export function issuerId(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The profile for 'google', 'microsoft', or an issuer's URL (its endpoints from discovery). */
export function profileFor(provider: string): OAuth2Profile {
  const known = KNOWN[provider];
  if (known) return known;
  let url: URL;
  try {
    url = new URL(provider);
  } catch {
    throw new MaildockError(
      'INVALID_INPUT',
      `${provider} is neither google, microsoft nor an issuer's URL.`,
      { field: 'provider' },
    );
  }
  if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
    throw new MaildockError(
      'INVALID_INPUT',
      `An issuer is reached over HTTPS (plain HTTP only on this machine): ${provider}.`,
      { field: 'provider' },
    );
  }
  const id = issuerId(provider);
  return {
    id,
    name: url.hostname,
    issuer: id,
    endpoints: null,
    scopes: ['openid', 'email', 'offline_access'],
    authParams: { prompt: 'consent' },
    hosts: [],
  };
}

/** The profile whose servers these are, if any (an address at Gmail, or a custom domain hosted there). */
export function profileForHost(host: string): OAuth2Profile | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  return Object.values(KNOWN).find((p) => p.hosts.includes(h)) ?? null;
}

export function isLoopback(hostname: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname.toLowerCase());
}

const ENV_NAMES: Record<string, string> = { google: 'GOOGLE', microsoft: 'MICROSOFT' };

/**
 * The client configured for a profile: the service's options first, then the environment
 * (MAILDOCK_OAUTH2_GOOGLE_CLIENT_ID / _CLIENT_SECRET, …_MICROSOFT_…; for any issuer
 * MAILDOCK_OAUTH2_CLIENT_ID, _CLIENT_SECRET and _SCOPES, space-separated).
 */
export function clientFor(
  profile: OAuth2Profile,
  options: OAuth2Options | undefined,
  env: NodeJS.ProcessEnv = process.env,
): OAuth2Client {
  const configured = options?.clients?.[profile.id];
  if (configured) return configured;
  const prefix = `MAILDOCK_OAUTH2_${ENV_NAMES[profile.id] ? `${ENV_NAMES[profile.id]}_` : ''}`;
  const clientId = env[`${prefix}CLIENT_ID`]?.trim();
  if (!clientId) {
    throw new MaildockError(
      'INVALID_INPUT',
      `No OAuth2 client is configured for ${profile.name}: set ${prefix}CLIENT_ID (and ${prefix}CLIENT_SECRET where the provider gives one).`,
      { setting: `${prefix}CLIENT_ID` },
    );
  }
  const clientSecret = env[`${prefix}CLIENT_SECRET`]?.trim();
  const scopes = env[`${prefix}SCOPES`]?.trim();
  return {
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    ...(scopes ? { scopes: scopes.split(/\s+/) } : {}),
  };
}
