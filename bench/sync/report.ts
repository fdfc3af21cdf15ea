// The bench:sync report: each engine's figures in a column of its own, beside the peers.
import os from 'node:os';

export type Figures = Record<string, unknown>;
export interface Timing {
  p50: number;
  p95: number;
  hits: number;
  /** Maildock's count of all matches ("1000+": more than its limit). */
  count?: string;
}

export interface EngineFigures {
  engine: string;
  headers: Figures;
  full: Figures;
  search: Record<string, Timing>;
  noChangeMs: number;
  flagsMs: number;
}

export interface ReportInput {
  count: number;
  mb: number;
  seed: number;
  folders: string[];
  runs: number;
  kinds: string[];
  engines: EngineFigures[];
  /** mbsync and notmuch times (ms), when they ran. */
  peer: Record<string, number>;
  notmuch: Record<string, Timing>;
  /** notmuch's start-up: a query that matches nothing (ms). */
  floor: number;
}

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const rate = (n: number, t: number) => n / (t / 1000);
const label = (engine: string) => (engine === 'postgres' ? 'Postgres' : 'SQLite');

export function report(r: ReportInput): string {
  const lines: string[] = [];
  const p = (s: string) => lines.push(s);
  const row = (cells: string[]) => p(`| ${cells.join(' | ')} |`);
  const each = (fn: (e: EngineFigures) => string) => r.engines.map(fn);
  const ratios = (fn: (e: EngineFigures) => number, unit: string) =>
    r.engines.length && !Number.isNaN(fn(r.engines[0]!))
      ? r.engines.map((e) => `${f2(fn(e))}×`).join(' / ') + unit
      : '';
  const ms = (e: EngineFigures, phase: 'headers' | 'full') => e[phase].ms as number;
  const sync = (e: EngineFigures, phase: 'headers' | 'full') => {
    const t = ms(e, phase);
    return `${f0(rate(r.count, t))} msgs/s, ${f1(rate(r.mb, t))} MB/s (${f1(t / 1000)} s)`;
  };
  const { peer } = r;
  const peers = peer.mbsyncInitial !== undefined;
  const engineNames = r.engines.map((e) => label(e.engine)).join(' / ');

  p(
    `Corpus: ${r.count} messages, ${f0(r.mb)} MB, seed ${r.seed}, folders ${r.folders.join('/')}; Dovecot warm (doveadm index), loopback; ${os.cpus().length} cores.`,
  );
  p('');
  row(['measure', ...each((e) => `Maildock on ${label(e.engine)}`), 'peer', 'ratio']);
  row(Array.from({ length: r.engines.length + 3 }, () => '---'));
  row(['headers-only initial sync', ...each((e) => sync(e, 'headers')), '', '']);
  const mbsRate = peers ? rate(r.count, peer.mbsyncInitial!) : NaN;
  row([
    'full sync (fetch, parse, store, index every body)',
    ...each((e) => sync(e, 'full')),
    peers ? `mbsync ${f0(mbsRate)} msgs/s (${f1(peer.mbsyncInitial! / 1000)} s, FSync on)` : '',
    ratios((e) => rate(r.count, ms(e, 'full')) / mbsRate, ' mbsync'),
  ]);
  if (peers) {
    const e2e = r.count / ((peer.mbsyncInitial! + peer.notmuchNew!) / 1000);
    row([
      'full sync vs. mbsync + notmuch new',
      ...each((e) => `${f0(rate(r.count, ms(e, 'full')))} msgs/s`),
      `${f0(e2e)} msgs/s (notmuch new ${f1(peer.notmuchNew! / 1000)} s)`,
      ratios((e) => rate(r.count, ms(e, 'full')) / e2e, ''),
    ]);
  }
  row([
    'no-change resync (Maildock in a warm process, median of 3)',
    ...each((e) => `${f0(e.noChangeMs)} ms`),
    peers ? `mbsync ${f0(peer.mbsyncNoChange!)} ms` : '',
    ratios((e) => e.noChangeMs / (peer.mbsyncNoChange ?? NaN), ' the time'),
  ]);
  row([
    'resync after 1% flag changes',
    ...each((e) => `${f0(e.flagsMs)} ms`),
    peers ? `mbsync ${f0(peer.mbsyncFlags!)} ms` : '',
    ratios((e) => e.flagsMs / (peer.mbsyncFlags ?? NaN), ' the time'),
  ]);
  row([
    'peak RSS, headers-only / full sync process',
    ...each((e) => `${f0(e.headers.maxRssMb as number)} MB / ${f0(e.full.maxRssMb as number)} MB`),
    '',
    '',
  ]);
  row([
    'live JS heap after the sync (forced GC), headers-only / full',
    ...each(
      (e) => `${f1(e.headers.liveHeapMb as number)} MB / ${f1(e.full.liveHeapMb as number)} MB`,
    ),
    '',
    '',
  ]);
  p('');
  p(
    `Search, ${r.runs} runs each, Maildock inside the process (p50 / p95 ms); notmuch per process minus its start-up floor (${f1(r.floor)} ms, a query matching nothing); p95 ratios ${engineNames} to notmuch:`,
  );
  p('');
  row([
    'query',
    ...r.engines.flatMap((e) => [`${label(e.engine)} p50 / p95`, 'hits']),
    'notmuch p50 / p95 (net)',
    'hits',
    'p95 ratio',
  ]);
  row(Array.from({ length: 2 * r.engines.length + 4 }, () => '---'));
  for (const kind of r.kinds) {
    const b = r.notmuch[kind];
    const net = b
      ? { p50: Math.max(0, b.p50 - r.floor), p95: Math.max(0.01, b.p95 - r.floor) }
      : null;
    row([
      kind,
      ...r.engines.flatMap((e) => {
        const a = e.search[kind]!;
        return [
          `${f2(a.p50)} / ${f2(a.p95)}`,
          a.count ? `${a.hits} of ${a.count}` : String(a.hits),
        ];
      }),
      net ? `${f2(net.p50)} / ${f2(net.p95)}` : '-',
      b ? String(b.hits) : '-',
      net ? r.engines.map((e) => `${f2(e.search[kind]!.p95 / net.p95)}×`).join(' / ') : '-',
    ]);
  }
  return lines.join('\n');
}
