import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-search-statistics.js';
import { migration0003 } from './0003-people.js';
import { migration0004 } from './0004-mailboxes.js';
import { migration0005 } from './0005-owner-indexes.js';
import { migration0006 } from './0006-search-pending.js';
import { migration0007 } from './0007-search-per-person.js';
import { migration0008 } from './0008-folder-operations.js';
import { migration0009 } from './0009-list-unsubscribe.js';
import { migration0010 } from './0010-identities.js';
import { migration0011 } from './0011-import-keys.js';
import { migration0012 } from './0012-local-folders.js';
import { migration0013 } from './0013-search-fields.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
];
