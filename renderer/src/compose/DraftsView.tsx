// Drafts: those saved here (autosave) and those the server's Drafts folder holds from
// other clients, newest first; each opens in the compose pane, a local one can be deleted.
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Draft } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { shortDate } from '../format.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { useDrafts } from './use-drafts.js';
import type { Composer } from './use-composer.js';
import './compose.css';

const ORIGIN = {
  local: 'sending.origin.local',
  synced: 'sending.origin.synced',
  server: 'sending.origin.server',
} as const satisfies Record<Draft['origin'], string>;

export function DraftsView(props: { composer: Composer }) {
  const { t } = useTranslation();
  const { composer } = props;
  const client = useClient();
  const drafts = useDrafts(client, true);
  const [error, setError] = useState<ErrorData | null>(null);
  const { reload } = drafts;
  // A closed or sent message changes the list.
  useEffect(reload, [composer.session, reload]);
  const failure = error ?? drafts.error ?? composer.error;
  return (
    <div className="sending-view">
      <h2 className="pane-title">
        <span>{t('sending.drafts')}</span>
        <span className="pane-count">{drafts.loaded ? drafts.drafts.length : ''}</span>
      </h2>
      {failure ? (
        <p className="compose-problem" role="alert">
          {errorText(failure)}
        </p>
      ) : null}
      {drafts.loaded && drafts.drafts.length === 0 ? (
        <p className="sending-empty">{t('sending.noDrafts')}</p>
      ) : null}
      <ul className="drafts-list" aria-label={t('sending.draftsList')}>
        {drafts.drafts.map((d) => {
          const subject = d.subject || t('list.noSubject');
          return (
            <li key={d.id ?? `stored-${d.storedMessageId}`} className="draft-entry">
              <div className="outbox-line">
                <span className="outbox-subject">{subject}</span>
                <span className="outbox-to">
                  {d.to.length
                    ? t('sending.to', { recipients: d.to.join(', ') })
                    : t('sending.noRecipients')}
                </span>
              </div>
              <p className="outbox-state">
                {t('sending.draftLine', {
                  date: shortDate(d.updatedAt),
                  origin: t(ORIGIN[d.origin]),
                })}
              </p>
              <div
                className="outbox-actions"
                role="group"
                aria-label={t('sending.actionsFor', { subject })}
              >
                <button type="button" onClick={() => composer.openDraft(d)}>
                  {t('sending.open')}
                </button>
                {d.id !== null ? (
                  <button
                    type="button"
                    onClick={() =>
                      client
                        .call('draft.delete', { id: d.id! })
                        .then(
                          () => setError(null),
                          (err: unknown) => setError(errorDataOf(err)),
                        )
                        .finally(reload)
                    }
                  >
                    {t('sending.delete')}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
