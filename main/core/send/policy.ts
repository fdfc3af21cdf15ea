// What a failed attempt means for a message: wait and retry, give up with the server's words,
// or stop and let the user decide because it may have been delivered already.
import type { ErrorCode, ErrorData } from '../../../common/errors.js';
import type { SmtpFailure } from './smtp.js';

/** What a failed attempt means, with the error kept on the message (as data). */
export type Verdict =
  | { kind: 'retry'; error: ErrorData }
  | { kind: 'failed'; error: ErrorData }
  | { kind: 'maybe-sent'; error: ErrorData };

export interface RetryPolicy {
  /** First wait after a temporary failure, in ms; doubled each attempt after. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 60 * 60_000 };

// A TLS failure is a setting or a certificate to fix: trying again will not help.
const TLS_CODES = /^(ETLS|EPROTO|ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

/**
 * `dataEnded`: the whole message was handed over and the final "." may have left. Without a
 * reply after that, the server may have accepted it: sending it again could deliver it twice.
 */
export function judge(f: SmtpFailure, dataEnded: boolean): Verdict {
  if (f.responseCode !== null && f.responseCode >= 500) {
    return { kind: 'failed', error: smtpError('SMTP_REJECTED', f) };
  }
  if (f.responseCode !== null && f.responseCode >= 400) {
    return { kind: 'retry', error: smtpError('SEND_FAILED', f) };
  }
  if (dataEnded) {
    return {
      kind: 'maybe-sent',
      error: smtpError(
        'CONNECTION_LOST',
        f,
        `The connection ended after the whole message went out and before the server answered (${f.reason}): it may have been sent.`,
        { maybeSent: true },
      ),
    };
  }
  if (f.code && TLS_CODES.test(f.code))
    return { kind: 'failed', error: smtpError('TLS_FAILED', f) };
  return { kind: 'retry', error: smtpError(connectionCode(f.code), f) };
}

/** What a connection that never got an answer from the server means, by Node's code. */
function connectionCode(code: string | null): ErrorCode {
  if (code === 'EAUTH') return 'AUTH_FAILED';
  if (code === 'ETIMEDOUT' || code === 'ETIME') return 'TIMEOUT';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH')
    return 'HOST_UNREACHABLE';
  return 'SEND_FAILED';
}

function smtpError(
  code: ErrorCode,
  f: SmtpFailure,
  message = f.reason,
  more: Record<string, boolean> = {},
): ErrorData {
  return {
    code,
    message,
    fields: {
      ...(f.responseCode !== null ? { responseCode: f.responseCode } : {}),
      ...(f.command !== null ? { command: f.command } : {}),
      ...more,
    },
  };
}

/** When to try again after the n-th attempt failed (n ≥ 1). */
export function nextAttemptAt(attempts: number, policy: RetryPolicy, now = Date.now()): number {
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return now + wait;
}
