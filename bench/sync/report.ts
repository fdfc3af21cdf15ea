// The bench:sync report, markdown: the machine, a summary of every shape, then per shape a
// table of its initial syncs (Maildock on each engine, mbsync with FSync yes and no) with the
// ratios, and for the `generated` shape its resyncs and searches.
import type {
  BenchFigures,
  EngineRuns,
  GeneratedExtras,
  ShapeFigures,
  SyncRun,
} from './figures.js';

export type { Figures, Timing } from './figures.js';

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${f0(x * 100)}%`;
const rate = (n: number, ms: number) => n / (ms / 1000);
const label = (engine: string) => (engine === 'postgres' ? 'Postgres' : 'SQLite');
const loads = (l: number[]) => l.map(f2).join(' / ');

/** The runs' median time, and the run that stands for it (the lower middle one). */
export interface Summary {
  medianMs: number;
  minMs: number;
  run: SyncRun;
  /** the highest peak RSS of the runs */
  maxRssMb?: number;
}

export function summarise(runs: readonly SyncRun[]): Summary {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const n = sorted.length;
  const mid = (n - 1) / 2;
  const rss = runs.map((r) => r.maxRssMb).filter((x): x is number => x !== undefined);
  return {
    medianMs: (sorted[Math.floor(mid)]!.ms + sorted[Math.ceil(mid)]!.ms) / 2,
    minMs: sorted[0]!.ms,
    run: sorted[Math.floor(mid)]!,
    maxRssMb: rss.length ? Math.max(...rss) : undefined,
  };
}

class Markdown {
  readonly lines: string[] = [];
  p(s = '') {
    this.lines.push(s);
  }
  row(cells: string[]) {
    this.lines.push(`| ${cells.join(' | ')} |`);
  }
  head(cells: string[]) {
    this.row(cells);
    this.row(cells.map(() => '---'));
  }
}

/** Maildock msgs/s ÷ mbsync msgs/s, medians; and best ÷ best. */
function ratio(maildock: Summary, mbsync: Summary | undefined): string {
  if (!mbsync) return '';
  return `${f2(mbsync.medianMs / maildock.medianMs)}× (best ${f2(mbsync.minMs / maildock.minMs)}×)`;
}

function syncRow(
  md: Markdown,
  name: string,
  s: Summary,
  shape: ShapeFigures,
  ratios: string[],
): void {
  const { run } = s;
  const cpu =
    run.cpuMs !== undefined
      ? `${f1(run.cpuMs / 1000)} / ${f1((run.serverCpuMs ?? NaN) / 1000)}`
      : '';
  const cores =
    run.cpuMs !== undefined && run.serverCpuMs !== undefined
      ? f2((run.cpuMs + run.serverCpuMs) / run.ms)
      : '';
  md.row([
    name,
    f0(rate(shape.count, s.medianMs)),
    `${f1(s.medianMs / 1000)} / ${f1(s.minMs / 1000)}`,
    f1(rate(shape.mb, s.medianMs)),
    s.maxRssMb !== undefined ? `${f0(s.maxRssMb)} MB` : '',
    cpu,
    cores,
    ...ratios,
  ]);
}

function stagesLine(e: EngineRuns, s: Summary): string {
  const st = s.run.stages;
  if (!st) return `${label(e.engine)}: no stage figures`;
  const stored = s.run.bodies !== undefined ? ` (${s.run.bodies} bodies stored)` : '';
  return `${label(e.engine)}: main ${pct(st.main)}, of which writes ${pct(st.write)}; parsers ${st.workers} × ${pct(st.parse)}${stored}`;
}

function shapeSection(md: Markdown, shape: ShapeFigures, syncRuns: number): void {
  md.p(
    `## Shape \`${shape.shape}\`: ${shape.count} messages, ${f0(shape.mb)} MB (mean ${f1(shape.meanKb)} KB, median ${f1(shape.medianKb)} KB)`,
  );
  md.p('');
  md.p(
    `Load average (1 / 5 / 15 min): ${loads(shape.loadStart)} at the start, ${loads(shape.loadEnd)} at the end. New file + fsync p50 ${f2(shape.fsyncP50Ms)} ms before the first sync.`,
  );
  md.p('');
  const yes = shape.mbsync?.fsyncYes.length ? summarise(shape.mbsync.fsyncYes) : undefined;
  const no = shape.mbsync?.fsyncNo.length ? summarise(shape.mbsync.fsyncNo) : undefined;
  md.head([
    `initial sync, ${syncRuns} run${syncRuns > 1 ? 's' : ''} each`,
    'msgs/s (median)',
    's, median / min',
    'MB/s (median)',
    'peak RSS (highest)',
    'CPU s, client / Dovecot',
    'cores busy',
    '÷ mbsync FSync yes',
    '÷ mbsync FSync no',
  ]);
  const full = shape.engines.map((e) => ({ e, s: summarise(e.full) }));
  for (const { e, s } of full)
    syncRow(md, `Maildock on ${label(e.engine)}, full`, s, shape, [ratio(s, yes), ratio(s, no)]);
  if (yes) syncRow(md, 'mbsync, FSync yes (its default)', yes, shape, ['', '']);
  if (no) syncRow(md, 'mbsync, FSync no', no, shape, ['', '']);
  for (const e of shape.engines)
    syncRow(
      md,
      `Maildock on ${label(e.engine)}, headers only (1 run)`,
      summarise([e.headers]),
      shape,
      ['', ''],
    );
  md.p('');
  md.p(
    `Stages of Maildock's full sync (its median run), shares of the wall time: ${full.map(({ e, s }) => stagesLine(e, s)).join('; ')}.`,
  );
  md.p('');
  if (shape.generated) generatedSection(md, shape, full, yes);
}

