// Errors are data: a code from this closed set, a message for people, and named fields
// that survive every process and network hop. The UI maps codes to sentences in one table.
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'AUTH_FAILED',
  'TLS_FAILED',
  'HOST_UNREACHABLE',
  'TIMEOUT',
  'NOT_IMAP4REV1',
  'CONNECTION_LOST',
  'PROTOCOL_ERROR',
  'MAILBOX_GONE',
  'SEARCH_SYNTAX',
  'SECRET_UNAVAILABLE',
  'PARSE_FAILED',
  'TOO_LARGE',
  'STORE_FAILED',
  'STORE_UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
  'NO_SMTP',
  'SMTP_REJECTED',
  'SEND_FAILED',
  'TOO_LATE',
  'IN_USE',
  'DOCKER_NOT_INSTALLED',
  'DOCKER_NOT_RUNNING',
  'DOCKER_PERMISSION',
  'PORT_IN_USE',
  'STACK_BUILD_FAILED',
  'STACK_UNHEALTHY',
  'STACK_NOT_RUNNING',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'SIGNIN_REQUIRED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type ErrorData = z.infer<typeof errorDataSchema>;
export type ErrorFields = NonNullable<ErrorData['fields']>;

export class MaildockError extends Error {
  readonly code: ErrorCode;
  readonly fields: ErrorFields;

  constructor(
    code: ErrorCode,
    message: string,
    fields: ErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MaildockError';
    this.code = code;
    this.fields = fields;
  }

  toData(): ErrorData {
    return Object.keys(this.fields).length
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }

  static fromData(data: ErrorData): MaildockError {
    return new MaildockError(data.code, data.message, data.fields ?? {});
  }
}

export function isMaildockError(err: unknown): err is MaildockError {
  return err instanceof MaildockError;
}

/** Any thrown value as error data; what is not ours becomes INTERNAL without leaking its stack. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof MaildockError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

/** Sentences a person understands, one per code; looked up by code only in error-words.ts. */
export const ERROR_TEXT: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Some of what was entered is not valid.',
  NOT_FOUND: 'That item no longer exists.',
  ALREADY_EXISTS: 'That item exists already.',
  AUTH_FAILED: 'The server refused the user name or password.',
  TLS_FAILED: 'A secure connection could not be made (certificate or TLS settings).',
  HOST_UNREACHABLE: 'The server could not be reached: check the host name and port.',
  TIMEOUT: 'The server did not answer in time.',
  NOT_IMAP4REV1: 'This server does not speak IMAP4rev1, which Maildock needs.',
  CONNECTION_LOST: 'The connection to the server was lost.',
  PROTOCOL_ERROR: 'The server answered in a way Maildock did not expect.',
  MAILBOX_GONE: 'The folder no longer exists on the server.',
  SEARCH_SYNTAX: 'The search could not be understood.',
  SECRET_UNAVAILABLE:
    'Where passwords are kept (the system keychain, or the encrypted file) could not be used.',
  PARSE_FAILED: 'The message could not be read completely.',
  TOO_LARGE: 'That is larger than Maildock handles in one piece.',
  STORE_FAILED: 'The local mail store could not be written.',
  STORE_UNAVAILABLE: 'The mail store does not answer for now: try again in a moment.',
  CANCELLED: 'The operation was cancelled.',
  INTERNAL: 'Something went wrong inside Maildock.',
  NO_SMTP: 'This account has no outgoing (SMTP) server set up.',
  SMTP_REJECTED: 'The outgoing server refused the message.',
  SEND_FAILED: 'The message could not be sent.',
  TOO_LATE: 'The message has already left or is leaving now.',
  IN_USE: 'Another Maildock has this data open.',
  DOCKER_NOT_INSTALLED: 'Docker is not installed; the local mail stack needs it.',
  DOCKER_NOT_RUNNING: 'Docker is installed but not running.',
  DOCKER_PERMISSION: 'Maildock may not use Docker: no permission on its socket.',
  PORT_IN_USE: 'A port the local mail stack needs is taken by another program.',
  STACK_BUILD_FAILED: 'An image of the local mail stack could not be built.',
  STACK_UNHEALTHY: 'A service of the local mail stack does not start properly.',
  STACK_NOT_RUNNING: 'The local mail stack is not running.',
  UNAUTHORIZED: 'Sign in first (or again: the sign-in has ended).',
  FORBIDDEN: "That request did not come from Maildock's own page and was refused.",
  RATE_LIMITED: 'Too many requests in a short time: wait a moment, then try again.',
  SIGNIN_REQUIRED:
    "The account's sign-in with its provider has ended (revoked or expired): sign in again.",
};
