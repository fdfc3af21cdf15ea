// The OAuth2 side of each account that signs in with it. The refresh token lives in the
// SecretStore like a password; what the account signs in with (provider, client, scopes) and
// whether the user must sign in again live in the store's settings; the access token stays in
// memory, refreshed shortly before it expires and once more when a server refuses it. A grant
// the provider no longer honours marks the account: from then on no server or provider is
// asked again until the user signs in again.
import type * as oidc from 'openid-client';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import type { Account } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { AccessTokens } from '../secrets/mail-secret.js';
import { oauth2SecretKey, type SecretStore } from '../secrets/secret-store.js';
import type { Store } from '../store/index.js';
import { clientFor, profileFor, type OAuth2Options } from './profiles.js';

const log = getLogger('oauth2');

/** What a finished sign-in holds until an account takes it. */
export interface Grant {
  provider: string;
  email: string;
  clientId: string;
  scopes: string[];
  refreshToken: string;
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  /** Seconds the access token was given for. */
  lifetime: number;
}

const storedSchema = z.object({
  provider: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  signInRequired: z.boolean(),
});
type Stored = z.infer<typeof storedSchema>;

const settingKey = (accountId: number) => `oauth2.account.${accountId}`;

/** Refreshed this long before it expires: a minute, or half its life when it is shorter. */
const marginMs = (lifetimeS: number) => Math.min(60_000, (lifetimeS * 1000) / 2);

/** An access token from a token endpoint's answer; a grant without a refresh token is no use. */
export function tokensOf(
  answer: oidc.TokenEndpointResponse,
  now = Date.now(),
): { accessToken: string; refreshToken: string | null; expiresAt: number; lifetime: number } {
  const lifetime = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? null,
    expiresAt: now + lifetime * 1000,
    lifetime,
  };
}

/** Whether a token in hand is still good to use, with the margin before its expiry. */
export function fresh(expiresAt: number, lifetime: number, now = Date.now()): boolean {
  return now < expiresAt - marginMs(lifetime);
}

interface Held {
  accessToken: string;
  expiresAt: number;
  lifetime: number;
}

export interface OAuth2AccountsDeps {
  store: () => Store;
  secrets: SecretStore;
  options: () => OAuth2Options | undefined;
  /** An account's grant ended (true) or works again after a new sign-in (false). */
  onSignIn?(accountId: number, required: boolean): void;
}

export class OAuth2Accounts {
  private readonly held = new Map<number, Held>();
  private readonly refreshing = new Map<number, Promise<string>>();

  constructor(private readonly deps: OAuth2AccountsDeps) {}

