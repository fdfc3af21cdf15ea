/** One step of the Postgres schema, run in its own transaction with the version bump. */
export interface Migration {
  version: number;
  name: string;
  /** SQL statements, run as one script. */
  up: string;
}
