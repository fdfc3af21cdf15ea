// A private Postfix for integration tests: its own config, queue, data and log under one temp
// folder, one smtpd on a loopback port, and mail for the test domain delivered by LMTP into a
// private Dovecot (test/support/dovecot.ts), which also checks SMTP AUTH passwords. Nothing
// ever leaves the machine: every other domain is refused at RCPT (relaying needs AUTH, and
// even then the only transport outward is `error:`), and no DNS lookup is made. While its
// Dovecot is down, Postfix may drop sessions: a new smtpd process cannot start without SASL.
//
// Postfix daemonizes (`postfix -c DIR start`): its master is no child of ours, so a watchdog and
// an exit hook make sure none outlives the test process.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DovecotServer } from './dovecot.js';
import { mainCf, masterCf, registerConfigDir, ROOT_PREFIX } from './postfix-conf.js';
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
  systemUser,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
  launchOnFreePorts,
} from './processes.js';

export interface PostfixServer {
  host: '127.0.0.1';
  /** the smtpd: AUTH PLAIN/LOGIN (checked by Dovecot), STARTTLS with `tls` */
  port: number;
  /** mail for this domain goes to the Dovecot user named by the local part */
  domain: string;
  /** temp folder holding config, queue, data, log (and the TLS certificate) */
  root: string;
  configDir: string;
  /** With `tls`: the self-signed certificate (PEM) a client must trust for STARTTLS. */
  caFile: string | undefined;
  /** The name in the certificate and the greeting. */
  hostname: string;
  /** Stops Postfix; the queue, config and log stay for startService(). */
  stopService(): Promise<void>;
  /** (Re)starts on the same port with the same queue; resolves once the port greets. */
  startService(): Promise<void>;
  /** Stops Postfix and removes `root` (unless keepData or MAILDOCK_KEEP_TEST_DIRS is set). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** Starts again on the same port: after stop() with a fresh setup (empty queue), else as startService(). */
  start(): Promise<void>;
  /** `postqueue -f`: retry every deferred message now. */
  flush(): Promise<void>;
  /** The messages in the queue (`postqueue -j`). */
  queue(): Promise<QueuedMessage[]>;
  /** Flushes and waits until the queue is empty; rejects with the queue and the log if not. */
  waitForEmptyQueue(timeoutMs?: number): Promise<void>;
  /** Last lines of the maillog (and of the start command's output), for diagnostics. */
  logTail(lines?: number): string;
}

export interface QueuedMessage {
  /** incoming, active, deferred, hold or maildrop */
  queueName: string;
  queueId: string;
  sender: string;
  recipients: { address: string; delayReason?: string }[];
}

export interface StartPostfixOptions {
  /** started with `lmtp: true`; its users are the domain's mailboxes */
  dovecot: DovecotServer;
  domain?: string;
  /** Offer STARTTLS with a self-signed certificate (see `caFile`). */
  tls?: boolean;
  port?: number;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

interface PostfixSetup {
  root: string;
  port: number;
  fixedPort: boolean;
  domain: string;
  tls: boolean;
  dovecot: DovecotServer;
}

class Postfix implements PostfixServer {
  readonly host = '127.0.0.1' as const;
  readonly root: string;
  readonly configDir: string;
  readonly domain: string;
  readonly hostname: string;
  readonly caFile: string | undefined;
  port: number;
  private readonly fixedPort: boolean;
  private readonly tls: boolean;
  private readonly dovecot: DovecotServer;
  /** The running master's pid (also its process group). */
  private masterPid: number | undefined;
  private removed = false;

  constructor(setup: PostfixSetup) {
    this.root = setup.root;
    this.port = setup.port;
    this.fixedPort = setup.fixedPort;
    this.domain = setup.domain;
    this.tls = setup.tls;
    this.dovecot = setup.dovecot;
    this.configDir = path.join(this.root, 'etc');
    this.hostname = `localhost.${this.domain}`;
    this.caFile = this.tls ? path.join(this.root, 'tls', 'cert.pem') : undefined;
  }

  private get logFile(): string {
    return path.join(this.root, 'log', 'maillog');
  }

  private get outFile(): string {
    return path.join(this.root, 'postfix.out');
  }

  async prepare(): Promise<void> {
    const { lmtpPort, authPort } = this.dovecot;
    if (lmtpPort === undefined || authPort === undefined)
      throw new Error('startPostfix needs a Dovecot started with { lmtp: true }');
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    // The folder is made again after stop(); the postfix user must reach its data and queue
    // folders whatever the umask.
    await chmod(this.root, 0o755);
    for (const dir of ['etc', 'queue', 'data', 'log'])
      await mkdir(path.join(this.root, dir), { recursive: true, mode: 0o755 });
    const postfix = systemUser('postfix', 'postfix');
    await chown(path.join(this.root, 'data'), postfix.uid, postfix.gid);
    await writeFile(
      path.join(this.configDir, 'main.cf'),
      mainCf({
        root: this.root,
        domain: this.domain,
        hostname: this.hostname,
        lmtpPort,
        authPort,
        tls: this.tls,
      }),
      { mode: 0o644 },
    );
    await this.writeMasterCf();
    await writeFile(
      path.join(this.configDir, 'mailboxes'),
      this.dovecot.users.map((u) => `${u.user}@${this.domain} ${u.user}\n`).join(''),
      { mode: 0o644 },
    );
    if (this.tls) await this.makeCertificate();
    await registerConfigDir('add', this.configDir);
    // No `postfix set-permissions`: for a fresh queue folder the `post-install create-missing`
    // that `postfix start` runs creates the same folders with the same owners, while
    // set-permissions spends seconds re-owning every file of the package, for each instance.
    this.removed = false;
  }

