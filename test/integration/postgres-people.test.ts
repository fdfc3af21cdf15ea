// The server of many people in its database: every row of mail is one tenant's and one
// user's, row-level security is forced, and the application's role can neither own the
// tables nor bypass the policies. Refresh tokens rotate once; a spent one revokes its family.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openServerDatabase,
  type Owner,
  type ServerDatabase,
  type Store,
} from '../../main/core/store/index.js';
import { SealedSecretStore } from '../../main/core/secrets/sealed-store.js';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { migrations } from '../../main/core/store/postgres/migrations/index.js';
import { headerRecord } from '../support/headers.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase, query } from '../support/postgres-store.js';

const APP_PASSWORD = randomBytes(24).toString('base64url');

let server: PostgresServer;
let url: string;
let db: ServerDatabase;
let alice: Owner;
let bob: Owner;
let carol: Owner; // another tenant

beforeAll(async () => {
  server = await startPostgres();
  url = await freshDatabase(server);
  db = await openServerDatabase(url, { appPassword: APP_PASSWORD });
  const acme = await db.people.tenants.add('acme');
  const globex = await db.people.tenants.add('globex');
  const add = async (tenantId: number, email: string) => {
    const p = await db.people.users.add({ tenantId, email, passwordHash: 'x', role: 'user' });
    return { tenantId: p.tenantId, userId: p.userId };
  };
  alice = await add(acme.id, 'alice@acme.test');
  bob = await add(acme.id, 'bob@acme.test');
  carol = await add(globex.id, 'carol@globex.test');
}, 120_000);

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

/** An account with an Inbox of `count` messages, all dated as every other person's are. */
async function mailOf(store: Store, email: string, count: number) {
  const account = await store.accounts.add({
    email,
    imap: { host: '127.0.0.1', port: 143, security: 'none', user: email },
  });
  const inbox = await store.mailboxes.upsert(account.id, {
    path: 'INBOX',
    name: 'INBOX',
    delimiter: '/',
    role: 'inbox',
  });
  const ids = await store.messages.insertHeaders(
    account.id,
    inbox,
    Array.from({ length: count }, (_, i) => headerRecord(i + 1, { subject: `${email} ${i}` })),
  );
  await store.settings.set('who', email);
  return { account, inbox, ids };
}

