// An error as the UI shows it everywhere in settings: the sentence, then the detail.
import type { ErrorData } from '../../../common/errors.js';
import { errorWords } from './error-words.js';

export function ErrorLine(props: { error: Pick<ErrorData, 'code' | 'message' | 'fields'> }) {
  const w = errorWords(props.error);
  return (
    <div className="settings-error" role="alert">
      <p className="settings-error-sentence">{w.sentence}</p>
      {w.detail ? <p className="settings-error-detail">{w.detail}</p> : null}
      {w.hint ? <p className="settings-error-hint">{w.hint}</p> : null}
    </div>
  );
}
