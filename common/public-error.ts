// What a transport hands to its client of an error. An INTERNAL error's message is whatever
// broke inside (a path on the server, a library's own text): it stays in the log, where the
// service wrote it, and the client gets the sentence. The CLI, the local user's own, keeps it.
// Errors also travel inside values and events (a sync state's errors, an account's offline
// reason), so those that can hold one are walked too.
import { ERROR_TEXT, type ErrorData } from './errors.js';
import type { Result } from './api.js';

export function publicError(error: ErrorData): ErrorData {
  if (error.code !== 'INTERNAL') return error;
  return { code: 'INTERNAL', message: ERROR_TEXT.INTERNAL };
}

const isInternal = (v: Record<string, unknown>): boolean =>
  v.code === 'INTERNAL' && typeof v.message === 'string';

/**
 * A value or event payload with every INTERNAL error in it (at any depth) reduced to the
 * sentence; what an error sits beside (its account, its folder) is kept, its fields are not.
 * Returns the value itself when it holds none, so the common case copies nothing.
 */
export function publicValue<T>(value: T): T {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((item, i) => {
      const next = publicValue(item);
      if (next !== item) (out ??= value.slice())[i] = next;
    });
    return (out ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (isInternal(record)) {
    const { fields: _fields, ...rest } = record;
    return { ...rest, message: ERROR_TEXT.INTERNAL } as T;
  }
  let out: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(record)) {
    const next = publicValue(item);
    if (next !== item) (out ??= { ...record })[key] = next;
  }
  return (out ?? value) as T;
}

/**
 * The methods and events whose values can hold an error (a sync's errors, an account's
 * offline reason). Only these are walked, so a list of 1,000 rows costs nothing; the
 * contract's own test finds every error in the schemas and fails when one is missing here.
 */
export const ERRORS_INSIDE: ReadonlySet<string> = new Set([
  'sync.run',
  'sync.summary',
  'sync.state',
  'sync.error',
  'operation.list',
  'outbox.send',
  'outbox.list',
  'outbox.cancel',
  'outbox.edit',
  'outbox.resend',
]);

/** A method's value or an event's payload as a client may see it. */
export function publicPayload<T>(name: string, value: T): T {
  return ERRORS_INSIDE.has(name) ? publicValue(value) : value;
}

/** A method's answer as a client may see it. */
export function publicResult<T>(method: string, result: Result<T>): Result<T> {
  if (!result.ok) return { ok: false, error: publicError(result.error) };
  const value = publicPayload(method, result.value);
  return value === result.value ? result : { ok: true, value };
}