function generatedSection(
  md: Markdown,
  shape: ShapeFigures,
  full: { e: EngineRuns; s: Summary }[],
  yes: Summary | undefined,
): void {
  const g = shape.generated as GeneratedExtras;
  const { peer } = g;
  const engines = full.map(({ e }) => e.engine);
  const joined = (fn: (engine: string) => string) => engines.map(fn).join(' / ');
  md.head(['measure', ...engines.map((e) => `Maildock on ${label(e)}`), 'peer', 'ratio']);
  if (yes && peer.notmuchNew !== undefined) {
    const e2e = shape.count / ((yes.medianMs + peer.notmuchNew) / 1000);
    md.row([
      'full sync vs. mbsync (FSync yes) + notmuch new',
      ...full.map(({ s }) => `${f0(rate(shape.count, s.medianMs))} msgs/s`),
      `${f0(e2e)} msgs/s (notmuch new ${f1(peer.notmuchNew / 1000)} s)`,
      full.map(({ s }) => `${f2(rate(shape.count, s.medianMs) / e2e)}×`).join(' / '),
    ]);
  }
  const resync = (key: 'noChangeMs' | 'flagsMs', name: string, peerMs: number | undefined) =>
    md.row([
      name,
      ...engines.map((e) => `${f0(g.resync[e]![key])} ms`),
      peerMs !== undefined ? `mbsync ${f0(peerMs)} ms` : '',
      peerMs !== undefined ? `${joined((e) => f2(g.resync[e]![key] / peerMs))}× the time` : '',
    ]);
  resync(
    'noChangeMs',
    'no-change resync (Maildock in a warm process, median of 3)',
    peer.mbsyncNoChange,
  );
  resync('flagsMs', 'resync after 1% flag changes', peer.mbsyncFlags);
  md.row([
    'live JS heap after the sync (forced GC), headers-only / full',
    ...full.map(
      ({ e, s }) => `${f1(e.headers.liveHeapMb ?? NaN)} MB / ${f1(s.run.liveHeapMb ?? NaN)} MB`,
    ),
    '',
    '',
  ]);
  md.p('');
  const against = Object.keys(g.notmuch).length
    ? `notmuch per process minus its start-up floor (${f1(g.floor)} ms, a query matching nothing); p95 ratios ${engines.map(label).join(' / ')} to notmuch`
    : 'notmuch did not run';
  md.p(`Search, ${g.runs} runs each, Maildock inside the process (p50 / p95 ms); ${against}:`);
  md.p('');
  md.head([
    'query',
    ...engines.flatMap((e) => [`${label(e)} p50 / p95`, 'hits']),
    'notmuch p50 / p95 (net)',
    'hits',
    'p95 ratio',
  ]);
  for (const kind of g.kinds) {
    const b = g.notmuch[kind];
    const net = b
      ? { p50: Math.max(0, b.p50 - g.floor), p95: Math.max(0.01, b.p95 - g.floor) }
      : null;
    md.row([
      kind,
      ...engines.flatMap((e) => {
        const a = g.search[e]![kind]!;
        return [
          `${f2(a.p50)} / ${f2(a.p95)}`,
          a.count ? `${a.hits} of ${a.count}` : String(a.hits),
        ];
      }),
      net ? `${f2(net.p50)} / ${f2(net.p95)}` : '-',
      b ? String(b.hits) : '-',
      net ? joined((e) => `${f2(g.search[e]![kind]!.p95 / net.p95)}×`) : '-',
    ]);
  }
  md.p('');
}

