// npm run bench:sync -- --messages N [--seed S] [--no-peers] [--runs R]
// Generates a seeded corpus, loads it into a private Dovecot, and measures Maildock's sync
// and search beside mbsync and notmuch on the same corpus in the same run.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusTerms, generateCorpus } from '../corpus.js';
import { startDovecot } from '../../test/support/dovecot.js';
import type { MaildirMessage } from '../../test/support/maildir.js';
import { Mbsync, Notmuch, have } from './peers.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20240601' },
    runs: { type: 'string', default: '50' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const N = Number(args.messages);
const seed = Number(args.seed);
const runs = Number(args.runs);
const FOLDERS = ['INBOX', 'Archive', 'Sent'];
const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);
const CHILD = path.join(root, 'dist/bench/sync/maildock-child.js');

function child(job: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', CHILD, JSON.stringify(job)],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(stderr || err.message))
          : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)),
    ),
  );
}

/** The resync child: warms up, times no-change resyncs, waits for `go`, times one more. */
function resyncChild(
  job: Record<string, unknown>,
  between: () => Promise<void>,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CHILD, JSON.stringify(job)], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let ready = false;
    c.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!ready && out.includes('READY\n')) {
        ready = true;
        between().then(() => c.stdin.end('go\n'), reject);
      }
    });
    c.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`resync child exited ${code}`)),
    );
  });
}

log('Building Maildock (tsc)…');
execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(root, 'tsconfig.bench.json'),
  ],
  { stdio: 'inherit' },
);

