// The keys of what imports put in each folder (store.imports; SQLite migration 0013, Postgres
// 0011): alike on both engines, gone with their folder, and on the server of many people each
// person's own under the row policy every table of mail has.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openServerDatabase, type ServerDatabase } from '../../main/core/store/index.js';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { engines } from '../support/engines.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';

const all = engines();
afterEach(() => all.close());
afterAll(() => all.stop());

describe.each(all.names)('import keys on %s', (engine) => {
  it('are written under way, completed with their UIDs, and found again', async () => {
    const { store, inbox, archive } = await all.open(engine);
    const keys = ['k1 <a@x>', 'k2', 'k3 <c@x>'];
    expect(await store.imports.pending(inbox)).toEqual({ keys: [], sinceUid: null });
    await store.imports.begin(inbox, keys.slice(0, 2), 10);
    await store.imports.begin(inbox, keys.slice(2), 12);
    // Written again (a batch retried): nothing changes.
    await store.imports.begin(inbox, keys.slice(0, 1), 99);
    const pending = await store.imports.pending(inbox);
    expect(pending.keys.sort()).toEqual([...keys].sort());
    expect(pending.sinceUid).toBe(10);

    await store.imports.done(inbox, [
      { key: 'k1 <a@x>', uid: 10 },
      { key: 'k2', uid: 0 },
    ]);
    await store.imports.forget(inbox, ['k3 <c@x>']);
    expect(await store.imports.find(inbox, [...keys, 'other'])).toEqual(
      new Map<string, number | null>([
        ['k1 <a@x>', 10],
        ['k2', 0],
      ]),
    );
    expect(await store.imports.pending(inbox)).toEqual({ keys: [], sinceUid: null });
    // Each folder its own.
    expect((await store.imports.find(archive, keys)).size).toBe(0);
    expect((await store.imports.find(inbox, [])).size).toBe(0);
  });

  it('go with their folder', async () => {
    const { store, inbox } = await all.open(engine);
    await store.imports.begin(inbox, ['k'], 1);
    await store.imports.done(inbox, [{ key: 'k', uid: 1 }]);
    await store.mailboxes.remove(inbox);
    expect((await store.imports.find(inbox, ['k'])).size).toBe(0);
  });

  it('hold a batch in one transaction', async () => {
    const { store, inbox } = await all.open(engine);
    await expect(
      store.transaction(async (tx) => {
        await tx.imports.begin(inbox, ['a', 'b'], 1);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await store.imports.find(inbox, ['a', 'b'])).size).toBe(0);
  });
});

describe('import keys on the server of many people', () => {
  let server: PostgresServer | null = null;
  let db: ServerDatabase | null = null;
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('are each person’s own, under a forced row policy', async () => {
    server = await startPostgres();
    const url = await freshDatabase(server);
    const appPassword = randomBytes(24).toString('base64url');
    db = await openServerDatabase(url, { appPassword });
    const tenant = await db.people.tenants.add('acme');
    const owner = async (email: string) => {
      const p = await db!.people.users.add({
        tenantId: tenant.id,
        email,
        passwordHash: 'x',
        role: 'user',
      });
      return { tenantId: p.tenantId, userId: p.userId };
    };
    const alice = db.storeFor(await owner('alice@acme.test'));
    const bob = db.storeFor(await owner('bob@acme.test'));
    const account = await alice.accounts.add({
      email: 'alice@mail.test',
      imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'alice' },
    });
    const inbox = await alice.mailboxes.upsert(account.id, {
      path: 'INBOX',
      name: 'INBOX',
      delimiter: '/',
      role: 'inbox',
    });
    await alice.imports.begin(inbox, ['mine'], 5);
    expect((await bob.imports.pending(inbox)).keys).toEqual([]);
    await bob.imports.done(inbox, [{ key: 'mine', uid: 7 }]);
    await bob.imports.forget(inbox, ['mine']);
    expect(await alice.imports.pending(inbox)).toEqual({ keys: ['mine'], sinceUid: 5 });

    const app = new URL(url);
    app.username = appRoleName(app.pathname.slice(1));
    app.password = appPassword;
    const client = new pg.Client({ connectionString: app.href });
    await client.connect();
    try {
      const forced = await client.query(
        `SELECT relrowsecurity AND relforcerowsecurity AS forced FROM pg_class WHERE relname = 'import_keys'`,
      );
      expect(forced.rows).toEqual([{ forced: true }]);
      // Without saying whose rows it wants, the role sees none.
      expect((await client.query('SELECT count(*)::int AS n FROM import_keys')).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      await client.end();
    }
  });
});
