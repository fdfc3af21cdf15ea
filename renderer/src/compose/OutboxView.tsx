// The outbox: every message on its way out, newest first, its state in words (with the
// server's own where it answered) and what can still be done: cancel, send now, edit,
// send again. Read again every 2 s while shown.
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { OutboxEntry } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { actionsFor, stateWords } from './outbox-words.js';
import type { Composer } from './use-composer.js';
import './compose.css';

function Entry(props: {
  entry: OutboxEntry;
  composer: Composer;
  onError(e: ErrorData | null): void;
}) {
  const { t } = useTranslation();
  const { entry, composer } = props;
  const client = useClient();
  const can = actionsFor(entry);
  const run = (call: () => Promise<unknown>) =>
    call()
      .then(
        () => props.onError(null),
        (err: unknown) => props.onError(errorDataOf(err)),
      )
      .finally(composer.outbox.reload);
  const subject = entry.subject || t('list.noSubject');
  return (
    <li className={`outbox-entry outbox-${entry.state}`}>
      <div className="outbox-line">
        <span className="outbox-subject">{subject}</span>
        <span className="outbox-to">
          {t('sending.to', { recipients: entry.recipients.join(', ') })}
        </span>
      </div>
      <p className="outbox-state">{stateWords(entry)}</p>
      <div
        className="outbox-actions"
        role="group"
        aria-label={t('sending.actionsFor', { subject })}
      >
        {can.sendNow ? (
          <button
            type="button"
            onClick={() => void run(() => client.call('outbox.retry', { id: entry.id }))}
          >
            {t('sending.sendNow')}
          </button>
        ) : null}
        {can.editable && composer.canEdit(entry) ? (
          <button type="button" onClick={() => composer.edit(entry)}>
            {t('sending.edit')}
          </button>
        ) : null}
        {can.resend ? (
          <button
            type="button"
            onClick={() => void run(() => client.call('outbox.resend', { id: entry.id }))}
          >
            {t('sending.sendAgain')}
          </button>
        ) : null}
        {can.cancel ? (
          <button
            type="button"
            onClick={() => void run(() => client.call('outbox.cancel', { id: entry.id }))}
          >
            {t('sending.cancel')}
          </button>
        ) : null}
      </div>
    </li>
  );
}

export function OutboxView(props: { composer: Composer }) {
  const { t } = useTranslation();
  const { composer } = props;
  const { watchOutbox, outbox } = composer;
  const { reload } = outbox;
  const [error, setError] = useState<ErrorData | null>(null);
  useEffect(() => {
    watchOutbox(true);
    reload();
    return () => watchOutbox(false);
  }, [watchOutbox, reload]);
  // Taken back by undo or cancel: not on its way anywhere.
  const shown = outbox.entries.filter((e) => e.state !== 'cancelled');
  return (
    <div className="sending-view">
      <h2 className="pane-title">
        <span>{t('sending.outbox')}</span>
        <span className="pane-count">
          {outbox.waiting ? t('sending.waiting', { count: outbox.waiting }) : t('sending.allSent')}
        </span>
      </h2>
      {outbox.error || error ? (
        <p className="compose-problem" role="alert">
          {errorText((error ?? outbox.error)!)}
        </p>
      ) : null}
      {shown.length === 0 ? (
        <p className="sending-empty">{t('sending.nothingSent')}</p>
      ) : (
        <ul className="outbox-list" aria-label={t('sending.outbox')}>
          {shown.map((e) => (
            <Entry key={e.id} entry={e} composer={composer} onError={setError} />
          ))}
        </ul>
      )}
    </div>
  );
}
