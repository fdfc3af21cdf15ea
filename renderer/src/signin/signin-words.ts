// What the sign-in screen says when signing in fails, in the UI's language; the rest of its
// words are the catalog's (signin.*).
import type { ErrorData } from '../../../common/errors.js';
import { errorText } from '../i18n/error-words.js';
import { i18n } from '../i18n/index.js';

/** Why signing in failed, as one sentence for the screen. */
export function signInErrorText(error: ErrorData): string {
  switch (error.code) {
    case 'RATE_LIMITED': {
      const wait = Number(error.fields?.['retryAfter']);
      return Number.isFinite(wait) && wait > 0
        ? i18n.t('signin.tooMany', { count: Math.ceil(wait) })
        : i18n.t('signin.tooManyMoment');
    }
    case 'AUTH_FAILED':
    case 'UNAUTHORIZED':
      // The server says the same for an unknown address and a wrong password; its own words
      // are English, so they stand only in an English UI.
      return i18n.resolvedLanguage === 'en' && error.message && error.message.length <= 200
        ? error.message
        : i18n.t('signin.refused');
    default:
      return errorText(error);
  }
}
