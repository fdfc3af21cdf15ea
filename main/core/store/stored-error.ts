// Errors kept in the store (a failed operation, a message that did not leave) stay data:
// {code, message, fields} as JSON, so the UI can say what happened and what to do.
import { errorDataSchema, type ErrorCode, type ErrorData } from '../../../common/errors.js';

export function errorToText(error: ErrorData | null | undefined): string | null {
  if (!error) return null;
  const { code, message, fields } = error;
  return JSON.stringify(
    fields && Object.keys(fields).length ? { code, message, fields } : { code, message },
  );
}

/** What a stored error column holds, as data; text that is not one reads as `fallback`. */
export function errorFromText(text: string | null, fallback: ErrorCode): ErrorData | null {
  if (text === null) return null;
  try {
    const parsed = errorDataSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: prose from before errors were kept as data.
  }
  return { code: fallback, message: text };
}

/** A message whose end of DATA may have left when the process that sent it died. */
export const STOPPED_AFTER_DATA: ErrorData = {
  code: 'CONNECTION_LOST',
  message:
    'Maildock stopped after the whole message went to the server and before its answer: it may have been sent.',
  fields: { maybeSent: true },
};
