// Drafts: those saved here (autosave) and those the server's Drafts folder holds from
// other clients, newest first; each opens in the compose pane, a local one can be deleted.
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Draft } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { shortDate } from '../format.js';
import { errorText } from '../../../common/error-words.js';
import { useDrafts } from './use-drafts.js';
import type { Composer } from './use-composer.js';
import './compose.css';

const ORIGIN: Record<Draft['origin'], string> = {
  local: 'saved here',
  synced: 'saved here and on the server',
  server: 'from another client',
};

export function DraftsView(props: { composer: Composer }) {
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
        <span>All drafts</span>
        <span className="pane-count">{drafts.loaded ? drafts.drafts.length : ''}</span>
      </h2>
      {failure ? (
        <p className="compose-problem" role="alert">
          {errorText(failure)}
        </p>
      ) : null}
      {drafts.loaded && drafts.drafts.length === 0 ? (
        <p className="sending-empty">No drafts.</p>
      ) : null}
      <ul className="drafts-list" aria-label="Drafts">
        {drafts.drafts.map((d) => {
          const subject = d.subject || '(no subject)';
          return (
            <li key={d.id ?? `stored-${d.storedMessageId}`} className="draft-entry">
              <div className="outbox-line">
                <span className="outbox-subject">{subject}</span>
                <span className="outbox-to">
                  {d.to.length ? `to ${d.to.join(', ')}` : 'no recipients yet'}
                </span>
              </div>
              <p className="outbox-state">
                {shortDate(d.updatedAt)} · {ORIGIN[d.origin]}
              </p>
              <div className="outbox-actions" role="group" aria-label={`Actions for ${subject}`}>
                <button type="button" onClick={() => composer.openDraft(d)}>
                  Open
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
                    Delete
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
