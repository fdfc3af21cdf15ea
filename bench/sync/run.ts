// npm run bench:sync -- --messages N [--shape generated,attachments,newsletters,lists]
//   [--engine sqlite|postgres|both] [--sync-runs K] [--runs R] [--seed S] [--no-peers]
// For each shape of mail, a seeded corpus in a private Dovecot, synced by Maildock (on each
// engine of the store) and by mbsync with FSync yes and no, K times each, alternating; the
// `generated` shape also times search and resyncs beside notmuch and mbsync. Postgres is a
// private server on 127.0.0.1 (test/support/postgres.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import type { BenchFigures, Machine, ShapeFigures } from './figures.js';
import { fsyncLatency } from './fsync.js';
import { have } from './peers.js';
import { report } from './report.js';
import { benchShape } from './shape-bench.js';
import { isShape, SHAPE_NAMES, type ShapeName } from './shapes.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20240601' },
    runs: { type: 'string', default: '50' },
    'sync-runs': { type: 'string', default: '3' },
    shape: { type: 'string', default: SHAPE_NAMES.join(',') },
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
const shapes = args.shape.split(',').map((s) => s.trim());
const unknown = shapes.filter((s) => !isShape(s));
if (unknown.length || !shapes.length)
  throw new Error(`--shape: one or more of ${SHAPE_NAMES.join(', ')}, not ${unknown.join(', ')}`);
const positive = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a whole number above 0`);
  return n;
};
const N = positive('messages', args.messages);
const syncRuns = positive('sync-runs', args['sync-runs']);
const runs = positive('runs', args.runs);
const seed = Number(args.seed);
const FOLDERS = ['INBOX', 'Archive', 'Sent'];
const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);

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

// Measured where the stores and Maildirs are written, before anything else runs.
log(`Disk sync latency in ${work}…`);
const machine: Machine = {
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: os.cpus().length,
  memGb: os.totalmem() / 1024 ** 3,
  node: process.version,
  workDir: work,
  fsync: fsyncLatency(work),
};

// A server's cache, not a test's 32MB: a store of 100,000 messages runs to hundreds of MB.
let postgres: PostgresServer | null = null;
try {
  if (engines.includes('postgres')) postgres = await startPostgres({ sharedBuffers: '512MB' });
  const peers = !args['no-peers'] && have('mbsync');
  const figures: ShapeFigures[] = [];
  for (const shape of shapes as ShapeName[])
    figures.push(
      await benchShape(shape, {
        work,
        count: N,
        seed,
        folders: FOLDERS,
        searchRuns: runs,
        syncRuns,
        engines,
        postgres,
        peers,
        log,
      }),
    );

  const all: BenchFigures = { seed, syncRuns, folders: FOLDERS, machine, shapes: figures };
  const text = report(all);
  process.stdout.write(`${text}\n`);
  mkdirSync(path.join(root, '.bench'), { recursive: true });
  const name = [
    `sync-${N}`,
    ...(args.engine === 'both' ? [] : [args.engine]),
    ...(shapes.length === SHAPE_NAMES.length ? [] : shapes),
  ].join('-');
  writeFileSync(path.join(root, '.bench', `${name}.md`), `${text}\n`);
  writeFileSync(path.join(root, '.bench', `${name}.json`), JSON.stringify(all, null, 2));
} finally {
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
}
