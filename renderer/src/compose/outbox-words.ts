// An outbox entry's state as a person reads it, with the server's own words where it
// answered, and what can still be done with it.
import type { OutboxEntry } from '../../../common/types.js';
import { i18n } from '../i18n/index.js';
import { laterLabel } from './send-later.js';

const time = (iso: string, now: Date) => laterLabel(new Date(iso), now);

export function stateWords(e: OutboxEntry, now = new Date()): string {
  switch (e.state) {
    case 'queued':
      return Date.parse(e.sendAt) > now.getTime() + 60_000
        ? i18n.t('sending.state.scheduled', { time: time(e.sendAt, now) })
        : i18n.t('sending.state.queued');
    case 'sending':
      return i18n.t('sending.state.sending');
    case 'retrying': {
      const reason = e.lastError?.message ?? i18n.t('sending.state.serverDidNotTake');
      return e.nextAttempt
        ? i18n.t('sending.state.retryingNext', { reason, time: time(e.nextAttempt, now) })
        : i18n.t('sending.state.retrying', { reason });
    }
    case 'failed':
      return i18n.t('sending.state.failed', {
        reason: e.lastError?.message ?? i18n.t('sending.state.serverRefused'),
      });
    case 'maybe-sent':
      return e.lastError
        ? i18n.t('sending.state.maybeSentWhy', { reason: e.lastError.message })
        : i18n.t('sending.state.maybeSent');
    case 'sent': {
      const sent = e.sentAt
        ? i18n.t('sending.state.sentAt', { time: time(e.sentAt, now) })
        : i18n.t('sending.state.sent');
      return e.sentCopy === 'pending' ? i18n.t('sending.state.copyPending', { sent }) : sent;
    }
    case 'cancelled':
      return i18n.t('sending.state.cancelled');
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
