// npm run bench:sync -- --messages N [--engine sqlite|postgres|both] [--seed S] [--no-peers] [--runs R]
// Generates a seeded corpus, loads it into a private Dovecot, and measures Maildock's sync
// and search, on each engine of the store, beside mbsync and notmuch on the same corpus in
// the same run. Postgres is a private server on 127.0.0.1 (test/support/postgres.ts).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusTerms, generateCorpus } from '../corpus.js';
import { startDovecot } from '../../test/support/dovecot.js';
import type { MaildirMessage } from '../../test/support/maildir.js';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { Mbsync, Notmuch, have } from './peers.js';
import { report, type EngineFigures, type Figures, type Timing } from './report.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20240601' },
    runs: { type: 'string', default: '50' },
    'no-peers': { type: 'boolean', default: false },
    engine: { type: 'string', default: 'both' },
  },
});
const ENGINES: Record<string, string[]> = {
  sqlite: ['sqlite'],
  postgres: ['postgres'],
  both: ['sqlite', 'postgres'],
};
const engines = ENGINES[args.engine];
if (!engines) throw new Error(`--engine: sqlite, postgres or both, not ${args.engine}`);
const N = Number(args.messages);
const seed = Number(args.seed);
const runs = Number(args.runs);
const FOLDERS = ['INBOX', 'Archive', 'Sent'];
const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);
const CHILD = path.join(root, 'dist/bench/sync/maildock-child.js');

/** Where one phase's store lives: a data folder, and for Postgres a database of its own. */
interface PhaseStore {
  dataDir: string;
  secretKey: string;
  database?: string;
}

