// After Send: "Sending… Undo" while the undo delay runs, then what became of the message
// (sent, waiting to retry, failed), read from the outbox. A scheduled message names its time.
import { useEffect, useState } from 'react';
import { errorText } from '../i18n/error-words.js';
import { locale, useTranslation } from '../i18n/index.js';
import { laterLabel } from './send-later.js';
import type { Composer } from './use-composer.js';

const SENT_SHOWN_MS = 4000;

export function SendNotice(props: { composer: Composer }) {
  const { t } = useTranslation();
  const { notice, outbox, undo, dismiss } = props.composer;
  const [now, setNow] = useState(() => Date.now());
  const entry = notice
    ? (outbox.entries.find((e) => e.id === notice.entry.id) ?? notice.entry)
    : null;
  const due = notice ? Date.parse(notice.entry.sendAt) : 0;
  const waiting = notice !== null && !notice.scheduled && now < due;

  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [waiting]);
  const sent = entry?.state === 'sent';
  useEffect(() => {
    if (!sent && !notice?.scheduled) return;
    const timer = setTimeout(dismiss, notice?.scheduled ? 2 * SENT_SHOWN_MS : SENT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [sent, notice?.scheduled, dismiss]);

  if (!notice || !entry) return null;
  let text: string;
  let canUndo = false;
  if (notice.error) text = errorText(notice.error);
  else if (notice.undoing) text = t('sending.notice.undoing');
  else if (notice.scheduled) {
    text = t('sending.notice.scheduled', { time: laterLabel(new Date(due)) });
    canUndo = entry.state === 'queued';
  } else if (entry.state === 'sent') text = t('sending.notice.sent');
  else if (entry.state === 'retrying') {
    const next = entry.nextAttempt
      ? new Date(entry.nextAttempt).toLocaleTimeString(locale())
      : t('sending.notice.soon');
    const reason = entry.lastError?.message ?? t('sending.state.serverDidNotTake');
    text = t('sending.notice.retrying', { reason, time: next });
  } else if (entry.state === 'failed')
    text = t('sending.notice.failed', {
      reason: entry.lastError?.message ?? t('sending.state.serverRefused'),
    });
  else if (entry.state === 'maybe-sent') text = t('sending.notice.maybeSent');
  else if (entry.state === 'cancelled') text = t('sending.notice.cancelled');
  else {
    text = t('sending.notice.sending');
    canUndo = waiting && entry.state === 'queued';
  }
  const alert = notice.error !== null || entry.state === 'failed';
  return (
    <div className="send-notice">
      <p role={alert ? 'alert' : 'status'}>{text}</p>
      {canUndo && !notice.error ? (
        <button type="button" onClick={() => void undo()}>
          {t('actions.undo')}
        </button>
      ) : null}
      <button type="button" aria-label={t('actions.dismiss')} onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
