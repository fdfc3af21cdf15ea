// A private Dovecot for integration tests and benchmarks: its own config, sockets, state,
// log and Maildir under one temp folder, listening on a loopback port nobody else uses.
// Started from the distribution's package (`dovecot -F -c FILE`) as a child process in its
// own process group, so kill() can take down the master and every login/imap child at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import {
  dovecotConf,
  dovecotOAuth2Conf,
  type DovecotOAuth2,
  type DovecotPorts,
  type FolderSeparator,
} from './dovecot-conf.js';
import { ensureMaildir, MAIL_GID, MAIL_UID, writeMaildir, type MaildirMessage } from './maildir.js';
import {
  freePort,
  greets,
  groupAlive,
  keepDirs,
  killGroupSync,
  run,
  signalGroup,
  sleep,
  spawnWatchdog,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
  launchOnFreePorts,
} from './processes.js';

/** One mail user of the server, with the helpers that put mail into that user's folders. */
export interface DovecotUser {
  user: string;
  password: string;
  /** the user's Maildir (INBOX; other folders are sub-directories: LAYOUT=fs) */
  maildir: string;
  /** Put raw messages into a folder by writing Maildir files (fast, for thousands), then force-resync. */
  loadMaildir(folder: string, messages: MaildirMessage[]): Promise<void>;
  /** Same but through IMAP APPEND (slower, exercises the server like a real client). Resolves to the new UID. */
  append(folder: string, raw: Buffer, flags?: string[], internalDate?: Date): Promise<number>;
}

/** The server; as a DovecotUser it stands for the main user. */
export interface DovecotServer extends DovecotUser {
  host: '127.0.0.1';
  /** IMAP */
  port: number;
  /** LMTP on 127.0.0.1 when started with `lmtp: true`; RCPT TO:<bob@any.domain> delivers to user bob. */
  lmtpPort: number | undefined;
  /** Dovecot's SASL service on 127.0.0.1 (Postfix `smtpd_sasl_type = dovecot`), with `lmtp` or `authListener`. */
  authPort: number | undefined;
  /** Every mail user, the main one first. */
  users: readonly { user: string; password: string }[];
  /** temp dir holding config, logs, mail */
  root: string;
  confPath: string;
  /** The same helpers for another user of this server (one of `users`). */
  forUser(user: string): DovecotUser;
  userMaildir(user: string): string;
  /** Runs `doveadm -c confPath ...args` and resolves to its stdout; rejects with its stderr on failure. */
  doveadm(...args: string[]): Promise<string>;
  /** Graceful shutdown (clients get BYE). Removes `root` unless keepData or MAILDOCK_KEEP_TEST_DIRS is set. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL the master and its children; the data stays for start(). */
  kill(): Promise<void>;
  /** (Re)start on the same port with the same data; resolves once the port greets. */
  start(): Promise<void>;
  /** Last lines of the server's log (and early stderr), for failing-test diagnostics. */
  logTail(lines?: number): string;
}

export interface StartDovecotOptions {
  user?: string;
  password?: string;
  /** created (and subscribed) at start, besides INBOX and the special-use folders */
  folders?: string[];
  port?: number;
  /** Replaces the capabilities Dovecot announces after login (`imap_capability`), e.g. to
   * play a server without CONDSTORE and QRESYNC. */
  imapCapability?: string;
  /** More mail users besides the main one, each with its own home and Maildir. */
  users?: { user: string; password: string }[];
  /** Also serve LMTP on a free loopback port (`lmtpPort`), and the SASL listener (`authPort`). */
  lmtp?: boolean;
  /** Serve Dovecot's SASL service on a free loopback port (`authPort`) even without LMTP. */
  authListener?: boolean;
  /** The folder separator: "/" (the default, LAYOUT=fs) or "." (Maildir++). */
  separator?: FolderSeparator;
  /** A personal namespace prefix ("INBOX." with "."), as Courier and old Cyrus have. */
  namespacePrefix?: string;
  /** Also take OAuth2 tokens (XOAUTH2, OAUTHBEARER), checked by introspection. */
  oauth2?: DovecotOAuth2;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** A user's view of the server: the user's name, password and Maildir, the server's helpers. */
class DovecotUserView implements DovecotUser {
  readonly maildir: string;

