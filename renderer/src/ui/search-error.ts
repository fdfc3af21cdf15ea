// Where a search went wrong: the server answers SEARCH_SYNTAX with the position of the
// problem and the text near it; the UI shows the query with that part marked.
import type { ErrorData } from '../../../common/errors.js';

export interface SyntaxMarker {
  before: string;
  /** The marked text; empty when the problem is the end of the query (a missing quote). */
  at: string;
  after: string;
  /** 1-based, for people. */
  column: number;
}

export function syntaxMarker(query: string, error: ErrorData): SyntaxMarker | null {
  if (error.code !== 'SEARCH_SYNTAX') return null;
  const position = error.fields?.position;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) return null;
  const start = Math.min(position, query.length);
  const near = typeof error.fields?.near === 'string' ? error.fields.near.replace(/…$/, '') : '';
  // The server's "near" is the token from the position on; mark it when it is really there.
  let end = start;
  if (near && query.startsWith(near, start)) end = start + near.length;
  else if (start < query.length) {
    const space = query.slice(start).search(/\s/);
    end = space < 0 ? query.length : start + Math.max(space, 1);
  }
  return {
    before: query.slice(0, start),
    at: query.slice(start, end),
    after: query.slice(end),
    column: start + 1,
  };
}
