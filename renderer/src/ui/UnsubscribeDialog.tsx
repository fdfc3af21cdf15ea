// Leaving a mailing list, asked first: the dialog names the list (its sender) and says what
// will happen (one click to the list's server, a mail to its address, or its page opened in
// the browser); only Unsubscribe does it. The result stays in the dialog.
import { useEffect, useRef, useState } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { unsubscribeWay, type UnsubscribeWay } from '../mail/unsubscribe.js';
import { Dialog } from './Dialog.js';

type Outcome =
  | { kind: 'done'; method: 'one-click' | 'mailto' }
  | { kind: 'link'; url: string }
  | { kind: 'error'; text: string };

/** The list as its mail names it: the sender's name, else the address. */
export function listName(detail: MessageDetail): string {
  const from = detail.message.from[0];
  return from?.name || from?.address || detail.message.subject;
}

/** Opens the list's page outside the app: a new tab, or the system's browser in Electron. */
function openPage(url: string): void {
  window.open(url, '_blank', 'noopener,noreferrer');
}

export function UnsubscribeDialog(props: { detail: MessageDetail; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const way: UnsubscribeWay | null = unsubscribeWay(props.detail.unsubscribe);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const list = listName(props.detail);
  // Cancel goes once the answer is in: the focus moves to Close rather than to the page.
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (outcome) close.current?.focus();
  }, [outcome]);

  const confirm = async () => {
    setBusy(true);
    try {
      const r = await client.call('message.unsubscribe', { id: props.detail.message.id });
      if (r.method === 'link' && r.url) {
        openPage(r.url);
        setOutcome({ kind: 'link', url: r.url });
      } else if (r.method !== 'link') setOutcome({ kind: 'done', method: r.method });
    } catch (err) {
      setOutcome({ kind: 'error', text: errorText(errorDataOf(err)) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('unsubscribe.title', { list })}
      onClose={props.onClose}
      className="unsubscribe-dialog"
    >
      <div className="folder-dialog-body">
        {outcome === null ? (
          <p>{way ? t(`unsubscribe.how.${way.method}`, { target: way.target }) : null}</p>
        ) : outcome.kind === 'done' ? (
          <p role="status">
            {t(`unsubscribe.done.${outcome.method}`, { list, target: way?.target ?? '' })}
          </p>
        ) : outcome.kind === 'link' ? (
          <p role="status">
            {t('unsubscribe.done.link')}{' '}
            <a
              href={outcome.url}
              target="_blank"
              rel="noopener noreferrer"
              onClick={(e) => {
                e.preventDefault();
                openPage(outcome.url);
              }}
            >
              {t('unsubscribe.openAgain')}
            </a>
          </p>
        ) : (
          <p role="alert" className="folder-dialog-error">
            {t('unsubscribe.failed', { problem: outcome.text })}
          </p>
        )}
        <div className="folder-dialog-buttons">
          {outcome === null ? (
            <>
              <button type="button" onClick={props.onClose} disabled={busy} data-autofocus>
                {t('unsubscribe.cancel')}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void confirm()}
                disabled={busy || !way}
              >
                {busy ? t('unsubscribe.working') : t('unsubscribe.confirm')}
              </button>
            </>
          ) : (
            <button type="button" ref={close} onClick={props.onClose}>
              {t('dialog.close')}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
