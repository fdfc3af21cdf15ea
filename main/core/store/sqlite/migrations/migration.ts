// The shape of one numbered migration, apart from the list in index.ts: each migration file
// needs the type, and the list needs the files.
export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction together with the version bump. */
  up: string;
  /** Runs with SQLite's defensive mode off: to redefine the view FTS5 reads, a name it reserves. */
  unsafe?: boolean;
}
