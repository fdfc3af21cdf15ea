// What the sign-in screen and "Sign out" say, in one place (as sync-words.ts and the others
// keep theirs), ready for a translation.
import type { ErrorData } from '../../../common/errors.js';
import { errorText } from '../../../common/error-words.js';

export const SIGN_IN_WORDS = {
  title: 'Sign in to Maildock',
  email: 'Email address',
  password: 'Password',
  submit: 'Sign in',
  submitting: 'Signing in…',
  checking: 'Checking your sign-in…',
  ended: 'Your sign-in has ended, so what was open has been closed. Sign in again to go on.',
  signedOut: 'You have signed out.',
  missingEmail: 'Enter your email address.',
  missingPassword: 'Enter your password.',
  refused: 'The email address or the password is not right.',
  signOut: 'Sign out',
  signingOut: 'Signing out…',
  yourSignIn: 'Your sign-in',
} as const;

export function signedInAs(email: string, tenant: string): string {
  return `Signed in as ${email} (${tenant}).`;
}

const seconds = (n: number) => (n === 1 ? '1 second' : `${n} seconds`);

/** Why signing in failed, as one sentence for the screen. */
export function signInErrorText(error: ErrorData): string {
  switch (error.code) {
    case 'RATE_LIMITED': {
      const wait = Number(error.fields?.['retryAfter']);
      return Number.isFinite(wait) && wait > 0
        ? `Too many sign-in attempts. Wait ${seconds(Math.ceil(wait))}, then try again.`
        : 'Too many sign-in attempts. Wait a moment, then try again.';
    }
    case 'AUTH_FAILED':
    case 'UNAUTHORIZED':
      // The server's own words: it says the same for an unknown address and a wrong password.
      return error.message && error.message.length <= 200 ? error.message : SIGN_IN_WORDS.refused;
    default:
      return errorText(error);
  }
}
