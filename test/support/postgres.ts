// A private Postgres for tests, as test/support/dovecot.ts is for IMAP: Debian's postgresql 15
// (`initdb`, then `pg_ctl`) run as an unprivileged user (`postgres` when the tests run as
// root, else the current user) on a data folder under one temp folder, listening on 127.0.0.1
// only, on a port nobody else uses, with its unix socket in the temp folder too.
//
// pg_ctl daemonizes the postmaster in a process group of its own: as for Postfix, a watchdog
// and an exit hook make sure that none outlives the test process.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import {
  freePort,
  groupAlive,
  keepDirs,
  killGroupSync,
  run,
  signalGroup,
  spawnWatchdog,
  systemUser,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
  type RunOptions,
  launchOnFreePorts,
} from './processes.js';

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** A superuser, who owns `database`; it signs in with `password` over TCP. */
  user: string;
  password: string;
  database: string;
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  /** temp folder holding the data folder, the unix socket and the log */
  root: string;
  dataDir: string;
  socketDir: string;
  /** The postmaster's pid (also its process group) while it runs. */
  pid: number | undefined;
  /** The URL of another database of this server. */
  urlOf(database: string): string;
  /** Creates an empty database owned by `user` and resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (sessions are ended). Removes `root` unless keepData or MAILDOCK_KEEP_TEST_DIRS is set. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL the postmaster and its children; the data stays for start(). */
  kill(): Promise<void>;
  /** (Re)start on the same port with the same data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Last lines of the server's log, for failing-test diagnostics. */
  logTail(lines?: number): string;
}

export interface StartPostgresOptions {
  port?: number;
  password?: string;
  /** Postgres's own cache, like `256MB` (a test needs little: 32MB; a benchmark more). */
  sharedBuffers?: string;
}

const BIN = '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_S = 30;
const STOP_TIMEOUT_MS = 10_000;
const USER = 'maildock';
/** What a database may be called here: no quoting surprises in URLs or SQL. */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function serverConf(port: number, socketDir: string, sharedBuffers: string): string {
  return `# Written by test/support/postgres.ts: a private instance for one test run.
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
max_connections = 40
shared_buffers = ${sharedBuffers}
# Nothing here needs to survive a crash of the machine. A commit still reaches the kernel
# before it returns (synchronous_commit stays on), so a killed server keeps it.
fsync = off
full_page_writes = off
`;
}

/** The user the server runs as: postgres when we are root (initdb refuses root), else us. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return systemUser('postgres', 'postgresql');
}

/** The server's user must reach the temp folder: every folder above it must be traversable. */
function checkTraversable(root: string, owner: { uid: number; gid: number }): void {
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const st = statSync(dir);
    const traversable =
      (st.mode & 0o001) !== 0 ||
      (st.uid === owner.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === owner.gid && (st.mode & 0o010) !== 0);
    if (!traversable)
      throw new Error(`${dir} is not traversable by uid ${owner.uid}: set TMPDIR elsewhere`);
    if (dir === path.dirname(dir)) return;
  }
}

/** The environment of initdb and pg_ctl: none of the caller's PG* settings may redirect them. */
function commandEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('PG')) env[key] = value;
  return { ...env, LC_ALL: 'C.UTF-8' };
}

interface PostgresSetup {
  root: string;
  port: number;
  fixedPort: boolean;
  password: string;
  owner: { uid: number; gid: number } | undefined;
  sharedBuffers: string;
}

class Postgres implements PostgresServer {
  readonly host = '127.0.0.1' as const;
  readonly user = USER;
  readonly database = USER;
  readonly root: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly password: string;
  port: number;
  pid: number | undefined;
  private readonly fixedPort: boolean;
  private readonly owner: { uid: number; gid: number } | undefined;
  private readonly sharedBuffers: string;
  private removed = false;

  constructor(setup: PostgresSetup) {
    this.root = setup.root;
    this.port = setup.port;
    this.fixedPort = setup.fixedPort;
    this.password = setup.password;
    this.owner = setup.owner;
    this.sharedBuffers = setup.sharedBuffers;
    this.dataDir = path.join(this.root, 'data');
    this.socketDir = path.join(this.root, 'run');
  }

  get url(): string {
    return this.urlOf(this.database);
  }

  urlOf(database: string): string {
    const password = encodeURIComponent(this.password);
    return `postgres://${this.user}:${password}@${this.host}:${this.port}/${database}`;
  }

  private get logFile(): string {
    return path.join(this.root, 'postgres.log');
  }

  private asServerUser(timeoutMs: number): RunOptions {
    return { timeoutMs, env: commandEnv(), ...(this.owner ?? {}) };
  }

  private async own(file: string): Promise<void> {
    if (this.owner) await chown(file, this.owner.uid, this.owner.gid);
  }

