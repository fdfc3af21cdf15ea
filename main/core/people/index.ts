// The core's side of the server of many people, as the shells (server, CLI) see it: its
// database (people, and each person's scoped store), each person's service, the keys that
// seal account passwords, passwords, the keys that sign access tokens, and the admin
// commands' operations.
export {
  openAdminDatabase,
  openServerDatabase,
  TENANT_NAME,
  type AccountDirectory,
  type AuditEntry,
  type Owner,
  type People,
  type Person,
  type Role,
  type Rotation,
  type ServerDatabase,
  type SessionRecord,
  type Tenant,
} from '../store/index.js';
export type { SealingKey } from '../secrets/sealed-store.js';
export { appRolePassword } from './app-password.js';
export { ownerKey, PersonServices, type PersonServicesOptions } from './services.js';
export { emailSchema, openPeopleAdmin, PeopleAdmin, type UserRef } from './admin.js';
export {
  checkPassword,
  hashPassword,
  needsRehash,
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordSchema,
  rehashPassword,
  verifyPassword,
  warmUpPasswords,
} from './passwords.js';
export {
  keyRingSpecSchema,
  loadKeyRing,
  makeKeyPair,
  type AsymmetricAlg,
  type KeyRing,
  type KeyRingSpec,
  type NewKey,
  type SigningAlg,
  type SigningKey,
} from './signing-keys.js';
