// An account's identities: the aliases it sends from and every identity's signature, as JSON
// (a short list read with the account, never queried into). Null: the account's own address
// alone, without a signature.
import type { Migration } from './migration.js';

export const migration0012: Migration = {
  version: 12,
  name: 'identities',
  up: `ALTER TABLE accounts ADD COLUMN identities TEXT;`,
};
