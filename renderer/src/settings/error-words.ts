// A failure in words: its code's sentence (ERROR_TEXT), then the core's own detail and
// the hint it gave (what to do), each shown only when it adds something.
import { ERROR_TEXT, type ErrorData } from '../../../common/errors.js';

export interface ErrorWords {
  sentence: string;
  detail: string | null;
  hint: string | null;
}

export function errorWords(e: Pick<ErrorData, 'code' | 'message' | 'fields'>): ErrorWords {
  const sentence = ERROR_TEXT[e.code] ?? ERROR_TEXT.INTERNAL;
  const hint = e.fields?.['hint'];
  return {
    sentence,
    detail: e.message && e.message !== sentence ? e.message : null,
    hint: typeof hint === 'string' && hint ? hint : null,
  };
}
