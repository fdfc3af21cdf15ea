import type { ErrorData } from '../../../common/errors.js';
import { describeError } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { syntaxMarker } from './search-error.js';

/** A search the server could not understand, with the spot marked in the query. */
export function SearchError(props: { query: string; error: ErrorData }) {
  const { t } = useTranslation();
  const marker = syntaxMarker(props.query, props.error);
  const words = describeError(props.error);
  return (
    <div className="state state-error search-error" role="alert">
      <p className="state-title">{words.sentence}</p>
      {words.detail ? <p className="state-detail">{words.detail}</p> : null}
      {marker ? (
        <p
          className="search-error-query"
          aria-label={t('search.problemAt', { column: marker.column })}
        >
          <code>
            {marker.before}
            <mark>{marker.at || '\u2002'}</mark>
            {marker.after}
          </code>
        </p>
      ) : null}
      <p className="state-hint">{t('search.help')}</p>
    </div>
  );
}
