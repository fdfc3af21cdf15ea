// The server's people as the shells see them: passwords, signing keys and the admin
// commands' operations, over the store's people repositories (which the shells may not
// import themselves).
export type {
  AuditEntry,
  Owner,
  People,
  Person,
  Role,
  Rotation,
  ServerDatabase,
  SessionRecord,
  Tenant,
} from '../store/index.js';
export { emailSchema, openPeopleAdmin, PeopleAdmin, type UserRef } from './admin.js';
export {
  checkPassword,
  hashPassword,
  needsRehash,
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordSchema,
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
