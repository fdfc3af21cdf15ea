// OAuth2 sign-in as the settings show it: which provider a discovery's answer names (the
// contract's 'google', 'microsoft' or an issuer's URL), its name for the user, which flow
// fits where the page runs, and whether an account waits for the user to sign in again.
import type { TransportKind } from '../client/transport.js';
import type {
  Account,
  AccountSyncState,
  Discovery,
  OAuth2FlowKind,
} from '../../../common/types.js';
import { i18n } from '../i18n/index.js';

/** The providers offered by hand when discovery named none. */
export type ProviderChoice = 'google' | 'microsoft' | 'other';

const GOOGLE_ISSUERS = new Set(['accounts.google.com']);
const MICROSOFT_ISSUERS = new Set(['login.microsoftonline.com', 'login.live.com']);

const hostOf = (url: string): string | null => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
};

/**
 * The provider a discovered issuer stands for. Thunderbird's data names issuers by host
 * ('accounts.google.com'); autoconfig files may give a URL. Google and Microsoft are the
 * profiles the core knows; any other issuer is reached over HTTPS by its URL.
 */
export function providerOfIssuer(issuer: string): string | null {
  const text = issuer.trim();
  if (!text) return null;
  const url = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  const host = hostOf(url);
  if (!host) return null;
  if (GOOGLE_ISSUERS.has(host)) return 'google';
  if (MICROSOFT_ISSUERS.has(host)) return 'microsoft';
  return url.replace(/\/+$/, '');
}

/** Whether the servers found take an OAuth2 sign-in (the incoming one decides: sync needs it). */
export function offersOAuth2(found: Discovery): boolean {
  return found.imap.auth.includes('oauth2');
}

/** The provider to sign in with for what discovery found; null when it named none. */
export function providerOfDiscovery(found: Discovery): string | null {
  if (!offersOAuth2(found) || !found.oauth2) return null;
  return providerOfIssuer(found.oauth2.issuer);
}

/** The provider a choice by hand gives: the issuer's URL for "other", when it is one. */
export function providerOfChoice(choice: ProviderChoice, issuerUrl: string): string | null {
  if (choice !== 'other') return choice;
  const text = issuerUrl.trim();
  if (!/^https?:\/\/[^\s/]+/i.test(text) || /\s/.test(text)) return null;
  return hostOf(text) ? text.replace(/\/+$/, '') : null;
}

/** The provider's name for the user: "Google", "Microsoft 365", or the issuer's host. */
export function providerName(provider: string): string {
  if (provider === 'google') return i18n.t('settings.oauth2.google');
  if (provider === 'microsoft') return i18n.t('settings.oauth2.microsoft');
  return hostOf(provider) ?? provider;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The flow for where the page runs. The browser can come back to the core's one-shot
 * listener on 127.0.0.1 only when both are on one machine: the desktop app, or the served
 * page opened on this machine. Elsewhere the user pastes the code or the address it ends on.
 */
export function flowFor(transport: TransportKind, pageHost: string): OAuth2FlowKind {
  if (transport === 'ipc') return 'loopback';
  return LOOPBACK_HOSTS.has(pageHost.toLowerCase()) ? 'loopback' : 'manual';
}

/**
 * Whether the account waits for its user to sign in again. The sync state is the newer news
 * (it is pushed as it changes); the account as listed stands in until the states are read.
 */
export function needsSignIn(
  account: Pick<Account, 'oauth2'>,
  state: Pick<AccountSyncState, 'signInRequired'> | undefined,
): boolean {
  if (!account.oauth2) return state?.signInRequired ?? false;
  return state ? (state.signInRequired ?? false) : account.oauth2.signInRequired;
}
