// What a transport hands to its client of an error. An INTERNAL error's message is whatever
// broke inside (a path on the server, a library's own text): it stays in the log, where the
// service wrote it, and the client gets the sentence. The CLI, the local user's own, keeps it.
import { ERROR_TEXT, type ErrorData } from './errors.js';
import type { Result } from './api.js';

export function publicError(error: ErrorData): ErrorData {
  if (error.code !== 'INTERNAL') return error;
  return { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL };
}

export function publicResult<T>(result: Result<T>): Result<T> {
  return result.ok ? result : { ok: false, error: publicError(result.error) };
}
