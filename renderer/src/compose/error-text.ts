// A failure in words: its code's sentence (ERROR_TEXT), then the core's own detail.
import { ERROR_TEXT, type ErrorData } from '../../../common/errors.js';

export function errorText(e: ErrorData): string {
  const sentence = ERROR_TEXT[e.code] ?? ERROR_TEXT.INTERNAL;
  return e.message && e.message !== sentence ? `${sentence} ${e.message}` : sentence;
}
