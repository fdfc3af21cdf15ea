// What broke inside the core, as a sync would carry it: a message with a server path that no
// client may see, in a sync state beside an ordinary error that clients do see.
import type { EventPayload } from '../../common/api.js';

export const INSIDE = "ENOENT: no such file or directory, open '/srv/maildock/data/maildock.db'";

export const syncStateWithInternal = (): EventPayload<'sync.state'> => ({
  accountId: 1,
  running: false,
  progress: null,
  lastSyncAt: null,
  errors: [
    { code: 'INTERNAL', message: INSIDE, accountId: 1, mailbox: 'INBOX', fields: { path: '/srv' } },
    { code: 'MAILBOX_GONE', message: 'The folder Lists is gone', accountId: 1, mailbox: 'Lists' },
  ],
  offline: null,
});
