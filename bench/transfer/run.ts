// npm run bench:transfer -- [--messages N] [--runs R] [--seed S] [--json]
// Import and export against a private Dovecot, side by side with Dovecot's own tools in the
// same run, on two shapes of mail from the bench corpus (small text messages; messages with
// attachments), N of each:
// - import: Maildock's mailbox.import from an mbox file and from a Maildir (APPEND over one
//   connection, keys written for resume, then the folder's headers synced into the store)
//   beside mbsync pushing a copy of the same Maildir into a new folder over IMAP (the peer: an
//   IMAP client appending; its default FSync yes, a fresh sync state each run) and
//   `doveadm import` of the same Maildir (Dovecot copying files itself, no IMAP: the ceiling);
// - export: Maildock's mailbox.export to an mbox file and to .eml files (UID FETCH BODY.PEEK[]
//   over one connection) beside `doveadm fetch text` of the same folder, piped into this
//   process (not to /dev/null, where Dovecot would use sendfile()).
// The server keeps mail_fsync = never for both sides. Prints messages/s and MB/s, median of R.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus, type CorpusMessage } from '../corpus.js';
import { have } from '../sync/peers.js';
import { startDovecot } from '../../test/support/dovecot.js';
import { MAIL_GID, MAIL_UID } from '../../test/support/maildir.js';
import { MaildockService } from '../../main/core/service.js';
import { fromLine, mboxBody } from '../../main/core/transfer/mbox-write.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '3000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20240601' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(args.messages);
const R = Number(args.runs);
const log = (s: string) => process.stderr.write(`${s}\n`);
const MB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** N messages of a shape, taken from a longer corpus. */
function shape(kind: 'text' | 'attachments'): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  for (const m of generateCorpus({ count: N * 8, seed: Number(args.seed) })) {
    const fits = kind === 'text' ? !m.hasAttachments && m.raw.length < 16_384 : m.hasAttachments;
    if (fits) out.push(m);
    if (out.length === N) return out;
  }
  throw new Error(`the corpus has fewer than ${N} messages of shape ${kind}`);
}

/** A Maildir as Dovecot names its files, owned by the mail user (doveadm reads it as that user). */
function writeMaildir(dir: string, messages: CorpusMessage[]): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  messages.forEach((m, i) => {
    const t = Math.floor(m.date.getTime() / 1000);
    const file = path.join(dir, 'cur', `${t}.M${i}P1.bench,S=${m.raw.length}:2,S`);
    writeFileSync(file, m.raw);
    utimesSync(file, m.date, m.date);
    chownSync(file, MAIL_UID, MAIL_GID);
  });
  for (const d of [dir, ...['cur', 'new', 'tmp'].map((s) => path.join(dir, s))])
    chownSync(d, MAIL_UID, MAIL_GID);
}

function writeMbox(file: string, messages: CorpusMessage[]): void {
  writeFileSync(
    file,
    Buffer.concat(
      messages.flatMap((m) => [Buffer.from(fromLine(m.raw, m.date), 'latin1'), ...mboxBody(m.raw)]),
    ),
  );
}

/** Runs a command, counting what it writes to its stdout; rejects on a failure. */
function piped(cmd: string, argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(bytes) : reject(new Error(`${cmd}: ${err}`)),
    );
  });
}

/**
 * mbsync pushing the Maildir `from` into the new IMAP folder `folder` (Far = the server,
 * Near = the Maildir, Sync Push, Create Far). It works on a copy (it renames the files it
 * pushes) with a sync state of its own, so every run starts afresh; the copy is not timed.
 */
