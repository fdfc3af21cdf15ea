// After an action, a quiet line at the bottom says what happened, with Undo; a failure
// reads as its code's sentence (ERROR_TEXT) and stays until dismissed.
import { errorText } from '../../../common/error-words.js';
import { undoLabel, type ActionsState } from '../state/use-actions.js';

export function ActionNotice(props: { actions: ActionsState }) {
  const { notice, error, undo, undoable, dismiss } = props.actions;
  if (!notice && !error) return null;
  return (
    <div className="action-notice">
      {error ? <p role="alert">{errorText(error)}</p> : <p role="status">{notice?.text}</p>}
      {!error && notice?.undoable && undoable ? (
        <button type="button" title={undoLabel(undoable)} onClick={() => void undo()}>
          Undo
        </button>
      ) : null}
      <button type="button" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