  private writeMasterCf(): Promise<void> {
    return writeFile(path.join(this.configDir, 'master.cf'), masterCf(this.port, this.tls), {
      mode: 0o644,
    });
  }

  private async makeCertificate(): Promise<void> {
    const dir = path.join(this.root, 'tls');
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${this.hostname}`,
      '-addext',
      `subjectAltName=DNS:${this.hostname},IP:127.0.0.1`,
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    await chmod(path.join(dir, 'key.pem'), 0o600);
    await chmod(path.join(dir, 'cert.pem'), 0o644);
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
        await this.writeMasterCf();
      },
    });
  }

  async startService(): Promise<void> {
    if (this.removed) throw new Error(`Postfix data in ${this.root} was removed by stop()`);
    if (this.masterPid !== undefined && groupAlive(this.masterPid)) return;
    await this.launch();
  }

  async start(): Promise<void> {
    if (this.removed) {
      trackServer(this);
      await this.prepare();
    }
    await this.startService();
  }

  private async launch(): Promise<void> {
    // A pid left by an earlier run may belong to another process by now.
    rmSync(this.pidFile, { force: true });
    const outFd = openSync(this.outFile, 'w');
    let code: number | null;
    try {
      // The master detaches from `postfix start` but keeps its output: a pipe would never
      // close, so the output goes to a file and we wait for the command's exit only.
      const child = spawn('postfix', ['-c', this.configDir, 'start'], {
        stdio: ['ignore', outFd, outFd],
      });
      code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.once('error', () => resolve(-1));
      });
    } finally {
      closeSync(outFd);
    }
    const pid = this.readMasterPid();
    if (code !== 0 || pid === undefined) {
      if (pid !== undefined) await this.terminate(pid);
      throw new Error(
        `postfix did not start on 127.0.0.1:${this.port} (exit ${code}; is postfix installed?)\n${this.logTail(30)}`,
      );
    }
    this.masterPid = pid;
    spawnWatchdog(pid, this.root);

    const deadline = Date.now() + START_TIMEOUT_MS;
    // A polite goodbye keeps smtpd from logging a lost connection.
    while (!(await greets(this.port, '220 ', { timeoutMs: 5000, bye: 'QUIT\r\n' }))) {
      if (!groupAlive(pid) || Date.now() > deadline) {
        await this.terminate(pid);
        throw new Error(
          `postfix on 127.0.0.1:${this.port} does not greet (is its Dovecot running? smtpd needs it for SASL)\n${this.logTail(30)}`,
        );
      }
      await sleep(25);
    }
  }

  private get pidFile(): string {
    return path.join(this.root, 'queue', 'pid', 'master.pid');
  }

  private readMasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(this.pidFile, 'latin1'));
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM to the master (it takes its children along), SIGKILL to whatever is left. */
  private async terminate(pid: number): Promise<void> {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitDown(pid, [], STOP_TIMEOUT_MS);
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    if (this.masterPid === pid) this.masterPid = undefined;
    await waitDown(pid, [this.port], STOP_TIMEOUT_MS);
  }

  async stopService(): Promise<void> {
    if (this.masterPid !== undefined) await this.terminate(this.masterPid);
  }

  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    await this.stopService();
    if (!opts.keepData && !keepDirs() && !this.removed) {
      this.removed = true;
      untrackServer(this);
      await rm(this.root, { recursive: true, force: true });
      await registerConfigDir('remove', this.configDir).catch(() => undefined);
    }
  }

  /** SIGKILLs the master's group without waiting; for the 'exit' hook. */
  killSync(removeData: boolean): void {
    killGroupSync(this.masterPid, this.root, removeData);
  }

  async flush(): Promise<void> {
    await run('postqueue', ['-c', this.configDir, '-f']);
  }

  async queue(): Promise<QueuedMessage[]> {
    const out = await run('postqueue', ['-c', this.configDir, '-j']);
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const j = JSON.parse(line) as {
          queue_name: string;
          queue_id: string;
          sender: string;
          recipients?: { address: string; delay_reason?: string }[];
        };
        return {
          queueName: j.queue_name,
          queueId: j.queue_id,
          sender: j.sender,
          recipients: (j.recipients ?? []).map((r) => ({
            address: r.address,
            ...(r.delay_reason !== undefined ? { delayReason: r.delay_reason } : {}),
          })),
        };
      });
  }

  async waitForEmptyQueue(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let flushedAt = 0;
    for (;;) {
      const queued = await this.queue();
      if (queued.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`Postfix queue still holds ${JSON.stringify(queued)}\n${this.logTail(20)}`);
      if (Date.now() - flushedAt > 1000) {
        flushedAt = Date.now();
        await this.flush();
      }
      await sleep(100);
    }
  }

  logTail(lines = 40): string {
    const log = tailOf(this.logFile, lines);
    const out = existsSync(this.outFile) ? tailOf(this.outFile, 10).trim() : '';
    return out ? `${log}\n[postfix start]\n${out}` : log;
  }
}

/**
 * Starts a private Postfix for `dovecot` (which must run with `lmtp: true`): mail to
 * USER@domain for each Dovecot user is delivered into that user's INBOX; clients log in with
 * the Dovecot users' passwords.
 */
export async function startPostfix(opts: StartPostfixOptions): Promise<PostfixServer> {
  const domain = opts.domain ?? 'maildock.test';
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw new Error(`unusable domain ${domain}`);
  const root = await tempRoot(ROOT_PREFIX);
  const server = new Postfix({
    root,
    port: opts.port ?? (await freePort()),
    fixedPort: opts.port !== undefined,
    domain,
    tls: Boolean(opts.tls),
    dovecot: opts.dovecot,
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