async function mbsyncPush(
  dir: string,
  from: string,
  folder: string,
  imap: { port: number; user: string; password: string },
): Promise<number> {
  const maildir = path.join(dir, 'INBOX');
  cpSync(from, maildir, { recursive: true });
  mkdirSync(path.join(dir, 'state'));
  const conf = path.join(dir, 'mbsyncrc');
  writeFileSync(
    conf,
    `IMAPAccount bench
Host 127.0.0.1
Port ${imap.port}
User ${imap.user}
Pass ${imap.password}
SSLType None
AuthMechs LOGIN

IMAPStore far
Account bench

MaildirStore near
Path ${dir}/
Inbox ${maildir}

Channel push
Far :far:${folder}
Near :near:INBOX
Sync Push
Create Far
SyncState ${dir}/state/
`,
    { mode: 0o600 },
  );
  // mbsync sleeps 1 s when its Maildir's mtime is in the current second (BENCH-NOTES).
  await new Promise((r) => setTimeout(r, 1100));
  const { ms } = await timed(() => piped('mbsync', ['-q', '-c', conf, 'push']));
  return ms;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

interface Row {
  shape: string;
  what: string;
  tool: string;
  msgsPerSec: number;
  mbPerSec: number;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-transfer-'));
// Dovecot reads the source Maildir as the mail user: every folder above it must let it in.
chownSync(work, MAIL_UID, MAIL_GID);
const rows: Row[] = [];
const withMbsync = have('mbsync');
if (!withMbsync) log('mbsync is not installed: the import has no IMAP peer in this run');
const dovecot = await startDovecot({ user: 'bench', password: 'bench-password' });
const service = await MaildockService.open({
  dataDir: path.join(work, 'data'),
  secretKey: randomBytes(32).toString('base64'),
});
const call = async <T>(method: string, input: unknown): Promise<T> => {
  const r = await service.invoke(method as never, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};
try {
  const account = await call<{ id: number }>('account.add', {
    email: 'bench@maildock.test',
    imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  });
  for (const kind of ['text', 'attachments'] as const) {
    const messages = shape(kind);
    const bytes = messages.reduce((n, m) => n + m.raw.length, 0);
    log(
      `${kind}: ${N} messages, ${(bytes / MB).toFixed(1)} MB (mean ${Math.round(bytes / N / 1024)} KB)`,
    );
    const maildir = path.join(work, `${kind}-maildir`);
    const mbox = path.join(work, `${kind}.mbox`);
    writeMaildir(maildir, messages);
    writeMbox(mbox, messages);
    const result: Record<string, number[]> = {};
    const add = (name: string, ms: number) => (result[name] ??= []).push(ms);
    for (let run = 0; run < R; run++) {
      const folders = [`md-mbox-${kind}-${run}`, `md-maildir-${kind}-${run}`, `da-${kind}-${run}`];
      await dovecot.doveadm('mailbox', 'create', '-u', dovecot.user, ...folders.slice(0, 2));
      await call('sync.run', { accountId: account.id });
      const boxes = await call<{ id: number; path: string }[]>('mailbox.list', {
        accountId: account.id,
      });
      const idOf = (p: string) => boxes.find((b) => b.path === p)!.id;

      const fromMbox = await timed(() =>
        call('mailbox.import', { path: mbox, mailboxId: idOf(folders[0]!) }),
      );
      add('import: Maildock from mbox', fromMbox.ms);
      const fromMaildir = await timed(() =>
        call('mailbox.import', { path: maildir, mailboxId: idOf(folders[1]!) }),
      );
      add('import: Maildock from Maildir', fromMaildir.ms);
      const doveadm = await timed(() =>
        dovecot.doveadm(
          'import',
          '-u',
          dovecot.user,
          `maildir:${maildir}`,
          folders[2]!,
          'mailbox',
          'INBOX',
          'all',
        ),
      );
      add('import: doveadm import (Maildir)', doveadm.ms);
      if (withMbsync) {
        const mbFolder = `mb-${kind}-${run}`;
        const ms = await mbsyncPush(
          path.join(work, `mbsync-${kind}-${run}`),
          maildir,
          mbFolder,
          dovecot,
        );
        add('import: mbsync push (Maildir)', ms);
        const got = (
          await dovecot.doveadm('mailbox', 'status', '-u', dovecot.user, 'messages', mbFolder)
        ).trim();
        if (!got.endsWith(`messages=${N}`)) throw new Error(`mbsync gave ${got}`);
      }
      const peerFolder = `${folders[2]}/INBOX`;
      const count = (
        await dovecot.doveadm('mailbox', 'status', '-u', dovecot.user, 'messages', peerFolder)
      ).trim();
      if (!count.endsWith(`messages=${N}`)) throw new Error(`doveadm import gave ${count}`);
      // Warm for the exports: both sides then read what Dovecot has cached.
      await dovecot.doveadm('index', '-u', dovecot.user, folders[0]!);

      const out = path.join(work, `out-${kind}-${run}`);
      const toMbox = await timed(() =>
        call<{ messages: number }>('mailbox.export', {
          to: `${out}.mbox`,
          format: 'mbox',
          mailboxId: idOf(folders[0]!),
        }),
      );
      if (toMbox.value.messages !== N) throw new Error(`exported ${toMbox.value.messages}`);
      add('export: Maildock to mbox', toMbox.ms);
      const toEml = await timed(() =>
        call('mailbox.export', { to: out, format: 'eml', mailboxId: idOf(folders[0]!) }),
      );
      add('export: Maildock to .eml files', toEml.ms);
      const fetch = await timed(() =>
        piped('doveadm', [
          '-c',
          dovecot.confPath,
          'fetch',
          '-u',
          dovecot.user,
          'text',
          'mailbox',
          folders[0]!,
          'all',
        ]),
      );
      add('export: doveadm fetch text (piped)', fetch.ms);
      rmSync(out, { recursive: true, force: true });
      rmSync(`${out}.mbox`, { force: true });
      log(
        `  run ${run + 1}: ${Object.entries(result)
          .map(([k, v]) => `${k} ${Math.round(v.at(-1)!)} ms`)
          .join(', ')}`,
      );
    }
    for (const [name, times] of Object.entries(result)) {
      const ms = median(times);
      const [what, tool] = name.split(': ') as [string, string];
      rows.push({
        shape: kind,
        what,
        tool,
        msgsPerSec: (N * 1000) / ms,
        mbPerSec: bytes / MB / (ms / 1000),
      });
    }
  }
} finally {
  await service.close();
  await dovecot.stop();
  rmSync(work, { recursive: true, force: true });
}

if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
else {
  const lines = [
    `${N} messages per shape, median of ${R} runs; ratios against the Dovecot tool of the same row group (and, for imports, against mbsync)`,
  ];
  for (const kind of ['text', 'attachments']) {
    for (const what of ['import', 'export']) {
      const group = rows.filter((r) => r.shape === kind && r.what === what);
      const peer = group.find((r) => r.tool.startsWith('doveadm'))!;
      const mbsync = group.find((r) => r.tool.startsWith('mbsync'));
      for (const r of group)
        lines.push(
          `${kind.padEnd(12)} ${what.padEnd(7)} ${r.tool.padEnd(30)} ${Math.round(r.msgsPerSec).toString().padStart(7)} msgs/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s  ${(r.msgsPerSec / peer.msgsPerSec).toFixed(2)}×${mbsync ? `  ${(r.msgsPerSec / mbsync.msgsPerSec).toFixed(2)}× mbsync` : ''}`,
        );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
