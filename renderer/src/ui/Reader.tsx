// The reader: the selected message (MessageView.tsx), its whole conversation when it has
// one, or a word on why there is nothing to show.
import type { ReactNode, Ref } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useThread } from '../state/use-thread.js';
import { Conversation, MessageView } from './lazy.js';
import { EmptyState } from './States.js';
import { Trans, useTranslation } from '../i18n/index.js';

export function Reader(props: {
  id: number | null;
  selected: number;
  readerRef: Ref<HTMLDivElement>;
  /** Bumped when the list changed, so the conversation's flags are read again. */
  version?: number;
  actions?: (detail: MessageDetail) => ReactNode;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const thread = useThread(client, props.id, props.version);
  let content;
  if (props.id === null) {
    content =
      props.selected > 1 ? (
        <EmptyState title={t('reader.selected', { count: props.selected })} />
      ) : (
        <EmptyState title={t('reader.nothing')}>
          <p>
            <Trans i18nKey="reader.help1" components={{ k: <kbd /> }} />
          </p>
          <p>
            <Trans i18nKey="reader.help2" components={{ k: <kbd /> }} />
          </p>
        </EmptyState>
      );
  } else if (thread && thread.length > 1) {
    content = (
      <Conversation key={props.id} messages={thread} openedId={props.id} actions={props.actions} />
    );
  } else {
    content = <MessageView id={props.id} actions={props.actions} />;
  }
  return (
    <div className="reader" ref={props.readerRef} tabIndex={-1}>
      {content}
    </div>
  );
}
