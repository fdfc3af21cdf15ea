// An outbox row as both engines return it, the entry the contract shows, the job the send
// loop works on, and the condition that makes a row due.
import { MaildockError } from '../../../../common/errors.js';
import type { OutboxEntry, OutboxState } from '../../../../common/types.js';
import { errorFromText } from '../stored-error.js';
import type { OutboxJob } from '../types.js';

export interface OutboxRow {
  id: number;
  account_id: number;
  message_id: string;
  env_from: string;
  env_to: string;
  subject: string;
  size: number;
  state: OutboxState;
  send_at: number;
  attempts: number;
  next_attempt: number | null;
  last_error: string | null;
  owner: string | null;
  claimed_at: number | null;
  data_sent_at: number | null;
  sent_at: number | null;
  sent_copy: number;
  created_at: number;
}

/** What sending needs of a row: its bytes, and where it stands. */
export type OutboxJobRow = Pick<
  OutboxRow,
  | 'id'
  | 'account_id'
  | 'message_id'
  | 'env_from'
  | 'env_to'
  | 'attempts'
  | 'sent_copy'
  | 'sent_at'
  | 'send_at'
  | 'created_at'
> & { raw: Buffer };

export const OUTBOX_COLUMNS = `id, account_id, message_id, env_from, env_to, subject, size, state,
  send_at, attempts, next_attempt, last_error, owner, claimed_at, data_sent_at, sent_at, sent_copy,
  created_at`;
const iso = (ms: number) => new Date(ms).toISOString();

export function toEntry(r: OutboxRow): OutboxEntry {
  return {
    id: r.id,
    accountId: r.account_id,
    messageId: r.message_id,
    state: r.state,
    from: r.env_from,
    recipients: JSON.parse(r.env_to) as string[],
    subject: r.subject,
    size: r.size,
    sendAt: iso(r.send_at),
    attempts: r.attempts,
    nextAttempt: r.state === 'retrying' && r.next_attempt !== null ? iso(r.next_attempt) : null,
    lastError: errorFromText(r.last_error, 'SEND_FAILED'),
    createdAt: iso(r.created_at),
    sentAt: r.sent_at === null ? null : iso(r.sent_at),
    sentCopy: r.sent_copy === 1 ? 'done' : r.sent_copy === 2 ? 'server' : 'pending',
  };
}

export function toJob(r: OutboxJobRow): OutboxJob {
  return {
    id: r.id,
    accountId: r.account_id,
    messageId: r.message_id,
    from: r.env_from,
    recipients: JSON.parse(r.env_to) as string[],
    raw: r.raw,
    attempts: r.attempts,
    sentCopy: r.sent_copy,
    sentAt: r.sent_at,
    sendAt: r.send_at,
    createdAt: r.created_at,
  };
}

/** Due at `now` (the engine's placeholder for it): queued or waiting to retry, and its time has come. */
export const due = (now: string) => `state IN ('queued', 'retrying') AND send_at <= ${now}
  AND (next_attempt IS NULL OR next_attempt <= ${now})`;

/** A cancel's outcome: the entry, cancelled now or before; TOO_LATE once it has left. */
export function cancelled(entry: OutboxEntry, changed: number): OutboxEntry {
  if (!changed && entry.state !== 'cancelled') {
    throw new MaildockError(
      'TOO_LATE',
      entry.state === 'sent'
        ? 'That message has been sent already.'
        : 'That message is leaving right now.',
      { id: entry.id, state: entry.state },
    );
  }
  return entry;
}

/** A resend's outcome: the entry queued again, or why it could not be. */
export function resent(entry: OutboxEntry, changed: number): OutboxEntry {
  if (!changed) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Only a failed, cancelled or "may have been sent" message can be sent again; this one is ${entry.state}.`,
      { id: entry.id, state: entry.state },
    );
  }
  return entry;
}

/** An edit's outcome: the entry with its new content, or why it could not have it. */
export function replaced(entry: OutboxEntry, changed: number): OutboxEntry {
  if (!changed) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Only a message that has not left can be edited; this one is ${entry.state}.`,
      { id: entry.id, state: entry.state },
    );
  }
  return entry;
}

export const notFound = (id: number) =>
  new MaildockError('NOT_FOUND', `There is no outbox message ${id}.`, { id });
