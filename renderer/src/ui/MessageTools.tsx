// The reader's own actions on one message, beside Reply: Junk (or Not junk in the Junk
// folder) through the app's actions with their undo notice, View source, Save as .eml and
// Print. Source and .eml come from message.source: the bytes as the server has them.
import { useState } from 'react';
import type { MessageDetail } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { base64ToBytes, saveBytes } from '../mail/files.js';
import { printMessages } from './print-mail.js';
import { SourceDialog, type MessageSource } from './SourceDialog.js';

export function MessageTools(props: {
  detail: MessageDetail;
  /** The message is in a Junk folder: the button says Not junk. */
  inJunk: boolean;
  onJunk(junk: boolean): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const m = props.detail.message;
  const [source, setSource] = useState<MessageSource | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const fetchSource = async (): Promise<MessageSource | null> => {
    setProblem(null);
    try {
      const got = await client.call('message.source', { id: m.id });
      return { filename: got.filename, bytes: base64ToBytes(got.data) };
    } catch (err) {
      setProblem(errorText(errorDataOf(err)));
      return null;
    }
  };
  const print = () => {
    setProblem(null);
    printMessages(client, m.subject || t('list.noSubject'), [m.id]).catch((err: unknown) =>
      setProblem(errorText(errorDataOf(err))),
    );
  };

  return (
    <>
      <div className="reply-bar reader-tools" role="toolbar" aria-label={t('reader.tools')}>
        <button
          type="button"
          title={props.inJunk ? t('reader.notJunkTitle') : t('reader.junkTitle')}
          onClick={() => props.onJunk(!props.inJunk)}
        >
          {props.inJunk ? t('reader.notJunk') : t('reader.junk')}
        </button>
        <button type="button" onClick={() => void fetchSource().then((s) => s && setSource(s))}>
          {t('reader.viewSource')}
        </button>
        <button
          type="button"
          onClick={() =>
            void fetchSource().then((s) => s && saveBytes(s.bytes, s.filename, 'message/rfc822'))
          }
        >
          {t('reader.saveEml')}
        </button>
        <button type="button" onClick={print}>
          {t('reader.print')}
        </button>
      </div>
      {problem ? (
        <p className="attachment-problem" role="alert">
          {problem}
        </p>
      ) : null}
      {source ? (
        <SourceDialog
          subject={m.subject || t('list.noSubject')}
          source={source}
          onClose={() => setSource(null)}
        />
      ) : null}
    </>
  );
}
