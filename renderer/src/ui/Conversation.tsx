// A conversation in the reader: every message of the thread, oldest first, in any folder.
// The opened message, the unread ones and the last are open; the others are one line each
// (sender, date, the start of the text) and open on click or Enter. The reader opens at the
// message the user chose, at the top, whichever place it has in the conversation. Print
// conversation prints every message of it, open or not.
import { useRef, useState, type ReactNode } from 'react';
import type { MessageDetail, MessageSummary } from '../../../common/types.js';
import { senders, shortDate } from '../format.js';
import { usePinToTop } from './pin-to-top.js';
import { MessageView } from './MessageView.js';
import { printMessages } from './print-mail.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
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
  const client = useClient();
  const [printProblem, setPrintProblem] = useState<string | null>(null);
  const print = () => {
    setPrintProblem(null);
    printMessages(
      client,
      subject || t('list.noSubject'),
      messages.map((m) => m.id),
    ).catch((err: unknown) => setPrintProblem(errorText(errorDataOf(err))));
  };
  return (
    <div className="conversation">
      <h1 className="conversation-subject">
        {subject || t('list.noSubject')}
        <span className="conversation-count">
          {t('reader.conversationCount', { count: messages.length })}
        </span>
      </h1>
      <div className="reply-bar conversation-tools">
        <button type="button" onClick={print}>
          {t('reader.printConversation')}
        </button>
        {printProblem ? (
          <span className="attachment-problem" role="alert">
            {printProblem}
          </span>
        ) : null}
      </div>
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
