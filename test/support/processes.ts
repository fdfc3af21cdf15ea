// Process and port helpers for the private servers the tests start from the distribution's
// packages (Dovecot, Postfix, Postgres) and for the test stack: loopback ports nobody else
// uses, temp folders, commands, waiting for a port, and making sure that no server outlives
// the test process, nor its temp folder.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** MAILDOCK_KEEP_TEST_DIRS=1 keeps each server's temp folder for a look after the run. */
export const keepDirs = (): boolean => Boolean(process.env.MAILDOCK_KEEP_TEST_DIRS);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the exit hook needs of a server: kill it at once, and maybe remove its folder. */
export interface KillableServer {
  killSync(removeDir: boolean): void;
}

/** Servers whose temp dir still exists, running or not. */
const live = new Set<KillableServer>();
let exitHookInstalled = false;

export function trackServer(server: KillableServer): void {
  live.add(server);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const s of live) s.killSync(!keepDirs());
  });
}

export function untrackServer(server: KillableServer): void {
  live.delete(server);
}

/**
 * The 'exit' hook does not run when the test process is SIGKILLed or dies on a signal, so a
 * detached shell watches the parent and kills the server's process group if the parent goes.
 * It leaves on its own as soon as the master exits (stop/kill), without touching the data.
 */
export function spawnWatchdog(masterPid: number, root: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do',
    '  kill -0 "$2" 2>/dev/null || exit 0',
    '  sleep 1',
    'done',
    'kill -s KILL -- "-$2" 2>/dev/null',
    '[ -n "$3" ] && rm -rf -- "$3"',
    'exit 0',
  ].join('\n');
  const args = [
    '-c',
    script,
    'watchdog',
    String(process.pid),
    String(masterPid),
    keepDirs() ? '' : root,
  ];
  spawn('/bin/sh', args, { detached: true, stdio: 'ignore' }).unref();
}

/**
 * A fresh folder under the system's temp folder for one server. mkdtemp makes it 0700; it is
 * opened to 0755 because the servers drop to their own users (dovecot, postfix, postgres),
 * who must traverse it to reach their files.
 */
export async function tempRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(root, 0o755);
  return root;
}

/** Polls `check` until it holds or `ms` have passed; resolves to its last answer. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return check();
}

/**
 * Runs module code in a Node process of its own (through tsx, so it may import the support
 * files) and resolves once it prints a line of JSON: a test can then end that process by any
 * means and look for what it left behind.
 */
export function nodeChild<T>(
  code: string,
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; printed: T }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code, '--', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MAILDOCK_KEEP_TEST_DIRS: '' },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const line = /^\{.*\}$/m.exec(out);
      if (line) resolve({ child, printed: JSON.parse(line[0]) as T });
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before printing what it started: ${out}`)),
    );
  });
}

/** Ports this process has handed out: the kernel may give a closed one back at once. */
const handedOut = new Set<number>();

/**
 * A loopback port free now and not handed out before in this process: two listeners of one
 * server (IMAP and LMTP, say) never get the same one.
 */
/**
 * Starts a server on ports chosen but not held, which another process may take first: when
 * its log says "address already in use" and the port may move, `repick` chooses new ports
 * and it tries again, three times at most.
 */
export async function launchOnFreePorts(server: {
  launch(): Promise<void>;
  logTail(lines: number): string;
  /** Whether the taken port may be changed (a port the caller chose may not). */
  movable(log: string): boolean;
  repick(): Promise<void>;
}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.launch();
      return;
    } catch (err) {
      const log = server.logTail(20);
      const portTaken = /address already in use/i.test(log);
      if (!portTaken || !server.movable(log) || attempt >= 3) throw err;
      await server.repick();
    }
  }
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Whether something accepts a TCP connection on host:port (closed again at once). */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

/**
 * Resolves true once something on the port greets with a line starting with `greeting`
 * (`* OK` for IMAP, `220 ` for SMTP); `bye` is sent first when it does, for a clean log.
 */
export function greets(
  port: number,
  greeting = '* OK',
  opts: { timeoutMs?: number; bye?: string } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(opts.timeoutMs ?? 2000, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\n')) return;
      const ok = buf.startsWith(greeting);
      if (ok && opts.bye) sock.end(opts.bye);
      done(ok);
    });
    sock.once('end', () => done(false));
  });
}

/**
 * Whether any process of the group still runs. Zombies do not count: orphaned children are
 * reaped by PID 1, which in some sandboxes takes over a second, and a zombie holds no port.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Sends a signal to every process of the group; false when none was left to get it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no process of the group runs and every port can be bound again, or the time is
 * up: a server that is down must not hold a port the next test may be handed.
 */
export async function waitDown(
  pgid: number,
  ports: readonly (number | undefined)[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(20);
  for (const port of ports) {
    if (port === undefined) continue;
    while (!(await portIsFree(port)) && Date.now() < deadline) await sleep(20);
  }
}

/** SIGKILLs the group without waiting and maybe removes the folder: for exit hooks. */
export function killGroupSync(pgid: number | undefined, root: string, removeDir: boolean): void {
  if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
  if (removeDir) rmSync(root, { recursive: true, force: true });
}

export function tailOf(file: string, lines: number): string {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    return all.slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

export interface RunOptions {
  /** 0 waits as long as the command runs; 30 s unless told. */
  timeoutMs?: number;
  maxBuffer?: number;
  /** Run as this user (only root may); see systemUser(). */
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command and resolves to its stdout; rejects with its stderr (or stdout) on failure. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
        ...(opts.env ? { env: opts.env } : {}),
      },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || stdout || err.message}`),
          );
        else resolve(stdout);
      },
    );
  });
}

/** A system user's ids from /etc/passwd; `pkg` names the Debian package that creates it. */
export function systemUser(name: string, pkg: string): { uid: number; gid: number } {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // handled below
  }
  const fields = passwd
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
    ?.split(':');
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!fields || !Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error(`no ${name} user: is the ${pkg} package installed?`);
  return { uid, gid };
}
