// The stack's own mailboxes in Postgres: a mailbox is a user's, on a mail domain of the
// user's tenant, with a quota; aliases lead elsewhere; and Dovecot's and Postfix's roles
// read exactly the columns they need, Postfix never a password hash.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdminDatabase } from '../../main/core/store/index.js';
import type { People } from '../../main/core/store/people.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';

let server: PostgresServer;
let url: string;
let admin: Awaited<ReturnType<typeof openAdminDatabase>>;
let people: People;

beforeAll(async () => {
  server = await startPostgres();
  url = await freshDatabase(server);
  admin = await openAdminDatabase(url);
  people = admin.people;
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await server?.stop();
});

async function userOf(tenant: string, email: string) {
  const t = (await people.tenants.byName(tenant)) ?? (await people.tenants.add(tenant));
  return people.users.add({
    tenantId: t.id,
    email,
    passwordHash: 'hash-of-' + email,
    role: 'user',
  });
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return err as { code: string; fields?: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

/** Runs one query as a role that signs in with a password, as Dovecot and Postfix do. */
async function as(role: string, password: string, sql: string, params: unknown[] = []) {
  const target = new URL(url);
  target.username = role;
  target.password = password;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('mailboxes', () => {
  it('keeps a mailbox per user, lower-case, on a domain of the user’s tenant, with its quota', async () => {
    const alice = await userOf('example.test', 'alice@example.test');
    const box = await people.mailboxes.add({
      userId: alice.userId,
      address: 'Alice@Example.test',
      quotaBytes: 10_000,
    });
    expect(box).toMatchObject({
      address: 'alice@example.test',
      userId: alice.userId,
      tenant: 'example.test',
      quotaBytes: 10_000,
    });
    expect(
      (
        await failure(
          people.mailboxes.add({
            userId: alice.userId,
            address: 'alice@example.test',
            quotaBytes: null,
          }),
        )
      ).code,
    ).toBe('ALREADY_EXISTS');

    // The domain is example.test's now: another tenant's user cannot take an address there.
    const mallory = await userOf('other', 'mallory@other.test');
    const refused = await failure(
      people.mailboxes.add({
        userId: mallory.userId,
        address: 'mallory@example.test',
        quotaBytes: null,
      }),
    );
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.fields).toMatchObject({ domain: 'example.test' });

    expect(await people.mailboxes.setQuota('alice@example.test', null)).toBe(true);
    expect((await people.mailboxes.get('ALICE@example.test'))?.quotaBytes).toBeNull();
    expect(await people.mailboxes.setQuota('nobody@example.test', 5)).toBe(false);
    expect((await people.mailboxes.list('example.test')).map((m) => m.address)).toEqual([
      'alice@example.test',
    ]);
  });

  it('goes with its user, and alone when removed', async () => {
    const bob = await userOf('example.test', 'bob@example.test');
    await people.mailboxes.add({
      userId: bob.userId,
      address: 'bob@example.test',
      quotaBytes: null,
    });
    expect(await people.users.remove(bob.userId)).toBe(true);
    expect(await people.mailboxes.get('bob@example.test')).toBeNull();

    const carol = await userOf('example.test', 'carol@example.test');
    await people.mailboxes.add({
      userId: carol.userId,
      address: 'carol@example.test',
      quotaBytes: null,
    });
    expect(await people.mailboxes.remove('carol@example.test')).toBe(true);
    expect(await people.mailboxes.remove('carol@example.test')).toBe(false);
    expect(await people.users.get(carol.userId)).not.toBeNull();
  });

  it('keeps aliases on known domains only', async () => {
    await people.mailboxes.addAlias({
      source: 'Info@example.test',
      destination: 'alice@example.test',
    });
    expect(await people.mailboxes.aliases('example.test')).toEqual([
      { source: 'info@example.test', destination: 'alice@example.test' },
    ]);
    const unknown = await failure(
      people.mailboxes.addAlias({ source: 'info@nowhere.test', destination: 'alice@example.test' }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(
      await people.mailboxes.removeAlias({
        source: 'info@example.test',
        destination: 'alice@example.test',
      }),
    ).toBe(true);
    expect(await people.mailboxes.aliases()).toEqual([]);
  });

  it('gives Dovecot the password hash and quota, and Postfix only the addresses and aliases', async () => {
    const dave = await userOf('example.test', 'dave@example.test');
    await people.mailboxes.add({
      userId: dave.userId,
      address: 'dave@example.test',
      quotaBytes: 2048,
    });
    await people.mailboxes.addAlias({
      source: 'sales@example.test',
      destination: 'dave@example.test',
    });
    const dovecotPassword = randomBytes(16).toString('hex');
    const postfixPassword = randomBytes(16).toString('hex');
    const dovecot = await people.mailboxes.ensureReader('dovecot', dovecotPassword);
    const postfix = await people.mailboxes.ensureReader('postfix', postfixPassword);
    expect(dovecot).toMatch(/_dovecot$/);

    expect(
      await as(
        dovecot,
        dovecotPassword,
        `SELECT u.password_hash, m.quota_bytes FROM mail_users m JOIN users u ON u.id = m.user_id
         WHERE m.address = $1`,
        ['dave@example.test'],
      ),
    ).toEqual([{ password_hash: 'hash-of-dave@example.test', quota_bytes: '2048' }]);
    expect(
      await as(postfix, postfixPassword, 'SELECT address FROM mail_users WHERE address = $1', [
        'dave@example.test',
      ]),
    ).toHaveLength(1);
    expect(
      await as(postfix, postfixPassword, 'SELECT destination FROM mail_aliases WHERE source = $1', [
        'sales@example.test',
      ]),
    ).toEqual([{ destination: 'dave@example.test' }]);

    for (const [role, password, sql] of [
      [postfix, postfixPassword, 'SELECT password_hash FROM users'],
      [postfix, postfixPassword, 'SELECT user_id FROM mail_users'],
      [dovecot, dovecotPassword, 'SELECT email FROM users'],
      [dovecot, dovecotPassword, 'SELECT * FROM sessions'],
      [dovecot, dovecotPassword, 'UPDATE mail_users SET quota_bytes = 1'],
    ] as const) {
      const err = await failure(as(role, password, sql));
      expect(err.code, `${role}: ${sql}`).toBe('42501');
    }

    // Made again (every `stack up`): a new password holds, the old one no longer.
    const next = randomBytes(16).toString('hex');
    await people.mailboxes.ensureReader('dovecot', next);
    expect(await as(dovecot, next, 'SELECT count(*)::int AS n FROM mail_users')).toEqual([
      { n: expect.any(Number) },
    ]);
    expect((await failure(as(dovecot, dovecotPassword, 'SELECT 1'))).code).toBe('28P01');
  });
});