  constructor(
    private readonly server: Dovecot,
    readonly user: string,
    readonly password: string,
  ) {
    this.maildir = server.userMaildir(user);
  }

  loadMaildir(folder: string, messages: MaildirMessage[]): Promise<void> {
    return this.server.loadMaildirAs(this.user, folder, messages);
  }

  append(folder: string, raw: Buffer, flags?: string[], internalDate?: Date): Promise<number> {
    return this.server.appendAs(this.user, folder, raw, flags, internalDate);
  }
}

interface DovecotSetup {
  root: string;
  ports: DovecotPorts;
  users: { user: string; password: string }[];
  fixedPort: boolean;
  imapCapability: string | undefined;
  separator: FolderSeparator;
  prefix: string;
  oauth2: DovecotOAuth2 | undefined;
}

class Dovecot implements DovecotServer {
  readonly host = '127.0.0.1' as const;
  readonly root: string;
  readonly user: string;
  readonly password: string;
  readonly users: readonly { user: string; password: string }[];
  readonly maildir: string;
  readonly confPath: string;
  private readonly ports: DovecotPorts;
  private readonly fixedPort: boolean;
  private readonly imapCapability: string | undefined;
  private readonly separator: FolderSeparator;
  private readonly prefix: string;
  private readonly oauth2: DovecotOAuth2 | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private removed = false;

  constructor(setup: DovecotSetup) {
    const main = setup.users[0];
    if (!main) throw new Error('no mail user');
    this.root = setup.root;
    this.ports = setup.ports;
    this.users = setup.users;
    this.user = main.user;
    this.password = main.password;
    this.fixedPort = setup.fixedPort;
    this.imapCapability = setup.imapCapability;
    this.separator = setup.separator;
    this.prefix = setup.prefix;
    this.oauth2 = setup.oauth2;
    this.maildir = this.userMaildir(this.user);
    this.confPath = path.join(this.root, 'dovecot.conf');
  }

  get port(): number {
    return this.ports.imap;
  }

  get lmtpPort(): number | undefined {
    return this.ports.lmtp;
  }

  get authPort(): number | undefined {
    return this.ports.auth;
  }

  private home(user: string): string {
    return path.join(this.root, 'home', user);
  }

  userMaildir(user: string): string {
    return path.join(this.home(user), 'Maildir');
  }

  forUser(user: string): DovecotUser {
    const entry = this.users.find((u) => u.user === user);
    if (!entry) throw new Error(`${user} is not a user of this Dovecot`);
    return new DovecotUserView(this, entry.user, entry.password);
  }

  private async writeConf(): Promise<void> {
    const { ports, imapCapability, separator, prefix, oauth2 } = this;
    const conf = dovecotConf(this.root, ports, imapCapability, separator, prefix, !!oauth2);
    if (oauth2) {
      await writeFile(path.join(this.root, 'dovecot-oauth2.conf.ext'), dovecotOAuth2Conf(oauth2), {
        mode: 0o644,
      });
    }
    await writeFile(this.confPath, conf, { mode: 0o644 });
  }

  async prepare(): Promise<void> {
    await mkdir(path.join(this.root, 'home'), { mode: 0o755 });
    for (const { user } of this.users) {
      const maildir = this.userMaildir(user);
      for (const dir of [
        this.home(user),
        maildir,
        ...['cur', 'new', 'tmp'].map((d) => path.join(maildir, d)),
      ]) {
        await mkdir(dir, { mode: 0o700 });
        await chown(dir, MAIL_UID, MAIL_GID);
      }
    }
    await writeFile(
      path.join(this.root, 'users'),
      this.users
        .map(
          (u) => `${u.user}:{PLAIN}${u.password}:${MAIL_UID}:${MAIL_GID}::${this.home(u.user)}::\n`,
        )
        .join(''),
      { mode: 0o644 },
    );
    await this.writeConf();
  }

