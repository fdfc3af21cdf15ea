// The private-Postgres harness, proven against the real server: it takes connections with a
// password on its loopback port only, runs as an unprivileged user with its socket in its own
// temp folder, makes databases, keeps its data across a kill and a start, and leaves nothing
// behind when stopped or when its test process dies.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import {
  groupAlive,
  nodeChild,
  portAnswers,
  portIsFree,
  systemUser,
  waitFor,
} from '../support/processes.js';

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The error a connection attempt ends with, or undefined when it succeeds. */
async function connectError(
  config: pg.ClientConfig,
): Promise<(Error & { code?: string }) | undefined> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (err) {
    return err as Error & { code?: string };
  }
}

/** Local addresses of the TCP sockets listening on `port` (hex, as /proc/net/tcp* shows them). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // 0A is LISTEN.
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local);
    }
  }
  return found;
}

/** Who the server should run as: the postgres user under root, else whoever runs the tests. */
function expectedUid(): number {
  return process.getuid?.() === 0 ? systemUser('postgres', 'postgresql').uid : process.getuid!();
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'latin1')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

describe('a private Postgres', () => {
  let server: PostgresServer;
  let startMs = 0;

  beforeAll(async () => {
    const began = Date.now();
    server = await startPostgres();
    startMs = Date.now() - began;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('starts in a few seconds and answers queries at its URL, as the maildock superuser', async () => {
    expect(startMs, `started in ${startMs} ms`).toBeLessThan(15_000);
    expect(server.url).toBe(
      `postgres://maildock:maildock-test-password@127.0.0.1:${server.port}/maildock`,
    );
    const [row] = await query<{ user: string; db: string; version: string; super: string }>(
      server.url,
      `SELECT current_user AS user, current_database() AS db, version() AS version,
              current_setting('is_superuser') AS super`,
    );
    expect(row).toEqual({
      user: 'maildock',
      db: 'maildock',
      version: expect.stringMatching(/^PostgreSQL 15\./),
      super: 'on',
    });
    const rows = await query<{ n: number; word: string }>(
      server.url,
      'SELECT n, $1::text AS word FROM generate_series(1, 3) AS n WHERE n >= $2 ORDER BY n',
      ['mail', 2],
    );
    expect(rows).toEqual([
      { n: 2, word: 'mail' },
      { n: 3, word: 'mail' },
    ]);
  });

  it('is set up for tests: UTF-8, no fsync, a modest number of connections', async () => {
    const [row] = await query<Record<string, string>>(
      server.url,
      `SELECT current_setting('server_encoding') AS encoding, current_setting('fsync') AS fsync,
              current_setting('max_connections') AS max, current_setting('listen_addresses') AS listen`,
    );
    expect(row).toEqual({ encoding: 'UTF8', fsync: 'off', max: '40', listen: '127.0.0.1' });
    // Full-text search sees words beyond ASCII (a C locale would split them apart).
    const [words] = await query<{ v: string }>(
      server.url,
      "SELECT to_tsvector('simple', 'Grüße aus Köln') AS v",
    );
    expect(words?.v).toBe("'aus':2 'grüße':1 'köln':3");
  });

  it('listens on 127.0.0.1 only, and refuses a wrong password', async () => {
    const local = listeners(server.port);
    expect(local.length).toBeGreaterThan(0);
    for (const address of local)
      expect(address).toBe(`0100007F:${server.port.toString(16).toUpperCase().padStart(4, '0')}`);
    // The whole of 127/8 reaches the loopback interface, but only 127.0.0.1 is bound.
    expect(await portAnswers(server.port, '127.0.0.2')).toBe(false);
    const wrong = await connectError({
      host: '127.0.0.1',
      port: server.port,
      user: 'maildock',
      password: 'not-the-password',
      database: 'maildock',
    });
    expect(wrong?.code).toBe('28P01');
  });

  it('runs as an unprivileged user, with its files and socket in its own temp folder', () => {
    const pid = server.pid!;
    expect(uidOf(pid)).toBe(expectedUid());
    expect(uidOf(pid)).not.toBe(0);
    expect(statSync(server.dataDir).uid).toBe(expectedUid());
    expect(server.dataDir.startsWith(`${server.root}/`)).toBe(true);
    expect(existsSync(`${server.socketDir}/.s.PGSQL.${server.port}`)).toBe(true);
    expect(server.socketDir.startsWith(`${server.root}/`)).toBe(true);
    // Connections on the socket need no password: nobody else may reach it.
    expect(statSync(server.socketDir).mode & 0o077).toBe(0);
    expect(statSync(server.socketDir).uid).toBe(expectedUid());
  });

  it('creates databases of their own, and refuses a name that would need quoting', async () => {
    const url = await server.createDatabase('contract_a');
    expect(url).toBe(server.urlOf('contract_a'));
    const [row] = await query<{ db: string; owner: string }>(
      url,
      `SELECT current_database() AS db, pg_get_userbyid(datdba) AS owner
         FROM pg_database WHERE datname = current_database()`,
    );
    expect(row).toEqual({ db: 'contract_a', owner: 'maildock' });
    for (const bad of ['Upper', 'semi;colon', 'a b', '', 'x'.repeat(64)])
      await expect(server.createDatabase(bad), bad).rejects.toThrow(/unusable database name/);
    await expect(server.createDatabase('contract_a')).rejects.toThrow(/already exists/);
  });

  it('keeps its data across a kill and a start on the same port', async () => {
    const url = await server.createDatabase('survives');
    await query(url, 'CREATE TABLE t (v text)');
    await query(url, 'INSERT INTO t VALUES ($1)', ['kept']);
    const pid = server.pid!;
    await server.kill();
    expect(groupAlive(pid)).toBe(false);
    expect(await portIsFree(server.port)).toBe(true);
    await server.start();
    expect(server.pid).not.toBe(pid);
    expect(await query(url, 'SELECT v FROM t')).toEqual([{ v: 'kept' }]);
  });
});

describe('a private Postgres stopped or abandoned', () => {
  it('is gone after stop(): no process, no port, no folder', async () => {
    const server = await startPostgres();
    const { port, root } = server;
    const pid = server.pid!;
    const held = new pg.Client({ connectionString: server.url });
    held.on('error', () => undefined);
    await held.connect();
    await server.stop();
    // A session still open does not keep the server up.
    await expect(held.query('SELECT 1')).rejects.toThrow();
    expect(groupAlive(pid)).toBe(false);
    expect(existsSync(root)).toBe(false);
    expect(listeners(port)).toEqual([]);
    expect((await connectError({ connectionString: server.url }))?.code).toBe('ECONNREFUSED');
    await expect(server.start()).rejects.toThrow(/removed/);
  });

  it('runs side by side with another, each on its own port and folder', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres({ password: 'other:pw@/' })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.root).not.toBe(b.root);
      await query(a.url, 'CREATE TABLE only_in_a (v int)');
      expect(await query(b.url, "SELECT to_regclass('only_in_a') AS t")).toEqual([{ t: null }]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('leaves no server behind when the test process is SIGKILLed', async () => {
    const harness = fileURLToPath(new URL('../support/postgres.ts', import.meta.url));
    const code = `const { startPostgres } = await import(${JSON.stringify(harness)});
const s = await startPostgres();
console.log(JSON.stringify({ port: s.port, root: s.root, pid: s.pid }));
setInterval(() => undefined, 1000);`;
    let child: ChildProcess | undefined;
    try {
      const started = await nodeChild<{ port: number; root: string; pid: number }>(code);
      child = started.child;
      const { port, root, pid } = started.printed;
      expect(await portAnswers(port)).toBe(true);
      child.kill('SIGKILL');
      // The watchdog polls once a second.
      expect(
        await waitFor(
          async () => !groupAlive(pid) && !(await portAnswers(port)) && !existsSync(root),
          8000,
          100,
        ),
      ).toBe(true);
    } finally {
      child?.kill('SIGKILL');
    }
  });
});
