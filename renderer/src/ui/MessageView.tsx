// One message whole, as the reader and each open message of a conversation show it: its
// headers, the caller's actions, attachments and body (HTML in the sandboxed frame, else the
// plain text).
import type { ReactNode } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { addressFull, longDate } from '../format.js';
import { useMessage } from '../state/use-message.js';
import { Attachments } from './Attachments.js';
import { HtmlBody } from './HtmlBody.js';
import { PlainBody } from './PlainBody.js';
import { EmptyState, ErrorState, Loading } from './States.js';

function Headers(props: { detail: MessageDetail }) {
  const m = props.detail.message;
  const rows: [string, string][] = [
    ['From', m.from.map(addressFull).join(', ')],
    ['To', m.to.map(addressFull).join(', ')],
    ...(m.cc.length ? ([['Cc', m.cc.map(addressFull).join(', ')]] as [string, string][]) : []),
    ['Date', longDate(m.date)],
  ];
  return (
    <header className="reader-head">
      <h1 className="reader-subject">{m.subject || '(no subject)'}</h1>
      <dl className="reader-headers">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
}

function Body(props: { detail: MessageDetail }) {
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
    return <EmptyState title="The text of this message has not been downloaded yet." />;
  }
  return <EmptyState title="This message has no text." />;
}

/** One message whole: headers, attachments, body; `actions` go beside its headers. */
export function MessageView(props: {
  id: number;
  actions?: ((detail: MessageDetail) => ReactNode) | undefined;
}) {
  const client = useClient();
  const { detail, error, loading, reload } = useMessage(client, props.id);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (loading || !detail) return <Loading what="Opening the message…" />;
  return (
    <article className="reader-message" aria-label={detail.message.subject || 'Message'}>
      <Headers detail={detail} />
      {props.actions ? props.actions(detail) : null}
      {detail.parseError ? (
        <p className="parse-error" role="status">
          Part of this message could not be read: {detail.parseError}
        </p>
      ) : null}
      <Attachments attachments={detail.attachments} />
      <Body detail={detail} />
    </article>
  );
}
