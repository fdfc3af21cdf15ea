// The one table from error codes to HTTP statuses. A Record over ErrorCode, so a new code
// does not compile until someone decides its status here.
import type { ErrorCode, ErrorData } from '../../common/errors.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  // The caller's request
  INVALID_INPUT: 400,
  SEARCH_SYNTAX: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  TOO_LATE: 409,
  IN_USE: 409,
  CANCELLED: 409,
  PORT_IN_USE: 409,
  STACK_NOT_RUNNING: 409,
  MAILBOX_GONE: 410,
  TOO_LARGE: 413,
  NO_SMTP: 422,
  RATE_LIMITED: 429,
  // This machine
  INTERNAL: 500,
  STORE_FAILED: 500,
  SECRET_UNAVAILABLE: 500,
  PARSE_FAILED: 500,
  STACK_BUILD_FAILED: 500,
  // The server's database is away for now: the client may try again (Retry-After).
  STORE_UNAVAILABLE: 503,
  DOCKER_NOT_INSTALLED: 503,
  DOCKER_NOT_RUNNING: 503,
  DOCKER_PERMISSION: 503,
  STACK_UNHEALTHY: 503,
  // A mail server Maildock talked to on the caller's behalf
  AUTH_FAILED: 502,
  // The provider ended the account's OAuth2 grant; not 401, which would end the Maildock session.
  SIGNIN_REQUIRED: 502,
  TLS_FAILED: 502,
  HOST_UNREACHABLE: 502,
  NOT_IMAP4REV1: 502,
  CONNECTION_LOST: 502,
  PROTOCOL_ERROR: 502,
  SMTP_REJECTED: 502,
  SEND_FAILED: 502,
  TIMEOUT: 504,
};

export function statusFor(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}

/** Seconds a client should wait before trying again, for errors that pass by themselves. */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { STORE_UNAVAILABLE: 5 };

/** Sets Retry-After for an error that passes by itself (a 503 of the database's). */
export function retryAfter(
  reply: { header(name: string, value: string): unknown },
  code: ErrorCode,
) {
  const seconds = RETRY_AFTER[code];
  if (seconds !== undefined) reply.header('retry-after', String(seconds));
}

/** The contract's error shape, as every transport returns it. */
export function failure(
  code: ErrorCode,
  message: string,
  fields?: ErrorData['fields'],
): { ok: false; error: ErrorData } {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}
