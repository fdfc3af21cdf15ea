// A private Redis for tests, until test/support/redis.ts lands: Debian's redis-server on a
// loopback port nobody else uses, no persistence, its folder under a temp folder. Like the
// other servers here, a watchdog and the exit hook make sure it never outlives the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  freePort,
  killGroupSync,
  keepDirs,
  launchOnFreePorts,
  portAnswers,
  signalGroup,
  sleep,
  spawnWatchdog,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
} from './processes.js';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:port/0 */
  url: string;
  root: string;
  /** SIGKILL; the port is free again when it resolves. */
  kill(): Promise<void>;
  /** (Re)start on the same port, empty. */
  start(): Promise<void>;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

const START_TIMEOUT_MS = 10_000;

class PrivateRedis implements RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    public port: number,
    readonly root: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  private get logFile(): string {
    return path.join(this.root, 'redis.log');
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      '/usr/bin/redis-server',
      [
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
      ],
      { detached: true, stdio: 'ignore' },
    );
    let exited = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        exited = true;
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once('error', () => {
        exited = true;
        resolve();
      });
    });
    if (child.pid === undefined) {
      await this.exited;
      throw new Error('could not run /usr/bin/redis-server (is redis-server installed?)');
    }
    child.unref();
    this.child = child;
    spawnWatchdog(child.pid, this.root);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await portAnswers(this.port))) {
      if (exited || Date.now() > deadline) {
        this.killSync(false);
        await this.exited;
        throw new Error(`redis did not start on 127.0.0.1:${this.port}\n${this.logTail(20)}`);
      }
      await sleep(20);
    }
  }

  async kill(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    this.child?.ref();
    signalGroup(pid, 'SIGKILL');
    await this.exited;
    await waitDown(pid, [this.port], 10_000);
  }

  killSync(removeDir: boolean): void {
    killGroupSync(this.child?.pid, this.root, removeDir);
  }

  async stop(): Promise<void> {
    await this.kill();
    untrackServer(this);
    if (!keepDirs()) await rm(this.root, { recursive: true, force: true });
  }

  logTail(lines = 40): string {
    return tailOf(this.logFile, lines);
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const server = new PrivateRedis(await freePort(), await tempRoot('maildock-redis-'));
  trackServer(server);
  await launchOnFreePorts({
    launch: () => server.start(),
    logTail: (n) => server.logTail(n),
    movable: () => true,
    repick: async () => {
      server.port = await freePort();
    },
  });
  return server;
}
