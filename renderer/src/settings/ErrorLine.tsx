// An error as settings shows it: the sentence, the detail, the hint, "Copy details".
import type { ErrorData } from '../../../common/errors.js';
import { ErrorDetails } from '../ui/ErrorDetails.js';

export function ErrorLine(props: { error: Pick<ErrorData, 'code' | 'message' | 'fields'> }) {
  return (
    <ErrorDetails
      error={props.error}
      className="settings-error"
      sentenceClass="settings-error-sentence"
      detailClass="settings-error-detail"
      hintClass="settings-error-hint"
    />
  );
}