  async prepare(): Promise<void> {
    if (this.owner) checkTraversable(this.root, this.owner);
    await this.own(this.root);
    // The socket takes anyone who reaches it without a password: only the server's user may.
    await mkdir(this.socketDir, { mode: 0o700 });
    await this.own(this.socketDir);
    const pwfile = path.join(this.root, 'password');
    await writeFile(pwfile, `${this.password}\n`, { mode: 0o600 });
    await this.own(pwfile);
    try {
      await run(
        path.join(BIN, 'initdb'),
        [
          '--pgdata',
          this.dataDir,
          '--username',
          this.user,
          `--pwfile=${pwfile}`,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          // A test database need not be on disk before initdb returns.
          '--no-sync',
        ],
        this.asServerUser(60_000),
      );
    } catch (err) {
      throw new Error(`initdb failed (is the postgresql package installed?): ${String(err)}`);
    } finally {
      await rm(pwfile, { force: true });
    }
    const conf = path.join(this.dataDir, 'postgresql.conf');
    await writeFile(conf, `${readFileSync(conf, 'utf8')}\ninclude 'maildock-test.conf'\n`);
    await this.writeConf();
  }

  private async writeConf(): Promise<void> {
    const file = path.join(this.dataDir, 'maildock-test.conf');
    await writeFile(file, serverConf(this.port, this.socketDir, this.sharedBuffers), {
      mode: 0o644,
    });
    await this.own(file);
  }

  /** The first start may pick a new port: another process can take one we chose but did not hold. */
  async firstStart(): Promise<void> {
    trackServer(this);
    await launchOnFreePorts({
      launch: () => this.launch(),
      logTail: (n) => this.logTail(n),
      movable: () => !this.fixedPort,
      repick: async () => {
        this.port = await freePort();
        await this.writeConf();
      },
    });
    await this.createDatabase(this.database);
  }

  async start(): Promise<void> {
    if (this.removed) throw new Error(`Postgres data in ${this.root} was removed by stop()`);
    if (this.pid !== undefined && groupAlive(this.pid)) return;
    await this.launch();
  }

  private async launch(): Promise<void> {
    try {
      // -w: pg_ctl returns once the server accepts connections, or fails.
      await run(
        path.join(BIN, 'pg_ctl'),
        ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', this.dataDir, '-l', this.logFile],
        this.asServerUser((START_TIMEOUT_S + 5) * 1000),
      );
    } catch (err) {
      const pid = this.readPid();
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        await waitDown(pid, [], STOP_TIMEOUT_MS);
      }
      throw new Error(
        `postgres did not start on 127.0.0.1:${this.port}: ${String(err)}\n${this.logTail(30)}`,
      );
    }
    const pid = this.readPid();
    if (pid === undefined) throw new Error(`postgres started but left no pid\n${this.logTail(30)}`);
    this.pid = pid;
    spawnWatchdog(pid, this.root);
  }

  private readPid(): number | undefined {
    try {
      const first = readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'latin1').split(
        '\n',
      )[0];
      const pid = Number(first);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  async createDatabase(name: string): Promise<string> {
    if (!DATABASE_NAME.test(name))
      throw new Error(`unusable database name ${JSON.stringify(name)}`);
    const client = new pg.Client({ connectionString: this.urlOf('postgres') });
    await client.connect();
    try {
      // A name cannot be a query parameter; it is checked above and quoted here.
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return this.urlOf(name);
  }

  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGKILL');
    this.pid = undefined;
    await waitDown(pid, [this.port], STOP_TIMEOUT_MS);
    // The killed postmaster may stay a zombie until PID 1 reaps it, and the next start would
    // take its lock files for a live server's. No process of the group runs any more.
    if (groupAlive(pid)) return;
    const lockFiles = [
      path.join(this.dataDir, 'postmaster.pid'),
      path.join(this.socketDir, `.s.PGSQL.${this.port}.lock`),
    ];
    for (const file of lockFiles) await rm(file, { force: true });
  }

  killSync(removeData: boolean): void {
    killGroupSync(this.pid, this.root, removeData);
  }

  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    const pid = this.pid;
    if (pid !== undefined) {
      await run(
        path.join(BIN, 'pg_ctl'),
        ['stop', '-w', '-m', 'fast', '-t', String(STOP_TIMEOUT_MS / 1000), '-D', this.dataDir],
        this.asServerUser(STOP_TIMEOUT_MS + 5000),
      ).catch(() => undefined);
      await waitDown(pid, [], STOP_TIMEOUT_MS);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      this.pid = undefined;
      await waitDown(pid, [this.port], STOP_TIMEOUT_MS);
    }
    if (!opts.keepData && !keepDirs() && !this.removed) {
      this.removed = true;
      untrackServer(this);
      await rm(this.root, { recursive: true, force: true });
    }
  }

  logTail(lines = 40): string {
    return existsSync(this.logFile) ? tailOf(this.logFile, lines) : '';
  }
}

/**
 * Starts a private Postgres: `url` names the `maildock` database, owned by the superuser
 * `maildock`; createDatabase() makes more. One instance per test file is plenty.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const password = opts.password ?? 'maildock-test-password';
  if (/[\n\r]/.test(password)) throw new Error('the password may not hold a line break');
  const sharedBuffers = opts.sharedBuffers ?? '32MB';
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers))
    throw new Error(`sharedBuffers: a size like 256MB, not ${sharedBuffers}`);
  const root = await tempRoot('maildock-postgres-');
  const server = new Postgres({
    root,
    port: opts.port ?? (await freePort()),
    fixedPort: opts.port !== undefined,
    password,
    owner: serverUser(),
    sharedBuffers,
  });
  try {
    await server.prepare();
    await server.firstStart();
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
  return server;
}
