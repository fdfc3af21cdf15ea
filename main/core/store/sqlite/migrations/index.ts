import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-operations.js';
import { migration0003 } from './0003-outbox.js';
import { migration0004 } from './0004-pinned-certs.js';
import { migration0005 } from './0005-contacts.js';
import { migration0006 } from './0006-unread-index.js';
import { migration0007 } from './0007-html-search.js';
import { migration0008 } from './0008-contact-accounts.js';
import { migration0009 } from './0009-errors-as-data.js';
import { migration0010 } from './0010-folder-operations.js';
import { migration0011 } from './0011-list-unsubscribe.js';
import { migration0012 } from './0012-identities.js';
import { migration0013 } from './0013-import-keys.js';
import { migration0014 } from './0014-local-folders.js';
import { migration0015 } from './0015-search-prefix.js';
import type { Migration } from './migration.js';

export type { Migration };

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
  migration0014,
  migration0015,
];
