// After an action, a quiet line at the bottom says what happened, with Undo; a failure
// reads as its code's sentence (ERROR_TEXT) and stays until dismissed.
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { noticeText, undoLabel, type ActionsState } from '../state/use-actions.js';

export function ActionNotice(props: { actions: ActionsState }) {
  const { t } = useTranslation();
  const { notice, error, undo, undoable, dismiss } = props.actions;
  if (!notice && !error) return null;
  return (
    <div className="action-notice">
      {error ? (
        <p role="alert">{errorText(error)}</p>
      ) : (
        <p role="status">{notice ? noticeText(notice) : null}</p>
      )}
      {!error && notice?.undoable && undoable ? (
        <button type="button" title={undoLabel(undoable)} onClick={() => void undo()}>
          {t('actions.undo')}
        </button>
      ) : null}
      <button type="button" aria-label={t('actions.dismiss')} onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
