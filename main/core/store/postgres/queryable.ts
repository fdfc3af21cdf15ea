import type pg from 'pg';

/** A pool or one client of it (inside a transaction): what the repositories run SQL on. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
