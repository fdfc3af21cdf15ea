// Every statement of the application's role carries the person's user_id (the row-level
// security policies of 0003 add it), so a folder's messages are looked for under it: a page
// walks (user_id, mailbox_id, id) newest first and stops at the limit, and a count (of all,
// or of the unread) reads the index alone, tenant_id being included for the policy. Under
// (mailbox_id, id) alone the planner, which cannot see that a folder belongs to one person,
// multiplied the two selectivities, expected a row or two, and read and sorted the whole
// folder for every page.
import type { Migration } from './migration.js';

export const migration0005: Migration = {
  version: 5,
  name: 'owner-indexes',
  up: `
DROP INDEX messages_mailbox;
CREATE INDEX messages_mailbox ON messages (user_id, mailbox_id, id) INCLUDE (tenant_id);
DROP INDEX messages_unread;
CREATE INDEX messages_unread ON messages (user_id, mailbox_id) INCLUDE (tenant_id)
  WHERE (flags & 1) = 0;
`,
};