const server = await startDovecot({ user: 'bench', password: 'bench-password' });
try {
  log(`Generating and loading ${N} messages (seed ${seed})…`);
  let bytes = 0;
  const batches = new Map<string, MaildirMessage[]>();
  for (const m of generateCorpus({ count: N, seed, folders: FOLDERS })) {
    bytes += m.raw.length;
    const list = batches.get(m.folder) ?? [];
    list.push({ raw: m.raw, flags: m.flags, internalDate: m.date });
    batches.set(m.folder, list);
    if (list.length >= 2000) {
      await server.loadMaildir(m.folder, list);
      batches.set(m.folder, []);
    }
  }
  for (const [folder, list] of batches) if (list.length) await server.loadMaildir(folder, list);
  await server.doveadm('index', '-u', server.user, '*');
  const mb = bytes / 1024 / 1024;
  log(`Loaded ${N} messages, ${mb.toFixed(0)} MB; Dovecot index warmed.`);

  const imap = {
    host: '127.0.0.1',
    port: server.port,
    user: server.user,
    password: server.password,
  };
  const terms = corpusTerms(seed, N);
  const queries = {
    'rare term': terms.rare,
    'common term, newest 50': terms.common,
    phrase: `"${terms.phrase}"`,
    'from: + subject:': `from:${terms.sender} subject:${terms.subjectWord}`,
    'date range + term': `after:2023-01-01 before:2023-07-01 ${terms.common}`,
  };
  const nmQueries = {
    'rare term': terms.rare,
    'common term, newest 50': terms.common,
    phrase: `"${terms.phrase}"`,
    'from: + subject:': `from:${terms.sender} and subject:${terms.subjectWord}`,
    'date range + term': `date:2023-01-01..2023-06-30 and ${terms.common}`,
  };

  const key = () => randomBytes(32).toString('base64');
  log('Maildock: headers-only initial sync…');
  const headers = await child({
    phase: 'headers',
    dataDir: path.join(work, 'md-headers'),
    secretKey: key(),
    imap,
  });
  log('Maildock: full initial sync (every body fetched, parsed, stored, indexed)…');
  const fullKey = key();
  const fullDir = path.join(work, 'md-full');
  const full = await child({ phase: 'full', dataDir: fullDir, secretKey: fullKey, imap });
  const search = await child({
    phase: 'search',
    dataDir: fullDir,
    secretKey: fullKey,
    queries,
    runs,
  });

  const peers = !args['no-peers'] && have('mbsync') && have('notmuch');
  let mbsync: Mbsync | null = null;
  let notmuch: Notmuch | null = null;
  const peer: Record<string, number> = {};
  if (peers) {
    mkdirSync(path.join(work, 'peers'));
    mbsync = new Mbsync(path.join(work, 'peers'), imap);
    log('mbsync: initial…');
    peer.mbsyncInitial = await mbsync.sync();
    notmuch = new Notmuch(path.join(work, 'peers'), mbsync.maildir);
    log('notmuch new…');
    peer.notmuchNew = await notmuch.index();
    peer.mbsyncNoChange = await mbsync.sync();
  }

  // 1% of the messages get a flag changed on the server, then both resync.
  const changeFlags = async () => {
    const uids = Array.from(
      { length: Math.max(1, Math.round(N * 0.01)) },
      (_, i) => 1 + ((i * 7919) % Math.floor(N / 2)),
    );
    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '\\Flagged',
      'mailbox',
      'INBOX',
      'uid',
      [...new Set(uids)].join(','),
    );
  };
  log('Maildock: resyncs (no change, then after 1% flag changes)…');
  const resync = await resyncChild(
    { phase: 'resync', dataDir: fullDir, secretKey: fullKey },
    changeFlags,
  );
  const noChange = { ms: resync.noChangeMs as number };
  const flagResync = { ms: resync.flagsMs as number };
  if (mbsync) peer.mbsyncFlags = await mbsync.sync();

  const nm: Record<string, { p50: number; p95: number; hits: number }> = {};
  let floor = 0;
  if (notmuch) {
    floor = (await notmuch.search(terms.absent, Math.min(runs, 20))).p50;
    for (const [kind, q] of Object.entries(nmQueries))
      nm[kind] = await notmuch.search(q, Math.min(runs, 20));
  }

  // ---- report ----
  const rate = (n: number, t: number) => n / (t / 1000);
  const f0 = (x: number) => x.toFixed(0);
  const f1 = (x: number) => x.toFixed(1);
  const f2 = (x: number) => x.toFixed(2);
  const hMs = headers.ms as number;
  const fMs = full.ms as number;
  const lines: string[] = [];
  const p = (s: string) => lines.push(s);
  p(
    `Corpus: ${N} messages, ${f0(mb)} MB, seed ${seed}, folders ${FOLDERS.join('/')}; Dovecot warm (doveadm index), loopback; ${os.cpus().length} cores.`,
  );
  p('');
  p('| measure | Maildock | peer | ratio |');
  p('|---|---|---|---|');
  p(
    `| headers-only initial sync | ${f0(rate(N, hMs))} msgs/s, ${f1(rate(mb, hMs))} MB/s (${f1(hMs / 1000)} s) | | |`,
  );
  const mbsRate = peers ? rate(N, peer.mbsyncInitial!) : NaN;
  p(
    `| full sync (fetch, parse, store, index every body) | ${f0(rate(N, fMs))} msgs/s, ${f1(rate(mb, fMs))} MB/s (${f1(fMs / 1000)} s) | mbsync ${f0(mbsRate)} msgs/s (${f1(peer.mbsyncInitial! / 1000)} s, FSync on) | ${f2(rate(N, fMs) / mbsRate)}× mbsync |`,
  );
  if (peers) {
    const e2e = N / ((peer.mbsyncInitial! + peer.notmuchNew!) / 1000);
    p(
      `| full sync vs. mbsync + notmuch new | ${f0(rate(N, fMs))} msgs/s | ${f0(e2e)} msgs/s (notmuch new ${f1(peer.notmuchNew! / 1000)} s) | ${f2(rate(N, fMs) / e2e)}× |`,
    );
  }
  p(
    `| no-change resync (Maildock in a warm process, median of 3) | ${f0(noChange.ms as number)} ms | mbsync ${f0(peer.mbsyncNoChange ?? NaN)} ms | ${f2((noChange.ms as number) / (peer.mbsyncNoChange ?? NaN))}× the time |`,
  );
  p(
    `| resync after 1% flag changes | ${f0(flagResync.ms as number)} ms | mbsync ${f0(peer.mbsyncFlags ?? NaN)} ms | ${f2((flagResync.ms as number) / (peer.mbsyncFlags ?? NaN))}× the time |`,
  );
  p(
    `| peak RSS, headers-only / full sync process | ${f0(headers.maxRssMb as number)} MB / ${f0(full.maxRssMb as number)} MB | | |`,
  );
  p(
    `| live JS heap after the sync (forced GC), headers-only / full | ${f1(headers.liveHeapMb as number)} MB / ${f1(full.liveHeapMb as number)} MB | | |`,
  );
  p('');
  p(
    `Search, ${runs} runs each, Maildock inside the process (p50 / p95 ms); notmuch per process minus its start-up floor (${f1(floor)} ms, a query matching nothing):`,
  );
  p('');
  p('| query | Maildock p50 / p95 | hits | notmuch p50 / p95 (net) | hits | p95 ratio |');
  p('|---|---|---|---|---|---|');
  const s = search.search as Record<string, { p50: number; p95: number; hits: number }>;
  for (const kind of Object.keys(queries)) {
    const a = s[kind]!;
    const b = nm[kind];
    const net = b ? { p50: Math.max(0, b.p50 - floor), p95: Math.max(0.01, b.p95 - floor) } : null;
    p(
      `| ${kind} | ${f2(a.p50)} / ${f2(a.p95)} | ${a.hits} | ${net ? `${f2(net.p50)} / ${f2(net.p95)}` : '-'} | ${b?.hits ?? '-'} | ${net ? `${f2(a.p95 / net.p95)}×` : '-'} |`,
    );
  }
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync(path.join(root, '.bench'), { recursive: true });
  writeFileSync(path.join(root, '.bench', `sync-${N}.md`), `${report}\n`);
  writeFileSync(
    path.join(root, '.bench', `sync-${N}.json`),
    JSON.stringify(
      { N, mb, headers, full, noChange, flagResync, search, peer, notmuch: nm, floor },
      null,
      2,
    ),
  );
  for (const r of [headers, full, resync]) {
    if ((r.errors as unknown[] | undefined)?.length) log(`errors: ${JSON.stringify(r.errors)}`);
  }
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