  async start(): Promise<void> {
    if (this.removed) throw new Error(`Dovecot data in ${this.root} was removed by stop()`);
    if (this.child) return;
    await this.launch();
  }

  /** The first start may pick new ports: another process can take one we chose but did not hold. */
  async firstStart(): Promise<void> {
    trackServer(this);
    await launchOnFreePorts({
      launch: () => this.launch(),
      logTail: (n) => this.logTail(n),
      // A port the caller chose cannot be moved.
      movable: (log) =>
        !(this.fixedPort && new RegExp(`\\b${this.ports.imap}\\b.*already in use`, 'i').test(log)),
      repick: async () => {
        if (!this.fixedPort) this.ports.imap = await freePort();
        if (this.ports.lmtp !== undefined) this.ports.lmtp = await freePort();
        if (this.ports.auth !== undefined) this.ports.auth = await freePort();
        await this.writeConf();
      },
    });
  }

  private async launch(): Promise<void> {
    const errFd = openSync(path.join(this.root, 'dovecot.stderr'), 'w');
    let child: ChildProcess;
    try {
      // detached: its own process group, so one kill(-pid) reaches every child it forks.
      child = spawn('dovecot', ['-F', '-c', this.confPath], {
        detached: true,
        stdio: ['ignore', errFd, errFd],
      });
    } finally {
      closeSync(errFd);
    }
    let exited = false;
    let spawnError: Error | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        exited = true;
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once('error', (err) => {
        exited = true;
        spawnError = err;
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    const pid = child.pid;
    if (pid === undefined) {
      await this.exited;
      throw new Error(
        `could not run dovecot (is dovecot-imapd installed?): ${spawnError?.message}`,
      );
    }
    // A forgotten server must not hold the test process open; the exit hook kills it.
    child.unref();
    this.child = child;
    spawnWatchdog(pid, this.root);

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await greets(this.port))) {
      if (exited || Date.now() > deadline) {
        // Not waiting for the port here: it may belong to someone else.
        child.ref();
        this.killSync(false);
        await this.exited;
        throw new Error(
          `dovecot did not start on 127.0.0.1:${this.port}${exited ? ' (it exited)' : ''}\n${this.logTail(30)}`,
        );
      }
      await sleep(25);
    }
  }

  /** Waits until the master is reaped, its group is gone and the port can be bound again. */
  private async waitDown(pid: number): Promise<void> {
    await this.exited;
    await waitDown(pid, [this.ports.imap, this.ports.lmtp, this.ports.auth], STOP_TIMEOUT_MS);
  }

  async kill(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    // The child is unref'd so a forgotten server cannot hold the test process open; while we
    // wait for it to go, it must hold the event loop or a plain script would exit mid-await.
    this.child?.ref();
    signalGroup(pid, 'SIGKILL');
    await this.waitDown(pid);
  }

