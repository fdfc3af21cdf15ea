// Empty and error states: every pane says what is going on instead of going blank, and
// errors read as the sentence of their code (ERROR_TEXT) with the details below it.
import type { ReactNode } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import { ErrorDetails } from './ErrorDetails.js';
import { useTranslation } from '../i18n/index.js';

export function EmptyState(props: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <p className="state-title">{props.title}</p>
      {props.children ? <div className="state-body">{props.children}</div> : null}
    </div>
  );
}

export function ErrorState(props: { error: ErrorData; onRetry?: (() => void) | undefined }) {
  const { t } = useTranslation();
  const { error } = props;
  return (
    <div className="state state-error">
      <ErrorDetails
        error={error}
        sentenceClass="state-title"
        detailClass="state-detail"
        hintClass="state-hint"
      />
      {props.onRetry ? (
        <button type="button" onClick={props.onRetry}>
          {t('states.tryAgain')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.what}
    </div>
  );
}