  private async stored(accountId: number): Promise<Stored | null> {
    const raw = await this.deps.store().settings.get(settingKey(accountId));
    if (raw === null) return null;
    try {
      const parsed = storedSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The account with how it signs in (auth, and the OAuth2 provider and state). */
  async describe(account: Account): Promise<Account> {
    const s = await this.stored(account.id);
    if (!s) return { ...account, auth: 'password' };
    return {
      ...account,
      auth: 'oauth2',
      oauth2: { provider: s.provider, signInRequired: s.signInRequired },
    };
  }

  /** Whether the account signs in with OAuth2. */
  async uses(accountId: number): Promise<boolean> {
    return (await this.stored(accountId)) !== null;
  }

  async signInRequired(accountId: number): Promise<boolean> {
    return (await this.stored(accountId))?.signInRequired ?? false;
  }

  /**
   * Keeps a finished sign-in for the account: the refresh token in the SecretStore, the rest in
   * the settings, the access token in memory. Clears "sign in again".
   */
  async save(accountId: number, grant: Grant): Promise<void> {
    await this.deps.secrets.set(oauth2SecretKey(accountId), grant.refreshToken);
    const stored: Stored = {
      provider: grant.provider,
      clientId: grant.clientId,
      scopes: grant.scopes,
      signInRequired: false,
    };
    await this.deps.store().settings.set(settingKey(accountId), JSON.stringify(stored));
    const { accessToken, expiresAt, lifetime } = grant;
    this.held.set(accountId, { accessToken, expiresAt, lifetime });
    this.deps.onSignIn?.(accountId, false);
  }

  async forget(accountId: number): Promise<void> {
    this.held.delete(accountId);
    await this.deps.secrets.delete(oauth2SecretKey(accountId));
    await this.deps.store().settings.remove(settingKey(accountId));
  }

  /** The account's access tokens, for IMAP and SMTP logins. */
  tokens(account: Account): AccessTokens {
    return {
      kind: 'oauth2',
      accessToken: (renew) => this.accessToken(account, renew),
    };
  }

  private async accessToken(account: Account, renew: boolean): Promise<string> {
    const held = this.held.get(account.id);
    if (!renew && held && fresh(held.expiresAt, held.lifetime)) return held.accessToken;
    // Connections opened together share one refresh.
    let pending = this.refreshing.get(account.id);
    if (!pending) {
      pending = this.refresh(account, held?.accessToken ?? null).finally(() =>
        this.refreshing.delete(account.id),
      );
      this.refreshing.set(account.id, pending);
    }
    return pending;
  }

  private async refresh(account: Account, refused: string | null): Promise<string> {
    const stored = await this.stored(account.id);
    if (!stored) {
      throw new MaildockError('SECRET_UNAVAILABLE', `${account.email} has no OAuth2 sign-in.`, {
        accountId: account.id,
      });
    }
    const fields = { accountId: account.id, provider: stored.provider };
    if (stored.signInRequired) {
      throw new MaildockError(
        'SIGNIN_REQUIRED',
        `The sign-in of ${account.email} has ended: sign in again.`,
        fields,
      );
    }
    // Another connection may have refreshed while this one was refused.
    const now = this.held.get(account.id);
    if (now && now.accessToken !== refused && fresh(now.expiresAt, now.lifetime)) {
      return now.accessToken;
    }
    const refreshToken = await this.deps.secrets.get(oauth2SecretKey(account.id));
    if (refreshToken === null) {
      await this.markSignInRequired(account.id, stored);
      throw new MaildockError(
        'SIGNIN_REQUIRED',
        `No sign-in is kept for ${account.email}: sign in again.`,
        fields,
      );
    }
    const profile = profileFor(stored.provider);
    const client = { ...clientFor(profile, this.deps.options()), clientId: stored.clientId };
    // openid-client loads with the first refresh: an account by password never needs it.
    const { configurationFor, providerError } = await import('./provider.js');
    const { refreshTokenGrant } = await import('openid-client');
    let answer: oidc.TokenEndpointResponse;
    try {
      const config = await configurationFor(profile, client);
      answer = await refreshTokenGrant(config, refreshToken);
    } catch (err) {
      const failure = providerError(err, profile, 'a new access token');
      if (failure.code === 'SIGNIN_REQUIRED') {
        await this.markSignInRequired(account.id, stored);
        throw new MaildockError(failure.code, failure.message, fields);
      }
      throw failure;
    }
    const got = tokensOf(answer);
    // Providers that rotate refresh tokens hand out a new one with each access token.
    if (got.refreshToken && got.refreshToken !== refreshToken) {
      await this.deps.secrets.set(oauth2SecretKey(account.id), got.refreshToken);
    }
    this.held.set(account.id, got);
    log.info({ accountId: account.id, expiresIn: got.lifetime }, 'access token refreshed');
    return got.accessToken;
  }

  private async markSignInRequired(accountId: number, stored: Stored): Promise<void> {
    this.held.delete(accountId);
    const next: Stored = { ...stored, signInRequired: true };
    await this.deps.store().settings.set(settingKey(accountId), JSON.stringify(next));
    log.warn({ accountId, provider: stored.provider }, 'OAuth2 grant ended: sign in again');
    this.deps.onSignIn?.(accountId, true);
  }
}