/** A connection signed in as the application's role, as the server's own are. */
async function asApp<T>(fn: (client: pg.Client) => Promise<T>, options?: string): Promise<T> {
  const app = new URL(url);
  app.username = appRoleName(app.pathname.slice(1));
  app.password = APP_PASSWORD;
  const client = new pg.Client({ connectionString: app.href, ...(options ? { options } : {}) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('the rows of many people', () => {
  it('are each person’s own: the same mail twice keeps its ids, and no one sees another’s', async () => {
    const a = db.storeFor(alice);
    const b = db.storeFor(bob);
    const c = db.storeFor(carol);
    const mineA = await mailOf(a, 'alice@mail.test', 5);
    const mineB = await mailOf(b, 'bob@mail.test', 3);
    // The same address may be an account of two people.
    const mineC = await mailOf(c, 'alice@mail.test', 4);
    // Ids sort like dates: the same dates give the same ids, each person's own.
    expect(mineC.ids.slice(0, 3)).toEqual(mineA.ids.slice(0, 3));

    expect((await a.accounts.list()).map((x) => x.email)).toEqual(['alice@mail.test']);
    expect(await b.accounts.get(mineA.account.id)).toBeNull();
    expect(await c.mailboxes.list(mineA.account.id)).toEqual([]);
    // Alice's fifth message has a date none of Bob's three has.
    expect(await b.messages.detail(mineA.ids[4]!)).toBeNull();
    expect(await b.messages.detail(mineB.ids[0]!)).not.toBeNull();
    expect(await a.settings.get('who')).toBe('alice@mail.test');
    expect(await c.settings.get('who')).toBe('alice@mail.test');
    expect(await b.settings.get('who')).toBe('bob@mail.test');
    expect((await b.messages.list(mineA.inbox, 100)).length).toBe(0);
    expect((await a.messages.list(mineA.inbox, 100)).length).toBe(5);
    expect((await c.messages.list(mineC.inbox, 100)).length).toBe(4);
    // Search too: Alice's subjects name her account; Bob's own mail is only from an Alice.
    expect((await b.search.search('subject:alice', { limit: 50 })).hits).toEqual([]);
    expect((await a.search.search('subject:alice', { limit: 50 })).hits).toHaveLength(5);
    // Changes aimed at another's rows change nothing.
    expect(await b.messages.deleteIds([mineA.ids[4]!])).toBe(0);
    expect(await b.messages.deleteMailboxMessages(mineA.inbox)).toBe(0);
    await b.accounts.remove(mineA.account.id).catch(() => undefined);
    expect((await a.messages.list(mineA.inbox, 100)).length).toBe(5);
    expect(await a.accounts.get(mineA.account.id)).not.toBeNull();
    expect(mineB.ids.length).toBe(3);

    // The one list across people: which person each account is, and no mail.
    const directory = await db.people.directory.all();
    expect(directory).toEqual(
      expect.arrayContaining([
        { accountId: mineA.account.id, owner: alice },
        { accountId: mineB.account.id, owner: bob },
        { accountId: mineC.account.id, owner: carol },
      ]),
    );
    expect(await db.people.directory.ownerOf(mineC.account.id)).toEqual(carol);
    expect(await db.people.directory.ofOwner(bob)).toEqual([mineB.account.id]);
    await c.accounts.remove(mineC.account.id);
    expect(await db.people.directory.ownerOf(mineC.account.id)).toBeNull();
  });

  it('are read and written by a role that owns no table and cannot bypass the policies', async () => {
    const facts = await asApp(async (client) => {
      const [role] = (
        await client.query(
          `SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
        )
      ).rows as { name: string; rolsuper: boolean; rolbypassrls: boolean }[];
      const owned = (
        await client.query(
          `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user`,
        )
      ).rows[0] as { n: number };
      const forced = (
        await client.query(
          `SELECT count(*)::int AS n FROM pg_class
            WHERE relname = ANY($1) AND relrowsecurity AND relforcerowsecurity`,
          [['accounts', 'messages', 'bodies', 'outbox', 'secrets', 'settings']],
        )
      ).rows[0] as { n: number };
      return { role, owned: owned.n, forced: forced.n };
    });
    expect(facts.role!).toMatchObject({ rolsuper: false, rolbypassrls: false });
    expect(facts.role!.name).toBe(appRoleName(new URL(url).pathname.slice(1)));
    expect(facts.owned).toBe(0);
    expect(facts.forced).toBe(6);
  });

  it('a query that forgets whose rows it wants gets only that person’s, or none', async () => {
    const scoped = `-c maildock.tenant_id=${bob.tenantId} -c maildock.user_id=${bob.userId}`;
    const counts = await asApp(async (client) => {
      const all = await client.query('SELECT count(*)::int AS n FROM messages');
      const emails = await client.query('SELECT email FROM accounts');
      return { n: (all.rows[0] as { n: number }).n, emails: emails.rows };
    }, scoped);
    expect(counts).toEqual({ n: 3, emails: [{ email: 'bob@mail.test' }] });

    const unscoped = await asApp(async (client) => {
      const all = await client.query('SELECT count(*)::int AS n FROM messages');
      const insert = await client.query(`INSERT INTO settings (key, value) VALUES ('x', 'y')`).then(
        () => 'inserted',
        (e: { code?: string }) => e.code,
      );
      // Naming another person's ids outright is refused by the policy's check.
      const forged = await client
        .query(`INSERT INTO settings (tenant_id, user_id, key, value) VALUES ($1, $2, 'x', 'y')`, [
          alice.tenantId,
          alice.userId,
        ])
        .then(
          () => 'inserted',
          (e: { code?: string }) => e.code,
        );
      return { n: (all.rows[0] as { n: number }).n, insert, forged };
    });
    expect(unscoped.n).toBe(0);
    expect(unscoped.insert).toBe('42501'); // no owner: the policy's check refuses the row
    expect(unscoped.forged).toBe('42501'); // new row violates row-level security policy
  });

  it('go with their user, and with their tenant', async () => {
    const dave = await db.people.users.add({
      tenantId: carol.tenantId,
      email: 'dave@globex.test',
      passwordHash: 'x',
      role: 'user',
    });
    const owner = { tenantId: dave.tenantId, userId: dave.userId };
    await mailOf(db.storeFor(owner), 'dave@mail.test', 2);
    await db.sealedFor(owner).set('account:1:password', { keyId: 'k', sealed: Buffer.from('s') });
    expect(await db.people.users.remove(dave.userId)).toBe(true);
    const left = await query<{ n: number }>(
      url,
      'SELECT (SELECT count(*) FROM messages WHERE user_id = $1)::int + (SELECT count(*) FROM secrets WHERE user_id = $1)::int AS n',
      [dave.userId],
    );
    expect(left).toEqual([{ n: 0 }]);

    const temp = await db.people.tenants.add('temp');
    const eve = await db.people.users.add({
      tenantId: temp.id,
      email: 'eve@temp.test',
      passwordHash: 'x',
      role: 'admin',
    });
    await mailOf(db.storeFor({ tenantId: temp.id, userId: eve.userId }), 'eve@mail.test', 2);
    expect(await db.people.tenants.remove('temp')).toBe(true);
    expect(await db.people.users.get(eve.userId)).toBeNull();
    const rows = await query<{ n: number }>(
      url,
      'SELECT count(*)::int AS n FROM accounts WHERE tenant_id = $1',
      [temp.id],
    );
    expect(rows).toEqual([{ n: 0 }]);
    // The local person's tenant is not the server's to list or remove.
    expect((await db.people.tenants.list()).map((t) => t.name)).not.toContain('local');
    expect(await db.people.tenants.remove('local')).toBe(false);
    await expect(db.people.tenants.add('local')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(db.people.tenants.add('acme')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(
      db.people.users.add({
        tenantId: bob.tenantId,
        email: 'BOB@acme.test',
        passwordHash: 'x',
        role: 'user',
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});

describe('refresh tokens', () => {
  const hash = () => randomBytes(32);

  it('rotate once; a spent one used again revokes the whole family', async () => {
    const id = randomUUID();
    const first = hash();
    const now = Date.now();
    await db.people.sessions.start({
      ...alice,
      id,
      expiresAt: now + 60_000,
      ip: '127.0.0.1',
      tokenHash: first,
    });
    const second = hash();
    expect(await db.people.sessions.rotate(first, second, now)).toMatchObject({
      outcome: 'rotated',
      session: { id, userId: alice.userId },
    });
    const third = hash();
    expect(await db.people.sessions.rotate(second, third, now)).toMatchObject({
      outcome: 'rotated',
    });
    // The first token again: someone kept a copy. The family goes, the newest token with it.
    expect(await db.people.sessions.rotate(first, hash(), now)).toMatchObject({
      outcome: 'reused',
    });
    expect((await db.people.sessions.get(id))?.revokedAt).not.toBeNull();
    expect(await db.people.sessions.rotate(third, hash(), now)).toEqual({ outcome: 'revoked' });
    expect(await db.people.sessions.rotate(hash(), hash(), now)).toEqual({ outcome: 'unknown' });
  });

  it('of two requests with one token at once, one rotates and the other revokes', async () => {
    const id = randomUUID();
    const token = hash();
    const now = Date.now();
    await db.people.sessions.start({
      ...bob,
      id,
      expiresAt: now + 60_000,
      ip: null,
      tokenHash: token,
    });
    const outcomes = await Promise.all([
      db.people.sessions.rotate(token, hash(), now),
      db.people.sessions.rotate(token, hash(), now),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['reused', 'rotated']);
    expect((await db.people.sessions.get(id))?.revokedAt).not.toBeNull();
  });

  it('expire, and are revoked with every session of their user', async () => {
    const now = Date.now();
    const old = hash();
    await db.people.sessions.start({
      ...carol,
      id: randomUUID(),
      expiresAt: now - 1,
      ip: null,
      tokenHash: old,
    });
    expect(await db.people.sessions.rotate(old, hash(), now)).toEqual({ outcome: 'expired' });
    const live = hash();
    const id = randomUUID();
    await db.people.sessions.start({
      ...carol,
      id,
      expiresAt: now + 60_000,
      ip: null,
      tokenHash: live,
    });
    expect(await db.people.sessions.revokeUser(carol.userId, 'new password')).toBeGreaterThan(0);
    expect(await db.people.sessions.rotate(live, hash(), now)).toEqual({ outcome: 'revoked' });
  });
});

describe('migration 0003 on a store that has mail', () => {
  it('gives what was there to the local person, who goes on seeing it', async () => {
    const older = await freshDatabase(server);
    const before = await openPostgresStore(older, { migrations: migrations.slice(0, 2) });
    await before.close();
    await query(
      older,
      `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
       VALUES (1, 'me@example.test', 'h', 143, 'none', 'me')`,
    );
    await query(older, "INSERT INTO settings (key, value) VALUES ('k', 'v')");
    const after = await openPostgresStore(older);
    try {
      expect((await after.accounts.list()).map((a) => a.email)).toEqual(['me@example.test']);
      expect(await after.settings.get('k')).toBe('v');
    } finally {
      await after.close();
    }
    const owners = await query(older, 'SELECT tenant_id, user_id FROM accounts');
    expect(owners).toEqual([{ tenant_id: '1', user_id: '1' }]);
  });
});

describe('account passwords of the server of many people', () => {
  const key = (id: string) => ({ id, key: randomBytes(32) });

  it('are sealed at rest under a key id, never stored as written, and open only for their owner and name', async () => {
    const k1 = key('k1');
    const store = new SealedSecretStore(db.sealedFor(alice), alice, [k1]);
    await store.set('account:7:password', 'hunter2-and-more');
    expect(await store.get('account:7:password')).toBe('hunter2-and-more');
    expect(store.kind).toBe('database');
    expect(await store.list()).toContain('account:7:password');

    const [row] = await query<{ key_id: string; sealed: Buffer }>(
      url,
      'SELECT key_id, sealed FROM secrets WHERE user_id = $1 AND name = $2',
      [alice.userId, 'account:7:password'],
    );
    expect(row!.key_id).toBe('k1');
    expect(row!.sealed.includes(Buffer.from('hunter2'))).toBe(false);

    // The same bytes under another name, or another person's row, do not open.
    await db.sealedFor(alice).set('account:8:password', { keyId: 'k1', sealed: row!.sealed });
    await expect(store.get('account:8:password')).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
    });
    await db.sealedFor(bob).set('account:7:password', { keyId: 'k1', sealed: row!.sealed });
    const bobs = new SealedSecretStore(db.sealedFor(bob), bob, [k1]);
    await expect(bobs.get('account:7:password')).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
    });
    // A flipped byte does not open either.
    const flipped = Buffer.from(row!.sealed);
    flipped[flipped.length - 1]! ^= 1;
    await db.sealedFor(alice).set('account:9:password', { keyId: 'k1', sealed: flipped });
    await expect(store.get('account:9:password')).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
    });
  });

  it('open with an older key after a rotation; new ones take the new key', async () => {
    const k1 = key('2026-01');
    const k2 = key('2026-12');
    const before = new SealedSecretStore(db.sealedFor(carol), carol, [k1]);
    await before.set('account:1:password', 'old secret');
    const after = new SealedSecretStore(db.sealedFor(carol), carol, [k2, k1]);
    expect(await after.get('account:1:password')).toBe('old secret');
    await after.set('account:2:password', 'new secret');
    expect((await db.sealedFor(carol).get('account:2:password'))?.keyId).toBe('2026-12');
    // A key dropped from the configuration: the error names it, never the value.
    const without = new SealedSecretStore(db.sealedFor(carol), carol, [k2]);
    const err = await without.get('account:1:password').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SECRET_UNAVAILABLE', fields: { keyId: '2026-01' } });
    expect(String((err as Error).message)).not.toContain('old secret');
    expect(await after.delete('account:1:password')).toBe(true);
    expect(await after.delete('account:1:password')).toBe(false);
  });
});
