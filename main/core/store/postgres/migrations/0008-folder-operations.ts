// Folders created, renamed and deleted in Maildock are journaled and replayed like the
// changes to messages: the kinds of actions and operations take them.
import type { Migration } from './migration.js';

export const migration0008: Migration = {
  version: 8,
  name: 'folder-operations',
  up: `
ALTER TABLE actions DROP CONSTRAINT actions_kind_check;
ALTER TABLE actions ADD CONSTRAINT actions_kind_check
  CHECK (kind IN ('flags', 'move', 'delete', 'mailbox'));
ALTER TABLE operations DROP CONSTRAINT operations_kind_check;
ALTER TABLE operations ADD CONSTRAINT operations_kind_check
  CHECK (kind IN ('flags', 'move', 'expunge', 'mailbox-create', 'mailbox-rename', 'mailbox-delete'));
`,
};
