// What the UI benchmark stands on: a private Dovecot holding the user's mailbox and a second
// user's (for a sync to run during the API figures), a Maildock data directory synced once
// by bench/sync's child, and Maildock's web server in a process of its own.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generateCorpus } from '../corpus.js';
import { startDovecot, type DovecotServer } from '../../test/support/dovecot.js';
import { loadMessages } from '../../test/support/maildir.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const SYNC_CHILD = path.join(ROOT, 'dist/bench/sync/maildock-child.js');
const SERVER_CHILD = path.join(ROOT, 'dist/bench/ui/server-child.js');
export const FOLDERS = ['INBOX', 'Archive', 'Sent'];
export const SECOND_USER = { user: 'second', password: 'second-password' };

export interface Imap {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const imapOf = (d: DovecotServer, u: { user: string; password: string }): Imap => ({
  host: d.host,
  port: d.port,
  user: u.user,
  password: u.password,
});

/** The user's N messages over three folders; the second user's M in INBOX, another seed. */
export async function startMailServer(n: number, m: number, seed: number): Promise<DovecotServer> {
  const dovecot = await startDovecot({
    user: 'bench',
    password: 'bench-password',
    users: [SECOND_USER],
  });
  try {
    await loadMessages(dovecot, generateCorpus({ count: n, seed, folders: FOLDERS }));
    const second = dovecot.forUser(SECOND_USER.user);
    await loadMessages(second, generateCorpus({ count: m, seed: seed + 1, folders: ['INBOX'] }));
    // Warm: the sync during the API figures should cost Maildock, not Dovecot's first parse.
    for (const u of [dovecot.user, SECOND_USER.user]) await dovecot.doveadm('index', '-u', u, '*');
    return dovecot;
  } catch (err) {
    await dovecot.stop();
    throw err;
  }
}

/** Headers and bodies of every message into a fresh data directory, through the service. */
export function fullSync(
  dataDir: string,
  secretKey: string,
  imap: Imap,
): Promise<Record<string, unknown>> {
  const job = { phase: 'full', dataDir, secretKey, imap };
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [SYNC_CHILD, JSON.stringify(job)],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(stderr || err.message))
          : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)),
    ),
  );
}

export interface EventLoopDelay {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ServerChild {
  base: string;
  /** Each sync phase as it began, by the server's clock (epoch ms). */
  phases: { phase: string; accountId: number; at: number }[];
  /** The server's event-loop delay since the last call. */
  stats(): Promise<EventLoopDelay>;
  profileStart(): void;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

export function startServer(job: {
  dataDir: string;
  secretKey: string;
  token: string;
  staticDir: string;
}): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, [SERVER_CHILD, JSON.stringify(job)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waiting: ((line: Record<string, unknown>) => boolean)[] = [];
  const phases: ServerChild['phases'] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line.phase) phases.push(line as unknown as ServerChild['phases'][number]);
      const i = waiting.findIndex((w) => w(line));
      if (i >= 0) waiting.splice(i, 1);
      if (typeof line.port !== 'number') return;
      const send = (s: string) => child.stdin!.write(`${s}\n`);
      const next = <T>(key: string) =>
        new Promise<T>((done) =>
          waiting.push((l) => (key in l ? (done(l[key] as T), true) : false)),
        );
      resolve({
        base: `http://127.0.0.1:${line.port}`,
        phases,
        stats() {
          send('stats');
          return next<EventLoopDelay>('eventLoopDelay');
        },
        profileStart: () => send('profile-start'),
        async profileStop(file) {
          send(`profile-stop ${file}`);
          await next('profiled');
        },
        async stop() {
          child.stdin!.end();
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}
