// The reader: the selected message (MessageView.tsx), its whole conversation when it has
// one, or a word on why there is nothing to show.
import type { ReactNode, Ref } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useThread } from '../state/use-thread.js';
import { Conversation } from './Conversation.js';
import { MessageView } from './MessageView.js';
import { EmptyState } from './States.js';

export function Reader(props: {
  id: number | null;
  selected: number;
  readerRef: Ref<HTMLDivElement>;
  /** Bumped when the list changed, so the conversation's flags are read again. */
  version?: number;
  actions?: (detail: MessageDetail) => ReactNode;
}) {
  const client = useClient();
  const thread = useThread(client, props.id, props.version);
  let content;
  if (props.id === null) {
    content =
      props.selected > 1 ? (
        <EmptyState title={`${props.selected} messages selected`} />
      ) : (
        <EmptyState title="No message selected">
          <p>
            <kbd>j</kbd> and <kbd>k</kbd> move through the list, <kbd>Enter</kbd> opens,{' '}
            <kbd>/</kbd> searches.
          </p>
          <p>
            <kbd>s</kbd> flags, <kbd>u</kbd> marks unread, <kbd>e</kbd> archives, <kbd>#</kbd>{' '}
            deletes, <kbd>z</kbd> undoes. <kbd>?</kbd> lists every shortcut.
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
