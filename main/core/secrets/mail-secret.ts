// What a mail server login takes: the account's password, or, for an account that signs in
// with OAuth2, a source of access tokens (main/core/oauth2/tokens.ts). IMAP and SMTP take the
// same one; neither ever logs it.

/** Access tokens for one account's OAuth2 grant, kept in memory and refreshed as needed. */
export interface AccessTokens {
  readonly kind: 'oauth2';
  /**
   * A current access token. `renew`: the server refused the last one, so a new one is got
   * from the provider whatever its expiry says. Rejects with SIGNIN_REQUIRED when the grant
   * was revoked or has expired.
   */
  accessToken(renew: boolean): Promise<string>;
}

export type MailSecret = string | AccessTokens;

/** What imapflow's and nodemailer's `auth` take, but the user. */
export type MailLogin = { pass: string } | { accessToken: string };

/** The login to try first: the password, or the token in hand (refreshed when about to expire). */
export async function loginOf(secret: MailSecret): Promise<MailLogin> {
  return typeof secret === 'string'
    ? { pass: secret }
    : { accessToken: await secret.accessToken(false) };
}
