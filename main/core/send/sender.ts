// Sends what is due in one account's outbox over one SMTP connection, message after message.
// Each row is claimed before it is touched and settled before the next one starts; the end of
// DATA is recorded before the final "." can leave, so a crash never turns into a second copy.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Account } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { ErrorData } from '../../../common/errors.js';
import type { OutboxJob, OutboxRepository } from '../store/index.js';
import { DEFAULT_RETRY, judge, nextAttemptAt, type RetryPolicy, type Verdict } from './policy.js';
import { withDate } from './compose.js';
import { SmtpSession, toFailure, type SmtpFailure } from './smtp.js';

const log = getLogger('send');

/**
 * This process, as written in the rows it sends: "pid:token:host". Instances of the server of
 * many people share one outbox from several machines or containers, where a pid means
 * nothing (each container's first process is pid 1): the host says whether it can be asked.
 */
export const PROCESS_OWNER = `${process.pid}:${randomBytes(6).toString('hex')}:${os.hostname()}`;
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
}

export interface ClaimJudge {
  /** This process's owner string. */
  owner: string;
  pid: number;
  host: string;
  now: number;
  /** Whether a pid of this host is no process now. */
  pidGone?: (pid: number) => boolean;
}

/** Whether the process that claimed a row is gone, so that the row may be taken back. */
export function claimGone(owner: string | null, claimedAt: number | null, me: ClaimJudge): boolean {
  if (!owner) return true;
  if (owner === me.owner) return false;
  if (claimedAt !== null && me.now - claimedAt > STALE_CLAIM_MS) return true;
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
  recover(now = Date.now()): Promise<number> {
    const me = { owner: this.owner, pid: process.pid, host: os.hostname(), now };
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

  async sendDue(account: Account, password: string): Promise<SendReport> {
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
          try {
            const r = await session.send(
              { from: job.from, to: job.recipients },
              job.raw,
              async () => {
                await this.options.outbox().markDataSent(job.id);
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
            count(await this.settle(job, toFailure(err), dataEnded));
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
