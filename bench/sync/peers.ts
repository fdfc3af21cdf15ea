// mbsync and notmuch on the same corpus, set up per ../shared/BENCH-NOTES.md: mbsync with
// its default FSync (yes) or with FSync no, plain loopback LOGIN; notmuch with its own config,
// ignoring mbsync's state files, its per-process start-up measured with a query that matches
// nothing.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ms, summarize } from './stats.js';

export function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; stdout: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${cmd} failed: ${stderr || err.message}`))
        : resolve({ ms: ms(t0), stdout }),
    ),
  );
}

/** One peer run: its wall time, and where GNU time is at hand its CPU and peak RSS. */
export interface PeerRun {
  ms: number;
  /** user + system CPU of the process (ms) */
  cpuMs?: number;
  maxRssMb?: number;
}

const TIME = '/usr/bin/time';

/** Runs `cmd` under GNU time when it is installed, for the CPU and peak RSS it reports. */
async function timed(cmd: string, args: string[], dir: string): Promise<PeerRun> {
  if (!existsSync(TIME)) return { ms: (await run(cmd, args)).ms };
  const out = path.join(dir, 'time.out');
  const { ms } = await run(TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args]);
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  return { ms, cpuMs: (user! + sys!) * 1000, maxRssMb: rssKb! / 1024 };
}

export class Mbsync {
  readonly conf: string;
  readonly maildir: string;
  private readonly dir: string;

  /** `fsync`: mbsync's FSync setting; yes is its default, and syncs every message it writes. */
  constructor(
    dir: string,
    imap: { port: number; user: string; password: string },
    readonly fsync = true,
  ) {
    this.dir = dir;
    this.maildir = path.join(dir, 'mail');
    mkdirSync(this.maildir, { recursive: true });
    this.conf = path.join(dir, 'mbsyncrc');
    writeFileSync(
      this.conf,
      `FSync ${fsync ? 'yes' : 'no'}

IMAPAccount bench
Host 127.0.0.1
Port ${imap.port}
User ${imap.user}
Pass ${imap.password}
SSLType None
AuthMechs LOGIN

IMAPStore far
Account bench

MaildirStore near
Path ${this.maildir}/
Inbox ${this.maildir}/INBOX
SubFolders Verbatim

Channel bench
Far :far:
Near :near:
Patterns *
Create Near
SyncState *
`,
      { mode: 0o600 },
    );
  }

  async sync(): Promise<PeerRun> {
    // mbsync sleeps 1 s when its Maildir's mtime is in the current second (BENCH-NOTES).
    await new Promise((r) => setTimeout(r, 1100));
    return timed('mbsync', ['-q', '-c', this.conf, '-a'], this.dir);
  }
}

export class Notmuch {
  private readonly env: NodeJS.ProcessEnv;

  constructor(dir: string, maildir: string) {
    const conf = path.join(dir, 'notmuch-config');
    writeFileSync(
      conf,
      `[database]\npath=${maildir}\n[user]\nname=Bench\nprimary_email=bench@maildock.test\n[new]\ntags=unread;inbox;\nignore=.mbsyncstate;.uidvalidity;.mbsyncstate.journal;.mbsyncstate.new;.mbsyncstate.lock\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=true\n`,
    );
    this.env = { ...process.env, NOTMUCH_CONFIG: conf };
  }

  async index(): Promise<number> {
    return (await run('notmuch', ['new', '--quiet'], this.env)).ms;
  }

  /** p50/p95 of a whole `notmuch search` process, and its hit count. */
  async search(query: string, runs: number): Promise<{ p50: number; p95: number; hits: number }> {
    const samples: number[] = [];
    let hits = 0;
    for (let i = 0; i < runs; i++) {
      const r = await run(
        'notmuch',
        ['search', '--output=messages', '--sort=newest-first', '--limit=50', query],
        this.env,
      );
      samples.push(r.ms);
      hits = r.stdout.split('\n').filter(Boolean).length;
    }
    return { ...summarize(samples.slice(2)), hits };
  }
}
