// The password the server's instances sign in to Postgres with, as the application's role.
// Every instance of one server has the same configuration, so each derives the same password
// from it and none has to be told it. It comes from the oldest sealing key still configured:
// a rotation puts a new key first and keeps the old one a while, so the password holds until
// the old key is dropped (then the instances restart with the new configuration anyway).
import { hkdfSync } from 'node:crypto';
import type { SealingKey } from '../secrets/sealed-store.js';

export function appRolePassword(keys: readonly SealingKey[]): string {
  const oldest = keys.at(-1);
  if (!oldest) throw new Error('no sealing key');
  const bytes = hkdfSync('sha256', oldest.key, 'maildock', 'postgres application role', 32);
  return Buffer.from(bytes).toString('base64url');
}