function child(job: Record<string, unknown>): Promise<Figures> {
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

interface ResyncChild {
  /** Settles once the child has warmed up and timed its no-change resyncs. */
  ready: Promise<void>;
  /** Tells it to time one more resync; resolves to its figures. */
  go(): Promise<Figures>;
}

/** The resync child: warms up, times no-change resyncs, waits for `go`, times one more. */
function resyncChild(job: Record<string, unknown>): ResyncChild {
  const c = spawn(process.execPath, [CHILD, JSON.stringify(job)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let onReady: () => void = () => undefined;
  const done = new Promise<Figures>((resolve, reject) =>
    c.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`resync child exited ${code}`)),
    ),
  );
  const ready = Promise.race([
    new Promise<void>((resolve) => (onReady = resolve)),
    done.then(() => {
      throw new Error('resync child ended before it was ready');
    }),
  ]);
  c.stdout.on('data', (d: Buffer) => {
    out += d;
    if (out.includes('READY\n')) onReady();
  });
  return {
    ready,
    go() {
      c.stdin.end('go\n');
      return done;
    },
  };
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

// A server's cache, not a test's 32MB: a store of 100,000 messages runs to hundreds of MB.
const postgres: PostgresServer | null = engines.includes('postgres')
  ? await startPostgres({ sharedBuffers: '512MB' })
  : null;
const server = await startDovecot({ user: 'bench', password: 'bench-password' });

/** A fresh store of that engine for one phase. */
async function store(engine: string, phase: string): Promise<PhaseStore> {
  const dataDir = path.join(work, `${engine}-${phase}`);
  const secretKey = randomBytes(32).toString('base64');
  if (engine !== 'postgres') return { dataDir, secretKey };
  return { dataDir, secretKey, database: await postgres!.createDatabase(`bench_${phase}`) };
}

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
    // Search as you type: the last word is a prefix (issue 26).
    'prefix, 2 letters as typed': terms.common.slice(0, 2),
    'prefix, 4 letters as typed': terms.common.slice(0, 4),
    'from: OR subject:': `from:${terms.sender} OR subject:${terms.subjectWord}`,
    'attachment type + term': `has:pdf ${terms.common}`,
    'size + term': `larger:100K ${terms.common}`,
  };
  const nmQueries: Record<string, string> = {
    'rare term': terms.rare,
    'common term, newest 50': terms.common,
    phrase: `"${terms.phrase}"`,
    'from: + subject:': `from:${terms.sender} and subject:${terms.subjectWord}`,
    'date range + term': `date:2023-01-01..2023-06-30 and ${terms.common}`,
    'prefix, 2 letters as typed': `${terms.common.slice(0, 2)}*`,
    'prefix, 4 letters as typed': `${terms.common.slice(0, 4)}*`,
    'from: OR subject:': `from:${terms.sender} or subject:${terms.subjectWord}`,
    'attachment type + term': `mimetype:application/pdf and ${terms.common}`,
    // notmuch has no size operator.
  };

  // Each engine syncs into fresh stores: headers only, then full (searched and resynced).
  const synced: Record<string, Partial<EngineFigures> & { fullStore?: PhaseStore }> = {};
  for (const engine of engines) {
    const label = engine === 'postgres' ? 'Postgres' : 'SQLite';
    log(`Maildock on ${label}: headers-only initial sync…`);
    const headers = await child({ phase: 'headers', ...(await store(engine, 'headers')), imap });
    log(`Maildock on ${label}: full initial sync (every body fetched, parsed, stored, indexed)…`);
    const fullStore = await store(engine, 'full');
    const full = await child({ phase: 'full', ...fullStore, imap });
    const search = await child({ phase: 'search', ...fullStore, queries, runs });
    synced[engine] = {
      engine,
      headers,
      full,
      search: search.search as Record<string, Timing>,
      fullStore,
    };
  }

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

  // Each engine's warm process times its no-change resyncs; then 1% of the messages get a
  // flag changed on the server, and each resyncs that same change in turn.
  log('Maildock: resyncs (no change, then after 1% flag changes)…');
  const resyncs: { engine: string; child: ResyncChild }[] = [];
  for (const engine of engines) {
    const c = resyncChild({ phase: 'resync', ...synced[engine]!.fullStore! });
    await c.ready;
    resyncs.push({ engine, child: c });
  }
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
  const resyncFigures: Record<string, Figures> = {};
  for (const { engine, child: c } of resyncs) resyncFigures[engine] = await c.go();
  if (mbsync) peer.mbsyncFlags = await mbsync.sync();

  const nm: Record<string, Timing> = {};
  let floor = 0;
  if (notmuch) {
    floor = (await notmuch.search(terms.absent, Math.min(runs, 20))).p50;
    for (const [kind, q] of Object.entries(nmQueries))
      nm[kind] = await notmuch.search(q, Math.min(runs, 20));
  }

  const figures: EngineFigures[] = engines.map((engine) => {
    const { fullStore: _store, ...done } = synced[engine]!;
    return {
      ...(done as Omit<EngineFigures, 'noChangeMs' | 'flagsMs'>),
      noChangeMs: resyncFigures[engine]!.noChangeMs as number,
      flagsMs: resyncFigures[engine]!.flagsMs as number,
    };
  });
  const text = report({
    count: N,
    mb,
    seed,
    folders: FOLDERS,
    runs,
    kinds: Object.keys(queries),
    engines: figures,
    peer,
    notmuch: nm,
    floor,
  });
  process.stdout.write(`${text}\n`);
  mkdirSync(path.join(root, '.bench'), { recursive: true });
  const name = args.engine === 'both' ? `sync-${N}` : `sync-${N}-${args.engine}`;
  writeFileSync(path.join(root, '.bench', `${name}.md`), `${text}\n`);
  writeFileSync(
    path.join(root, '.bench', `${name}.json`),
    JSON.stringify({ N, mb, engines: figures, peer, notmuch: nm, floor }, null, 2),
  );
  for (const e of figures)
    for (const r of [e.headers, e.full, resyncFigures[e.engine]!])
      if ((r.errors as unknown[] | undefined)?.length)
        log(`${e.engine} errors: ${JSON.stringify(r.errors)}`);
} finally {
  await server.stop();
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
}
