// Sends what is due in one account's outbox over one SMTP connection, message after message.
// Each row is claimed before it is touched and settled before the next one starts; the end of
// DATA is recorded before the final "." can leave, so a crash never turns into a second copy.
import type { MailSecret } from '../secrets/mail-secret.js';
import os from 'node:os';
import type { Account } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { ErrorData } from '../../../common/errors.js';
import type { OutboxJob, OutboxRepository } from '../store/index.js';
import { DEFAULT_RETRY, judge, nextAttemptAt, type RetryPolicy, type Verdict } from './policy.js';
import { withDate } from './compose.js';
import { PROCESS_OWNER } from '../platform/process-owner.js';
import { SmtpSession, toFailure, type SmtpFailure } from './smtp.js';

const log = getLogger('send');

export { PROCESS_OWNER };

/** A message held longer than this (send later, not the undo delay) is dated when it leaves. */
const SEND_LATER_MS = 5 * 60_000;
/** A claim older than this is taken back even when its pid is alive (a reused pid). */
const STALE_CLAIM_MS = 60 * 60_000;

export interface SendReport {
  sent: number;
  retrying: number;
  failed: number;
  maybeSent: number;
}

export interface SenderOptions {
  /** The store's outbox now (a restore gives the service another store). */
  outbox: () => OutboxRepository;
  /** Called once the server has accepted a message (its 250 is recorded). */
  onSent?(job: OutboxJob): Promise<void>;
  timeoutMs?: number;
  retry?: RetryPolicy;
  owner?: string;
  /**
   * The server of many people: the owners (PROCESS_OWNER) of its live instances, from their
   * heartbeats, or null when they cannot be told. A claim of any other owner is taken back
   * (CLAIM_GRACE_MS after it was made), on any host.
   */
  liveSenders?: () => Promise<ReadonlySet<string> | null>;
}

/**
 * The row is no longer this process's claim: taken back while it was being sent (its owner
 * looked gone). The final "." did not leave, and the row is left as the taker set it.
 */
class ClaimLost extends Error {}

export interface ClaimJudge {
  /** This process's owner string. */
  owner: string;
  pid: number;
  host: string;
  now: number;
  /** Whether a pid of this host is no process now. */
  pidGone?: (pid: number) => boolean;
  /** The owners of the live instances of the server of many people (SenderOptions). */
  liveSenders?: ReadonlySet<string> | null;
}

/**
 * How long a claim stands before the live instances' heartbeats may judge it: an instance
 * writes its first heartbeat as it starts, and renews it every few seconds.
 */
export const CLAIM_GRACE_MS = 60_000;

/** Whether the process that claimed a row is gone, so that the row may be taken back. */
export function claimGone(owner: string | null, claimedAt: number | null, me: ClaimJudge): boolean {
  if (!owner) return true;
  if (owner === me.owner) return false;
  if (claimedAt !== null && me.now - claimedAt > STALE_CLAIM_MS) return true;
  // Only instances send for the server of many people: a claim no live instance owns is gone.
  if (me.liveSenders && claimedAt !== null && me.now - claimedAt > CLAIM_GRACE_MS)
    return !me.liveSenders.has(owner);
  const [pidText, , host] = owner.split(':');
  // Another machine's process cannot be asked: a live one may be in the middle of sending it.
  if (host !== undefined && host !== me.host) return false;
  const pid = Number(pidText);
  // Our own pid with another token: an earlier process that had this pid (containers reuse them).
  if (pid === me.pid) return true;
  return !Number.isInteger(pid) || pid <= 0 || (me.pidGone ?? processGone)(pid);
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'ESRCH';
  }
}

