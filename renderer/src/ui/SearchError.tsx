import type { ErrorData } from '../../../common/errors.js';
import { describeError } from '../../../common/error-words.js';
import { SEARCH_HELP, syntaxMarker } from './search-error.js';

/** A search the server could not understand, with the spot marked in the query. */
export function SearchError(props: { query: string; error: ErrorData }) {
  const marker = syntaxMarker(props.query, props.error);
  const words = describeError(props.error);
  return (
    <div className="state state-error search-error" role="alert">
      <p className="state-title">{words.sentence}</p>
      {words.detail ? <p className="state-detail">{words.detail}</p> : null}
      {marker ? (
        <p className="search-error-query" aria-label={`Problem at column ${marker.column}`}>
          <code>
            {marker.before}
            <mark>{marker.at || '\u2002'}</mark>
            {marker.after}
          </code>
        </p>
      ) : null}
      <p className="state-hint">{SEARCH_HELP}</p>
    </div>
  );
}
