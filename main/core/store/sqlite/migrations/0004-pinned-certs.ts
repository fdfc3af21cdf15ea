// A server's own self-signed certificate, trusted for that account alone: the bundled
// stack's local mailboxes pin the certificate the stack made on its first start.
import type { Migration } from './migration.js';

export const migration0004: Migration = {
  version: 4,
  name: 'pinned-certs',
  up: `
ALTER TABLE accounts ADD COLUMN imap_tls_cert TEXT;
ALTER TABLE accounts ADD COLUMN smtp_tls_cert TEXT;
`,
};