export class OutboxSender {
  private readonly owner: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: SenderOptions) {
    this.owner = options.owner ?? PROCESS_OWNER;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** Rows a dead process left in 'sending' become due again, or "may have been sent". */
  async recover(now = Date.now()): Promise<number> {
    const liveSenders = (await this.options.liveSenders?.().catch(() => null)) ?? null;
    const me = { owner: this.owner, pid: process.pid, host: os.hostname(), now, liveSenders };
    return this.options.outbox().recover((owner, claimedAt) => claimGone(owner, claimedAt, me));
  }

  private async settle(job: OutboxJob, f: SmtpFailure, dataEnded: boolean): Promise<Verdict> {
    const v = judge(f, dataEnded);
    if (v.kind === 'retry') {
      const next = nextAttemptAt(job.attempts, this.retry);
      await this.options.outbox().markRetry(job.id, v.error, next);
    } else if (v.kind === 'failed') {
      await this.options.outbox().markFailed(job.id, v.error);
    } else {
      await this.options.outbox().markMaybeSent(job.id, v.error);
    }
    log.warn(
      {
        outboxId: job.id,
        verdict: v.kind,
        code: f.code,
        responseCode: f.responseCode,
        command: f.command,
      },
      'send attempt failed',
    );
    return v;
  }

  async sendDue(account: Account, password: MailSecret): Promise<SendReport> {
    const report: SendReport = { sent: 0, retrying: 0, failed: 0, maybeSent: 0 };
    const count = (v: Verdict) => {
      if (v.kind === 'retry') report.retrying++;
      else if (v.kind === 'failed') report.failed++;
      else report.maybeSent++;
    };
    const smtp = account.smtp;
    if (!smtp) return report;
    await this.recover();
    let session: SmtpSession | null = null;
    // A transaction that ended in an error leaves state on the server: RSET before the next.
    // One that ended in 250 needs none, which saves a round trip per message.
    let dirty = false;
    try {
      for (;;) {
        const ids = await this.options.outbox().due(account.id, 50);
        if (!ids.length) break;
        let progressed = false;
        for (let i = 0; i < ids.length; i++) {
          const job = await this.options.outbox().claim(ids[i]!, this.owner);
          if (!job) continue;
          progressed = true;
          if (job.sendAt - job.createdAt > SEND_LATER_MS && job.attempts === 1) {
            // Sent later: the Date says when it left; Sent gets the same bytes.
            job.raw = withDate(job.raw, new Date());
            await this.options.outbox().setRaw(job.id, job.raw);
          }
          if (session && dirty) {
            dirty = false;
            try {
              await session.reset();
            } catch {
              session.close();
              session = null;
            }
          }
          if (!session || !session.usable) {
            try {
              session = await SmtpSession.open(smtp, password, {
                ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
              });
            } catch (err) {
              // The server cannot be reached or refused us: everything due waits with the reason.
              const f = toFailure(err);
              count(await this.settle(job, f, false));
              for (const id of ids.slice(i + 1)) {
                const rest = await this.options.outbox().claim(id, this.owner);
                if (rest) count(await this.settle(rest, f, false));
              }
              return report;
            }
          }
          let dataEnded = false;
          let claimLost = false;
          try {
            const r = await session.send(
              { from: job.from, to: job.recipients },
              job.raw,
              async () => {
                if (!(await this.options.outbox().markDataSent(job.id, this.owner))) {
                  claimLost = true;
                  throw new ClaimLost();
                }
                dataEnded = true;
              },
            );
            const refused: ErrorData | null = r.rejected.length
              ? {
                  code: 'SMTP_REJECTED',
                  message: `Not delivered to ${r.rejected.join(', ')}: ${r.rejectedReasons.join('; ')}`,
                  fields: { refused: r.rejected.join(', ') },
                }
              : null;
            await this.options.outbox().markSent(job.id, refused);
            await this.options.onSent?.(job);
            report.sent++;
            log.info({ outboxId: job.id, refused: r.rejected.length }, 'message sent');
          } catch (err) {
            // The stream's error may come back wrapped: the flag says it.
            if (claimLost) {
              log.warn({ outboxId: job.id }, 'claim taken back while sending: left to its taker');
            } else {
              count(await this.settle(job, toFailure(err), dataEnded));
            }
            dirty = true;
            if (!session.usable) {
              session.close();
              session = null;
            }
          }
        }
        if (!progressed) break;
      }
    } finally {
      session?.close();
    }
    return report;
  }
}
