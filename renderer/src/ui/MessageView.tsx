// One message whole, as the reader and each open message of a conversation show it: its
// headers (with Unsubscribe when it came through a list), the caller's actions, attachments
// and body (HTML in the sandboxed frame, else the plain text).
import { useState, type ReactNode } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { addressFull, longDate } from '../format.js';
import { useMessage } from '../state/use-message.js';
import { Attachments } from './Attachments.js';
import { HtmlBody } from './HtmlBody.js';
import { PlainBody } from './PlainBody.js';
import { UnsubscribeDialog } from './UnsubscribeDialog.js';
import { EmptyState, ErrorState, Loading } from './States.js';
import { useTranslation } from '../i18n/index.js';

function Headers(props: { detail: MessageDetail }) {
  const { t } = useTranslation();
  const [unsubscribing, setUnsubscribing] = useState(false);
  const m = props.detail.message;
  const rows: [string, string][] = [
    [t('reader.from'), m.from.map(addressFull).join(', ')],
    [t('reader.to'), m.to.map(addressFull).join(', ')],
    ...(m.cc.length
      ? ([[t('reader.cc'), m.cc.map(addressFull).join(', ')]] as [string, string][])
      : []),
    [t('reader.date'), longDate(m.date)],
  ];
  return (
    <header className="reader-head">
      <h1 className="reader-subject">{m.subject || t('list.noSubject')}</h1>
      <dl className="reader-headers">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {props.detail.unsubscribe ? (
        <button type="button" className="unsubscribe-button" onClick={() => setUnsubscribing(true)}>
          {t('unsubscribe.button')}
        </button>
      ) : null}
      {unsubscribing ? (
        <UnsubscribeDialog detail={props.detail} onClose={() => setUnsubscribing(false)} />
      ) : null}
    </header>
  );
}

function Body(props: { detail: MessageDetail }) {
  const { t } = useTranslation();
  const { detail } = props;
  if (detail.html) {
    return (
      <HtmlBody
        key={detail.message.id}
        html={detail.html}
        attachments={detail.attachments}
        sender={detail.message.from[0]?.address ?? null}
        senderAllowed={detail.remoteContentAllowed}
      />
    );
  }
  if (detail.text) return <PlainBody text={detail.text} />;
  if (detail.message.bodyState === 'pending') {
    return <EmptyState title={t('reader.notDownloaded')} />;
  }
  return <EmptyState title={t('reader.noText')} />;
}

/** One message whole: headers, attachments, body; `actions` go beside its headers. */
export function MessageView(props: {
  id: number;
  actions?: ((detail: MessageDetail) => ReactNode) | undefined;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { detail, error, loading, reload } = useMessage(client, props.id);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (loading || !detail) return <Loading what={t('reader.opening')} />;
  return (
    <article className="reader-message" aria-label={detail.message.subject || t('reader.message')}>
      <Headers detail={detail} />
      {props.actions ? props.actions(detail) : null}
      {detail.parseError ? (
        <p className="parse-error" role="status">
          {t('reader.parseError', { problem: detail.parseError })}
        </p>
      ) : null}
      <Attachments attachments={detail.attachments} />
      <Body detail={detail} />
    </article>
  );
}
