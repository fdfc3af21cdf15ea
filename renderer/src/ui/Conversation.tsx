// A conversation in the reader: every message of the thread, oldest first, in any folder.
// The opened message, the unread ones and the last are open; the others are one line each
// (sender, date, the start of the text) and open on click or Enter. The reader opens at the
// message the user chose, at the top, whichever place it has in the conversation.
import { useRef, useState, type ReactNode } from 'react';
import type { MessageDetail, MessageSummary } from '../../../common/types.js';
import { senders, shortDate } from '../format.js';
import { usePinToTop } from './pin-to-top.js';
import { MessageView } from './MessageView.js';
import { useTranslation } from '../i18n/index.js';

function initiallyOpen(messages: MessageSummary[], openedId: number): Set<number> {
  const open = new Set<number>([openedId]);
  for (const m of messages) if (!m.flags.includes('\\Seen')) open.add(m.id);
  const last = messages.at(-1);
  if (last) open.add(last.id);
  return open;
}

export function Conversation(props: {
  messages: MessageSummary[];
  openedId: number;
  actions?: ((detail: MessageDetail) => ReactNode) | undefined;
}) {
  const { t } = useTranslation();
  const { messages, openedId } = props;
  // The reader keys this by the opened message, so a new one starts from its own open set.
  const [open, setOpen] = useState(() => initiallyOpen(messages, openedId));
  const opened = useRef<HTMLElement>(null);
  usePinToTop(opened, messages[0]?.id === openedId);
  const subject = messages.at(-1)?.subject ?? messages[0]?.subject ?? '';
  return (
    <div className="conversation">
      <h1 className="conversation-subject">
        {subject || t('list.noSubject')}
        <span className="conversation-count">
          {t('reader.conversationCount', { count: messages.length })}
        </span>
      </h1>
      {messages.map((m) => {
        const isOpen = open.has(m.id);
        return (
          <section
            key={m.id}
            ref={m.id === openedId ? opened : undefined}
            className={`conversation-item${isOpen ? ' open' : ''}`}
            aria-label={t('reader.conversationItem', {
              from: senders(m.from),
              date: shortDate(m.date),
            })}
          >
            {isOpen ? (
              <MessageView id={m.id} actions={props.actions} />
            ) : (
              <button
                type="button"
                className="conversation-line"
                aria-expanded="false"
                onClick={() => setOpen((s) => new Set(s).add(m.id))}
              >
                <span className="conversation-from">{senders(m.from)}</span>
                <span className="conversation-snippet">{m.snippet}</span>
                <time dateTime={m.date}>{shortDate(m.date)}</time>
                {m.mailbox !== messages[0]?.mailbox ? (
                  <span className="conversation-folder">{m.mailbox}</span>
                ) : null}
              </button>
            )}
          </section>
        );
      })}
    </div>
  );
}
