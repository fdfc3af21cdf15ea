// Errors in the UI's language: the sentence is chosen by the error's code here, as
// common/error-words.ts does in English for the command line; the core's own detail and
// hint (its words, in English) come along unchanged when they add something.
import {
  describeError as describeInEnglish,
  type ErrorWords,
} from '../../../common/error-words.js';
import { ERROR_CODES, type ErrorData } from '../../../common/errors.js';
import { i18n } from './index.js';

type ShownError = Pick<ErrorData, 'code' | 'message' | 'fields'>;

export type { ErrorWords };

export function describeError(e: ShownError): ErrorWords {
  const words = describeInEnglish(e);
  const code = ERROR_CODES.includes(e.code) ? e.code : 'INTERNAL';
  return { ...words, sentence: i18n.t(`errors.codes.${code}`) };
}

/** The same in one line, for places that have room for text only (a status, a notice). */
export function errorText(e: ShownError): string {
  const w = describeError(e);
  return w.detail
    ? i18n.t('errors.oneLine', { sentence: w.sentence, detail: w.detail })
    : w.sentence;
}