function summaryTable(md: Markdown, r: BenchFigures): void {
  const engines = r.shapes[0]?.engines.map((e) => e.engine) ?? [];
  const names = engines.map(label).join(' / ');
  md.head([
    'shape',
    'corpus',
    ...engines.map((e) => `Maildock on ${label(e)}, msgs/s`),
    'mbsync FSync yes, msgs/s',
    'mbsync FSync no, msgs/s',
    `÷ mbsync FSync yes${engines.length > 1 ? ` (${names})` : ''}`,
    `÷ mbsync FSync no${engines.length > 1 ? ` (${names})` : ''}`,
  ]);
  for (const shape of r.shapes) {
    const full = shape.engines.map((e) => summarise(e.full));
    const yes = shape.mbsync?.fsyncYes.length ? summarise(shape.mbsync.fsyncYes) : undefined;
    const no = shape.mbsync?.fsyncNo.length ? summarise(shape.mbsync.fsyncNo) : undefined;
    const ratios = (peer: Summary | undefined) =>
      peer ? full.map((s) => `${f2(peer.medianMs / s.medianMs)}×`).join(' / ') : '';
    md.row([
      `\`${shape.shape}\``,
      `${f0(shape.mb)} MB, mean ${f1(shape.meanKb)} KB, median ${f1(shape.medianKb)} KB`,
      ...full.map((s) => f0(rate(shape.count, s.medianMs))),
      yes ? f0(rate(shape.count, yes.medianMs)) : '',
      no ? f0(rate(shape.count, no.medianMs)) : '',
      ratios(yes),
      ratios(no),
    ]);
  }
}

export function report(r: BenchFigures): string {
  const md = new Markdown();
  const { machine: m } = r;
  const count = r.shapes[0]?.count ?? 0;
  md.p(
    `# bench:sync: ${count} messages per shape, seed ${r.seed}, folders ${r.folders.join('/')}, ${r.syncRuns} initial sync run${r.syncRuns > 1 ? 's' : ''} per tool and shape`,
  );
  md.p('');
  md.p(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${f0(m.memGb)} GiB, Node ${m.node}. Dovecot private, on loopback, its cache warmed (\`doveadm index\`) before the first sync; a fresh Dovecot per shape.`,
  );
  md.p(
    `Disk sync latency in the bench's work folder (${m.workDir}), ${m.fsync.runs} × 4 KiB: new file + fsync p50 ${f2(m.fsync.newFile.p50)} ms, p95 ${f2(m.fsync.newFile.p95)} ms; append + fdatasync p50 ${f2(m.fsync.append.p50)} ms, p95 ${f2(m.fsync.append.p95)} ms.`,
  );
  md.p('');
  md.p(
    'Ratios are Maildock msgs/s ÷ mbsync msgs/s (above 1: Maildock is faster), from the median runs; "best" from the fastest run of each. mbsync runs with FSync yes (its default: every message synced to disk) and with FSync no. Maildock and mbsync runs alternate, each into a fresh store or Maildir, and before each the work folder\'s file system is synced (`sync -f`), so that no run waits for writes left by the one before it or by loading the corpus. CPU: the client process (Maildock with its parser workers; mbsync from GNU time) and the bench\'s Dovecot, in the median run; cores busy = (client + Dovecot CPU) ÷ wall time.',
  );
  md.p('');
  summaryTable(md, r);
  md.p('');
  for (const shape of r.shapes) shapeSection(md, shape, r.syncRuns);
  return md.lines.join('\n').trimEnd();
}
