// Opening a Postgres store: each migration applies in its own transaction and records its
// version, a failed one leaves the previous version whole, a database of a newer Maildock is
// refused untouched, and every way the first connection can fail says which it was.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { migrations } from '../../main/core/store/postgres/migrations/index.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase, query } from '../support/postgres-store.js';
import { freePort, waitFor } from '../support/processes.js';

let server: PostgresServer;
const latest = migrations.at(-1)!.version;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

const tables = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
  ).map((r) => r.name);

const version = async (url: string) =>
  (await query<{ version: number }>(url, 'SELECT version FROM schema_version'))[0]?.version;

async function openError(url: string, opts = {}): Promise<MaildockError> {
  try {
    const store = await openPostgresStore(url, opts);
    await store.close();
  } catch (e) {
    expect(e).toBeInstanceOf(MaildockError);
    return e as MaildockError;
  }
  throw new Error(`${url} opened`);
}

describe('migrations', () => {
  it('0001 makes every table of the store, its indexes, and records version 1', async () => {
    const url = await freshDatabase(server);
    const store = await openPostgresStore(url, { migrations: migrations.slice(0, 1) });
    await store.close();
    expect(await version(url)).toBe(1);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, n) => n + 1));
    expect(await tables(url)).toEqual(
      [
        'accounts',
        'actions',
        'attachments',
        'bodies',
        'body_reindex',
        'contact_accounts',
        'contacts',
        'drafts',
        'mailboxes',
        'messages',
        'operations',
        'outbox',
        'outbox_raw',
        'schema_version',
        'settings',
        'thread_refs',
        'threads',
      ].sort(),
    );
    const indexes = await query<{ indexname: string; indexdef: string }>(
      url,
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'messages'",
    );
    const byName = new Map(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(byName.get('messages_search')).toMatch(/USING gin \(search\)/);
    expect(byName.get('messages_mailbox')).toMatch(/\(mailbox_id, id\)/);
    expect(byName.get('messages_pending')).toMatch(/WHERE \(body_state = 0\)/);
    expect(byName.get('messages_unread')).toMatch(/WHERE \(\(flags & 1\) = 0\)/);
  });

  it('opening again changes nothing: the data stays and no step runs twice', async () => {
    const url = await freshDatabase(server);
    const first = await openPostgresStore(url);
    await first.settings.set('k', 'v');
    await first.close();
    const again = await openPostgresStore(url);
    expect(await again.settings.get('k')).toBe('v');
    await again.close();
    expect(await query(url, 'SELECT * FROM schema_version')).toEqual([{ version: latest }]);
  });

  it('a migration that fails leaves the version before it, and none of its own changes', async () => {
    const url = await freshDatabase(server);
    const broken = {
      version: latest + 1,
      name: 'broken',
      up: 'CREATE TABLE half_done (id integer); SELECT no_such_function();',
    };
    const err = await openError(url, { migrations: [...migrations, broken] });
    expect(err.code).toBe('STORE_FAILED');
    expect(await version(url)).toBe(latest);
    expect(await tables(url)).not.toContain('half_done');
    expect(await tables(url)).toContain('messages');
  });

  it('refuses a database written by a newer Maildock, and leaves it as it was', async () => {
    const url = await freshDatabase(server);
    await query(url, 'CREATE TABLE schema_version (version integer NOT NULL)');
    await query(url, 'INSERT INTO schema_version VALUES (999)');
    const err = await openError(url);
    expect(err.code).toBe('STORE_FAILED');
    expect(err.message).toMatch(/newer Maildock/);
    expect(err.fields).toMatchObject({ schema: 999, supported: migrations.at(-1)!.version });
    expect(await tables(url)).toEqual(['schema_version']);
    expect(await version(url)).toBe(999);
  });

  it('two processes opening a new database at once both get the one schema', async () => {
    const url = await freshDatabase(server);
    const stores = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    for (const store of stores) await store.close();
    expect(await query(url, 'SELECT * FROM schema_version')).toEqual([{ version: latest }]);
  });

  it('0002 gives the planner a big sample of words and statistics on the flag bits', async () => {
    const url = await freshDatabase(server);
    await (await openPostgresStore(url, { migrations: migrations.slice(0, 1) })).close();
    await query(url, "INSERT INTO settings (key, value) VALUES ('k', 'v')");
    await (await openPostgresStore(url, { migrations: migrations.slice(0, 2) })).close();
    expect(await query(url, 'SELECT key, value FROM settings')).toEqual([{ key: 'k', value: 'v' }]);
    expect(await version(url)).toBe(2);
    const [search] = await query<{ attstattarget: number }>(
      url,
      "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'messages'::regclass AND attname = 'search'",
    );
    expect(search?.attstattarget).toBe(1000);
    const stats = await query<{ name: string; exprs: string }>(
      url,
      `SELECT stxname AS name, pg_get_statisticsobjdef_expressions(oid)::text AS exprs
         FROM pg_statistic_ext WHERE stxrelid = 'messages'::regclass ORDER BY 1`,
    );
    expect(stats).toEqual([
      { name: 'messages_flagged', exprs: '{"(flags & 2)"}' },
      { name: 'messages_seen', exprs: '{"(flags & 1)"}' },
    ]);
  });
});

