// The stack's mailboxes in its own Postgres: made ready on every `up` once Postgres is
// healthy and before Dovecot and Postfix start (the schema, their read-only roles and the
// files that name them, and the passwd-file of a stack from before moved in once), and
// changed by `stack user …`. A mailbox is a user of the tenant named after the mail domain,
// so its one password serves IMAP, SMTP and the web UI.
import argon2 from 'argon2';
import { MaildockError } from '../../../common/errors.js';
import type { StackSettings } from '../../../common/stack.js';
import { getLogger } from '../platform/log.js';
import { openAdminDatabase } from '../store/index.js';
import type { MailUser, MailReader, People } from '../store/people.js';
import {
  DOVECOT_SQL_FILE,
  dovecotSqlConf,
  hostOf,
  postfixPgsqlMaps,
  postgresForContainers,
} from './mail-maps.js';
import type { StackFiles } from './stack-files.js';

const log = getLogger('stack');

/** The stack's database and its owner, as the postgres service makes them. */
const DATABASE = 'maildock';
const OWNER = 'maildock';
const READER_SECRET = 'db_password';

export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id });

export class StackMailDatabase {
  constructor(
    private readonly files: StackFiles,
    private readonly settings: () => StackSettings,
  ) {}

  /** The owner's view of the stack's database, for one piece of work. */
  async use<T>(fn: (people: People) => Promise<T>): Promise<T> {
    const settings = this.settings();
    const password = encodeURIComponent(this.files.secret('postgres'));
    const url = `postgres://${OWNER}:${password}@${hostOf(settings)}:${settings.ports.postgres}/${DATABASE}`;
    const db = await openAdminDatabase(url);
    try {
      return await fn(db.people);
    } finally {
      await db.close();
    }
  }

  /** Everything Dovecot and Postfix need from Postgres; run before they start. */
  async prepare(): Promise<void> {
    const settings = this.settings();
    await this.use(async (people) => {
      const container = postgresForContainers(settings);
      const login = async (reader: MailReader) => {
        const password = this.files.serviceSecret(reader, READER_SECRET);
        const role = await people.mailboxes.ensureReader(reader, password);
        return { ...container, database: DATABASE, role, password };
      };
      this.files.writeServiceFile(
        'dovecot',
        DOVECOT_SQL_FILE,
        dovecotSqlConf(await login('dovecot')),
      );
      for (const [file, text] of Object.entries(postfixPgsqlMaps(await login('postfix'))))
        this.files.writeServiceFile('postfix', file, text);
      await this.migratePasswdFile(people);
    });
  }

  /** The passwd-file's users become users and mailboxes, keeping their hashes; then it goes. */
  private async migratePasswdFile(people: People): Promise<void> {
    const users = this.files.passwdFileUsers();
    for (const { address, hash } of users) {
      if (await people.mailboxes.get(address)) continue;
      const person =
        (await people.users.forSignIn(address)) ??
        (await people.users.add({
          tenantId: (await this.tenantOf(people, address)).id,
          email: address,
          passwordHash: hash,
          role: 'user',
        }));
      await people.mailboxes.add({ userId: person.userId, address, quotaBytes: null });
    }
    this.files.markPasswdFileMigrated();
    if (users.length)
      log.info({ mailboxes: users.length }, 'passwd-file mailboxes moved into Postgres');
  }

  private async tenantOf(people: People, address: string) {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const tenant = (await people.tenants.byName(domain)) ?? (await people.tenants.add(domain));
    return tenant;
  }

  async addUser(address: string, password: string, quotaBytes: number | null): Promise<MailUser> {
    const passwordHash = await hashPassword(password);
    return this.use(async (people) => {
      if (await people.mailboxes.get(address))
        throw new MaildockError('ALREADY_EXISTS', `${address} exists already.`, { address });
      const tenant = await this.tenantOf(people, address);
      const person = await people.users.add({
        tenantId: tenant.id,
        email: address,
        passwordHash,
        role: 'user',
      });
      try {
        const box = await people.mailboxes.add({ userId: person.userId, address, quotaBytes });
        await people.audit.record({
          tenantId: tenant.id,
          userId: person.userId,
          actor: 'admin',
          action: 'mailbox.add',
          ip: null,
          detail: { address, quotaBytes },
        });
        return box;
      } catch (err) {
        await people.users.remove(person.userId);
        throw err;
      }
    });
  }

  list(domain: string): Promise<MailUser[]> {
    return this.use((people) => people.mailboxes.list(domain));
  }

  /** The mailbox and its user go; the mail stays in the stack's volume. */
  removeUser(address: string): Promise<boolean> {
    return this.use(async (people) => {
      const box = await people.mailboxes.get(address);
      if (!box) return false;
      await people.users.remove(box.userId);
      await people.audit.record({
        tenantId: box.tenantId,
        userId: null,
        actor: 'admin',
        action: 'mailbox.remove',
        ip: null,
        detail: { address },
      });
      return true;
    });
  }

  async setPassword(address: string, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    return this.use(async (people) => {
      const box = await people.mailboxes.get(address);
      if (!box) return false;
      await people.users.setPassword(box.userId, passwordHash);
      await people.sessions.revokeUser(box.userId, 'password changed');
      return true;
    });
  }

  setQuota(address: string, quotaBytes: number | null): Promise<boolean> {
    return this.use((people) => people.mailboxes.setQuota(address, quotaBytes));
  }
}