  /** SIGKILLs the process group without waiting; for the 'exit' hook and failed starts. */
  killSync(removeData: boolean): void {
    killGroupSync(this.child?.pid, this.root, removeData);
  }

  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined) {
      const pid = child.pid;
      child.ref();
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS)),
        ),
      ]);
      clearTimeout(timer);
      // The master kills its children on shutdown; anything left over goes now.
      if (groupAlive(pid) || !graceful) signalGroup(pid, 'SIGKILL');
      await this.waitDown(pid);
    }
    if (!opts.keepData && !keepDirs() && !this.removed) {
      this.removed = true;
      untrackServer(this);
      await rm(this.root, { recursive: true, force: true });
    }
  }

  logTail(lines = 40): string {
    const log = tailOf(path.join(this.root, 'dovecot.log'), lines);
    const err = tailOf(path.join(this.root, 'dovecot.stderr'), 10).trim();
    return err ? `${log}\n[stderr]\n${err}` : log;
  }

  doveadm(...args: string[]): Promise<string> {
    // No time limit: a force-resync after loading a large corpus may take a while.
    return run('doveadm', ['-c', this.confPath, ...args], {
      timeoutMs: 0,
      maxBuffer: 256 * 1024 * 1024,
    });
  }

  async folderExists(folder: string): Promise<boolean> {
    const out = await this.doveadm('mailbox', 'list', '-u', this.user);
    return out.split('\n').some((name) => name === folder);
  }

  async createFolders(folders: string[], user = this.user): Promise<void> {
    const existing = new Set((await this.doveadm('mailbox', 'list', '-u', user)).split('\n'));
    const missing = folders.filter((f) => !existing.has(f) && f.toUpperCase() !== 'INBOX');
    if (missing.length > 0) await this.doveadm('mailbox', 'create', '-u', user, '-s', ...missing);
  }

  loadMaildir(folder: string, messages: MaildirMessage[]): Promise<void> {
    return this.loadMaildirAs(this.user, folder, messages);
  }

  async loadMaildirAs(user: string, folder: string, messages: MaildirMessage[]): Promise<void> {
    await this.createFolders([folder], user);
    // Dovecot knows where a folder lives (mUTF-7 names, layout): ask rather than guess.
    const dir = (await this.doveadm('mailbox', 'path', '-u', user, folder)).trim();
    if (!dir) throw new Error(`doveadm gave no path for ${folder}`);
    await ensureMaildir(this.userMaildir(user), dir);
    await writeMaildir(dir, messages);
    await this.doveadm('force-resync', '-u', user, folder);
  }

  append(folder: string, raw: Buffer, flags?: string[], internalDate?: Date): Promise<number> {
    return this.appendAs(this.user, folder, raw, flags, internalDate);
  }

  async appendAs(
    user: string,
    folder: string,
    raw: Buffer,
    flags: string[] = [],
    internalDate?: Date,
  ): Promise<number> {
    const entry = this.users.find((u) => u.user === user);
    if (!entry) throw new Error(`${user} is not a user of this Dovecot`);
    const client = new ImapFlow({
      host: this.host,
      port: this.port,
      secure: false,
      auth: { user: entry.user, pass: entry.password },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const res = await client.append(folder, raw, flags, internalDate);
      if (!res || res.uid === undefined) throw new Error(`APPEND to ${folder} returned no UID`);
      return res.uid;
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
}

export async function startDovecot(opts: StartDovecotOptions = {}): Promise<DovecotServer> {
  const users = [
    {
      user: opts.user ?? 'maildock',
      password: opts.password ?? 'maildock-test-password',
    },
    ...(opts.users ?? []),
  ];
  for (const { user, password } of users) {
    if (/[:\n]/.test(user) || /[:\n]/.test(password))
      throw new Error('user and password may not contain ":" or newlines');
    // The name is also the home folder's name.
    if (user.includes('/') || user === '.' || user === '..' || user === '')
      throw new Error(`${JSON.stringify(user)} cannot be a user name here`);
  }
  if (new Set(users.map((u) => u.user)).size !== users.length)
    throw new Error('user names must be distinct');
  const withAuth = Boolean(opts.lmtp || opts.authListener);
  const root = await tempRoot('maildock-dovecot-');
  const server = new Dovecot({
    root,
    ports: {
      imap: opts.port ?? (await freePort()),
      lmtp: opts.lmtp ? await freePort() : undefined,
      auth: withAuth ? await freePort() : undefined,
    },
    users,
    fixedPort: opts.port !== undefined,
    imapCapability: opts.imapCapability,
    separator: opts.separator ?? '/',
    prefix: opts.namespacePrefix ?? '',
    oauth2: opts.oauth2,
  });
  try {
    await server.prepare();
    await server.firstStart();
    await server.createFolders(opts.folders ?? []);
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
  return server;
}
