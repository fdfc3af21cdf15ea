// A failure in words, the one way Maildock says any error, on a screen or a terminal: its
// code's sentence (ERROR_TEXT), then the core's own detail and the hint it gave (what to
// do), each only when it adds something. What went wrong inside, and anything that reads
// like a dump rather than a sentence, is no detail: it goes to the copied details only.
import { ERROR_TEXT, type ErrorData } from './errors.js';

export interface ErrorWords {
  sentence: string;
  detail: string | null;
  hint: string | null;
}

// JSON, a validator's issue list, a stack: text for a bug report, not for a person.
const looksRaw = (text: string) => /[{}]|"\w+"\s*:|\n|\bat \S+:\d+:\d+/.test(text);

function detailOf(e: ErrorData, sentence: string): string | null {
  if (!e.message || e.message === sentence) return null;
  if (e.code === 'INTERNAL' || e.message.length > 300 || looksRaw(e.message)) return null;
  return e.message;
}

export function describeError(e: ErrorData): ErrorWords {
  const sentence = ERROR_TEXT[e.code] ?? ERROR_TEXT.INTERNAL;
  const hint = e.fields?.['hint'];
  return {
    sentence,
    detail: detailOf(e, sentence),
    hint: typeof hint === 'string' && hint && !looksRaw(hint) ? hint : null,
  };
}

/** The same in one line, for places that have room for text only (a status, a notice). */
export function errorText(e: ErrorData): string {
  const w = describeError(e);
  return w.detail ? `${w.sentence} ${w.detail}` : w.sentence;
}

/** What "Copy details" puts on the clipboard: everything the error carries, for a report. */
export function errorDetailsText(e: ErrorData): string {
  return JSON.stringify(
    { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) },
    null,
    2,
  );
}
