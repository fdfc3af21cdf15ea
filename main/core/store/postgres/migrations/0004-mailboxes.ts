// The stack's own mailboxes: the mail domains it serves, each one tenant's, and a mailbox
// for a user of that tenant, whose password is the user's own (users.password_hash), so the
// web UI and IMAP take the same one. Dovecot and Postfix read these tables through roles of
// their own that may select a few columns and nothing else (people/mailboxes.ts).
import type { Migration } from './migration.js';

export const migration0004: Migration = {
  version: 4,
  name: 'mailboxes',
  up: `
CREATE TABLE mail_domains (
  name       text PRIMARY KEY CHECK (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$'),
  tenant_id  bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_domains_tenant ON mail_domains (tenant_id);

-- Addresses are kept lower-case: Dovecot and Postfix look them up lower-cased, by equality.
CREATE TABLE mail_users (
  address     text PRIMARY KEY CHECK (address = lower(address) AND address ~ '^[^@\\s]+@[^@\\s]+$'),
  domain      text NOT NULL REFERENCES mail_domains(name) ON DELETE CASCADE,
  user_id     bigint NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  -- null: no limit.
  quota_bytes bigint CHECK (quota_bytes > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (split_part(address, '@', 2) = domain)
);
CREATE INDEX mail_users_domain ON mail_users (domain);

-- Mail for source is delivered to destination (a mailbox here, or any address).
CREATE TABLE mail_aliases (
  source      text NOT NULL CHECK (source = lower(source) AND source ~ '^[^@\\s]+@[^@\\s]+$'),
  destination text NOT NULL CHECK (destination ~ '^[^@\\s]+@[^@\\s]+$'),
  domain      text NOT NULL REFERENCES mail_domains(name) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, destination),
  CHECK (split_part(source, '@', 2) = domain)
);
`,
};
