// The database of the server of many people. The URL's user (the owner) brings the schema up
// to date and sets up the application's role; the server's own connections then sign in as
// that role, which owns no table and cannot bypass row-level security. One pool serves every
// person: each transaction says whose rows it works on, so a query that forgets to ask for
// one person's rows still gets no one else's.
import type pg from 'pg';
import type { Owner, People, ServerDatabase } from '../people.js';
import { appRoleName } from './app-role.js';
import { CONNECT_TIMEOUT_MS, parseTarget, targetAs, type Target } from './connect.js';
import { Db } from './db.js';
import { connectedPool, PostgresStore, prepareDatabase } from './engine.js';
import { AuditRepo } from './people/audit.js';
import { DirectoryRepo } from './people/directory.js';
import { MailUserRepo } from './people/mail-users.js';
import { SealedSecretRepo } from './people/sealed.js';
import { SessionRepo } from './people/sessions.js';
import { TenantRepo } from './people/tenants.js';
import { UserRepo } from './people/users.js';

export interface ServerDatabaseOptions {
  /** The application role's password: every instance of one server derives the same one. */
  appPassword: string;
  connectTimeoutMs?: number;
}

export function peopleOver(db: Db): People {
  return {
    directory: new DirectoryRepo(db),
    tenants: new TenantRepo(db),
    users: new UserRepo(db),
    sessions: new SessionRepo(db),
    audit: new AuditRepo(db),
    mailboxes: new MailUserRepo(db),
  };
}

const checkOwner = (owner: Owner): Owner => {
  for (const id of [owner.tenantId, owner.userId]) {
    if (!Number.isSafeInteger(id) || id < 1)
      throw new Error(`not an owner: ${JSON.stringify(owner)}`);
  }
  return owner;
};

class PostgresServerDatabase implements ServerDatabase {
  readonly location: string;
  readonly people: People;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: Target,
  ) {
    this.location = target.location;
    this.people = peopleOver(Db.overPool(pool));
  }

  storeFor(owner: Owner) {
    return new PostgresStore(this.pool, this.target, checkOwner(owner), false);
  }

  sealedFor(owner: Owner) {
    return new SealedSecretRepo(Db.overPool(this.pool, checkOwner(owner)));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.pool.query('SELECT 1 AS ok')).rows.length === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export async function openServerDatabase(
  url: string,
  opts: ServerDatabaseOptions,
): Promise<ServerDatabase> {
  const owner = parseTarget(url);
  await prepareDatabase(owner, opts);
  const app = targetAs(owner, appRoleName(owner.database), opts.appPassword);
  const pool = await connectedPool(app, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  return new PostgresServerDatabase(pool, app);
}

/**
 * The owner's view for the admin commands (`maildock admin …`): people only, no mail, with
 * or without a server running.
 */
export async function openAdminDatabase(
  url: string,
): Promise<{ people: People; location: string; close(): Promise<void> }> {
  const target = parseTarget(url);
  await prepareDatabase(target);
  const pool = await connectedPool(target, CONNECT_TIMEOUT_MS);
  return {
    people: peopleOver(Db.overPool(pool)),
    location: target.location,
    close: () => pool.end(),
  };
}