describe('opening errors name what is wrong', () => {
  let silent: Server | undefined;

  afterAll(async () => {
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  });

  it('a URL that is not a postgres:// one', async () => {
    for (const url of ['mysql://me@127.0.0.1/db', 'not a url', '/var/lib/maildock.db']) {
      const err = await openError(url);
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(/not a postgres:\/\/ URL/);
    }
    const withPassword = await openError('http://me:hunter2@127.0.0.1/db');
    expect(JSON.stringify(withPassword.toData())).not.toContain('hunter2');
  });

  it('credentials the server refuses, without the password in what is said', async () => {
    const url = server.url.replace(encodeURIComponent(server.password), 'wrong-secret');
    const err = await openError(url);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/refused the credentials of maildock/);
    expect(err.fields).toMatchObject({ host: '127.0.0.1', port: server.port, user: 'maildock' });
    expect(JSON.stringify(err.toData())).not.toContain('wrong-secret');
    const stranger = await openError(server.url.replace('maildock:', 'nobody:'));
    expect(stranger.code).toBe('AUTH_FAILED');
  });

  it('a database the server does not have', async () => {
    const err = await openError(server.urlOf('no_such_database'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.fields).toMatchObject({ database: 'no_such_database' });
  });

  it('a server that is not there, and one that does not answer', async () => {
    const closed = await freePort();
    const refused = await openError(`postgres://me:pw@127.0.0.1:${closed}/db`);
    expect(refused.code).toBe('HOST_UNREACHABLE');
    expect(refused.message).toContain(`127.0.0.1:${closed}`);
    const unknown = await openError('postgres://me:pw@no-such-host.invalid:5432/db');
    expect(unknown.code).toBe('HOST_UNREACHABLE');
    // Accepts the connection, reads what comes, and says nothing.
    silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const mute = await openError(`postgres://me:pw@127.0.0.1:${port}/db`, {
      connectTimeoutMs: 300,
    });
    expect(mute.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The attempt that timed out does not stay connected.
    const connections = () =>
      new Promise<number>((resolve) => silent!.getConnections((_, n) => resolve(n)));
    expect(await waitFor(async () => (await connections()) === 0, 10_000)).toBe(true);
  });

  it('the store says where it is without the password', async () => {
    const store = await openPostgresStore(server.url);
    expect(store.engine).toBe('postgres');
    expect(store.location).toBe(`postgres://maildock@127.0.0.1:${server.port}/maildock`);
    expect(await store.ping()).toBe(true);
    await store.close();
  });
});

describe('a server that goes away under an open store', () => {
  it('calls fail as STORE_UNAVAILABLE, ping says false, and the store works again once it is back', async () => {
    const store = await openPostgresStore(await freshDatabase(server));
    await store.settings.set('k', 'v');
    await server.kill();
    const err = await store.settings.get('k').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MaildockError);
    expect((err as MaildockError).code).toBe('STORE_UNAVAILABLE');
    await expect(store.transaction((tx) => tx.settings.set('k', 'w'))).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(await store.ping()).toBe(false);
    await server.start();
    expect(await waitFor(() => store.ping(), 10_000)).toBe(true);
    expect(await store.settings.get('k')).toBe('v');
    await store.close();
  });

  it('lives on when the server stops while a transaction holds a connection between statements', async () => {
    // Postgres tells such a connection it is ending (57P01) while no statement of it runs:
    // pg reports that as an 'error' event, which nothing heard, ending the process.
    const store = await openPostgresStore(await freshDatabase(server));
    let go: (() => void) | undefined;
    const held = store.transaction(async (tx) => {
      await tx.settings.set('k', 'v');
      await new Promise<void>((resolve) => (go = resolve));
      await tx.settings.get('k');
    });
    expect(await waitFor(async () => go !== undefined, 5_000)).toBe(true);
    await server.stop({ keepData: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    go!();
    await expect(held).rejects.toThrow();
    await server.start();
    expect(await waitFor(() => store.ping(), 10_000)).toBe(true);
    expect(await store.settings.get('k')).toBeNull();
    await store.close();
  });
});
