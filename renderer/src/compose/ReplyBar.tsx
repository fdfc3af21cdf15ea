// Reply, Reply all and Forward beside the headers of a message in the reader (also r, a, f).
import type { MessageSummary } from '../../../common/types.js';
import type { Composer } from './use-composer.js';
import { useTranslation } from '../i18n/index.js';

export function ReplyBar(props: { message: MessageSummary; composer: Composer }) {
  const { t } = useTranslation();
  const { composer } = props;
  const id = props.message.id;
  const withKey = (label: string, key: string) => t('actions.withKey', { label, key });
  return (
    <div className="reply-bar" role="toolbar" aria-label={t('reader.answer')}>
      <button
        type="button"
        title={withKey(t('reader.reply'), 'r')}
        onClick={() => composer.answer(id, 'reply')}
      >
        {t('reader.reply')}
      </button>
      <button
        type="button"
        title={withKey(t('reader.replyAll'), 'a')}
        onClick={() => composer.answer(id, 'reply-all')}
      >
        {t('reader.replyAll')}
      </button>
      <button
        type="button"
        title={withKey(t('reader.forward'), 'f')}
        onClick={() => composer.answer(id, 'forward')}
      >
        {t('reader.forward')}
      </button>
    </div>
  );
}
