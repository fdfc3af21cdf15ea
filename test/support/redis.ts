// A private Redis for tests, as postgres.ts is for Postgres: Debian's redis-server on a
// loopback port nobody else uses, nothing saved to disk, its folder and log under one temp
// folder. It runs in a process group of its own; a watchdog and an exit hook make sure it
// does not outlive the test process.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  freePort,
  groupAlive,
  keepDirs,
  killGroupSync,
  launchOnFreePorts,
  signalGroup,
  spawnWatchdog,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
  waitFor,
} from './processes.js';

export interface RedisServer {
  host: '127.0.0.1';
  port: number;
  /** redis://127.0.0.1:port */
  url: string;
  /** temp folder holding the working folder and the log */
  root: string;
  /** Shuts the server down and removes `root` unless MAILDOCK_KEEP_TEST_DIRS is set. */
  stop(): Promise<void>;
  /** Last lines of the server's log, for failing-test diagnostics. */
  logTail(lines?: number): string;
}

const BIN = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * The pid of the Redis answering on the port (from INFO), or undefined when none answers: a
 * Redis another test started on a port we chose must not pass for ours.
 */
export function redisPid(port: number, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid: number | undefined) => {
      sock.destroy();
      resolve(pid);
    };
    sock.setTimeout(timeoutMs, () => done(undefined));
    sock.once('error', () => done(undefined));
    sock.once('connect', () => sock.write('INFO server\r\n'));
    sock.on('data', (d) => {
      reply += d.toString('latin1');
      const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (match) done(Number(match[1]));
      else if (reply.startsWith('-')) done(undefined);
    });
  });
}

class Redis implements RedisServer {
  readonly host = '127.0.0.1' as const;
  pid: number | undefined;
  private removed = false;

  constructor(
    readonly root: string,
    public port: number,
  ) {}

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  private get logFile(): string {
    return path.join(this.root, 'redis.log');
  }

  async launch(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.root,
      '--logfile',
      this.logFile,
      '--daemonize',
      'no',
    ];
    const child = spawn(BIN, args, { detached: true, stdio: 'ignore' });
    child.unref();
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (err) =>
        reject(new Error(`${BIN} did not run (is the redis-server package installed?): ${err}`)),
      );
    });
    this.pid = pid;
    spawnWatchdog(pid, this.root);
    const ready = await waitFor(
      async () => !groupAlive(pid) || (await redisPid(this.port)) === pid,
      START_TIMEOUT_MS,
    );
    if (ready && groupAlive(pid)) return;
    signalGroup(pid, 'SIGKILL');
    this.pid = undefined;
    await waitDown(pid, [], STOP_TIMEOUT_MS);
    throw new Error(`redis did not start on 127.0.0.1:${this.port}\n${this.logTail(20)}`);
  }

  killSync(removeDir: boolean): void {
    killGroupSync(this.pid, this.root, removeDir);
  }

  async stop(): Promise<void> {
    const pid = this.pid;
    if (pid !== undefined) {
      signalGroup(pid, 'SIGTERM');
      await waitDown(pid, [], STOP_TIMEOUT_MS);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      this.pid = undefined;
      await waitDown(pid, [this.port], STOP_TIMEOUT_MS);
    }
    if (!keepDirs() && !this.removed) {
      this.removed = true;
      untrackServer(this);
      await rm(this.root, { recursive: true, force: true });
    }
  }

  logTail(lines = 40): string {
    return tailOf(this.logFile, lines);
  }
}

/** Starts a private Redis on a free loopback port; resolves once it answers as itself. */
export async function startRedis(): Promise<RedisServer> {
  const root = await tempRoot('maildock-redis-');
  const server = new Redis(root, await freePort());
  trackServer(server);
  try {
    await launchOnFreePorts({
      launch: () => server.launch(),
      logTail: (n) => server.logTail(n),
      movable: () => true,
      repick: async () => {
        server.port = await freePort();
      },
    });
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
  return server;
}
