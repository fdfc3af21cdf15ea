// Reply, Reply all and Forward beside the headers of a message in the reader (also r, a, f).
import type { MessageSummary } from '../../../common/types.js';
import type { Composer } from './use-composer.js';

export function ReplyBar(props: { message: MessageSummary; composer: Composer }) {
  const { composer } = props;
  const id = props.message.id;
  return (
    <div className="reply-bar" role="toolbar" aria-label="Answer">
      <button type="button" title="Reply (r)" onClick={() => composer.answer(id, 'reply')}>
        Reply
      </button>
      <button type="button" title="Reply all (a)" onClick={() => composer.answer(id, 'reply-all')}>
        Reply all
      </button>
      <button type="button" title="Forward (f)" onClick={() => composer.answer(id, 'forward')}>
        Forward
      </button>
    </div>
  );
}
