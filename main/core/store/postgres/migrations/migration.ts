import type pg from 'pg';

/** One step of the Postgres schema, run in its own transaction with the version bump. */
export interface Migration {
  version: number;
  name: string;
  /** SQL statements, run as one script. */
  up: string;
  /**
   * Work SQL cannot do, run after `up` in the same transaction as the database's owner:
   * rows filled by code the store shares with its writers (words cut as search-vector.ts
   * cuts them, which no Postgres function does).
   */
  fill?(client: pg.ClientBase): Promise<void>;
}
