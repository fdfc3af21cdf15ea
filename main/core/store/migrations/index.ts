import { migration0001 } from './0001-initial.js';

export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction together with the version bump. */
  up: string;
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [migration0001];
