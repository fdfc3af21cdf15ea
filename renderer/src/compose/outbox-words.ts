// An outbox entry's state as a person reads it, with the server's own words where it
// answered, and what can still be done with it.
import type { OutboxEntry } from '../../../common/types.js';
import { laterLabel } from './send-later.js';

const time = (iso: string, now: Date) => laterLabel(new Date(iso), now);

export function stateWords(e: OutboxEntry, now = new Date()): string {
  switch (e.state) {
    case 'queued':
      return Date.parse(e.sendAt) > now.getTime() + 60_000
        ? `Scheduled for ${time(e.sendAt, now)}`
        : 'Queued: leaves in a moment';
    case 'sending':
      return 'Sending now';
    case 'retrying':
      return `Waiting to retry: ${e.lastError?.message ?? 'the server did not take it'}${
        e.nextAttempt ? `. Next attempt ${time(e.nextAttempt, now)}` : ''
      }`;
    case 'failed':
      return `Failed: ${e.lastError?.message ?? 'the server refused it'}`;
    case 'maybe-sent':
      return `May have been sent: the connection ended before the server confirmed it${
        e.lastError ? ` (${e.lastError.message})` : ''
      }. Send it again only if it did not arrive.`;
    case 'sent':
      return `Sent ${e.sentAt ? time(e.sentAt, now) : ''}${
        e.sentCopy === 'pending' ? ' · copy to Sent still to come' : ''
      }`.trim();
    case 'cancelled':
      return 'Cancelled: not sent';
  }
}

export interface EntryActions {
  /** Takes it back (undo send), or drops one that failed or may have gone. */
  cancel: boolean;
  sendNow: boolean;
  /** The state allows a rewrite; the page must also still know its content. */
  editable: boolean;
  resend: boolean;
}

/** What the core allows in each state (store/outbox.ts): cancel, retry, edit, resend. */
export function actionsFor(e: OutboxEntry, now = new Date()): EntryActions {
  const s = e.state;
  return {
    cancel: s === 'queued' || s === 'retrying' || s === 'failed' || s === 'maybe-sent',
    sendNow: s === 'retrying' || (s === 'queued' && Date.parse(e.sendAt) > now.getTime()),
    editable: s === 'queued' || s === 'retrying' || s === 'failed',
    resend: s === 'failed' || s === 'maybe-sent',
  };
}
