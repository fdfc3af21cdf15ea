// What a failed attempt means for a message: wait and retry, give up with the server's words,
// or stop and let the user decide because it may have been delivered already.
import type { SmtpFailure } from './smtp.js';

export type Verdict =
  | { kind: 'retry'; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'maybe-sent'; reason: string };

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
    return { kind: 'failed', reason: f.reason };
  }
  if (f.responseCode !== null && f.responseCode >= 400) {
    return { kind: 'retry', reason: f.reason };
  }
  if (dataEnded) {
    return {
      kind: 'maybe-sent',
      reason: `The connection ended after the whole message went out and before the server answered (${f.reason}): it may have been sent.`,
    };
  }
  if (f.code && TLS_CODES.test(f.code)) return { kind: 'failed', reason: f.reason };
  return { kind: 'retry', reason: f.reason };
}

/** When to try again after the n-th attempt failed (n ≥ 1). */
export function nextAttemptAt(attempts: number, policy: RetryPolicy, now = Date.now()): number {
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return now + wait;
}
