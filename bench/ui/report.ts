// The UI benchmark's table, each figure beside its target, and its JSON line.
import { summarize } from '../sync/stats.js';
import type { Sample } from './api-load.js';
import { API_METHODS } from './api-load.js';
import type { FirstRows, ScrollResult, SearchResult } from './probes.js';
import type { EventLoopDelay } from './setup.js';

export interface Stat {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export function stat(samples: readonly number[]): Stat {
  const { p50, p95 } = summarize(samples);
  return { p50, p95, max: samples.length ? Math.max(...samples) : NaN, n: samples.length };
}

/** What `--only first-rows` measures. */
export interface FirstRowsFigures {
  messages: number;
  inboxMessages: number;
  /**
   * First rows after the sign-in link, in a new browser each run (no cache, no cookie), left
   * to finish its own start first (measures.ts SETTLE_MS): the target's figure.
   */
  coldSignIn: FirstRows[];
  /** The same, the link opened the moment the browser has launched. */
  coldLaunched: FirstRows[];
  firstRows: FirstRows[];
  /** `/` for a signed-in browser, request to last byte (measures.ts pageServed), ms. */
  page: number[];
}

export interface Figures extends FirstRowsFigures {
  syncMessages: number;
  scroll: ScrollResult;
  /** 5,000 px at 100 px a frame. */
  wheel: ScrollResult;
  search: Record<string, SearchResult[]>;
  apiIdle: Sample[];
  apiSync: Sample[];
  /** The second account's sync phases (epoch ms) and its end. */
  syncPhases: { phase: string; at: number }[];
  syncMs: number;
  syncEnd: number;
  loopDelaySync: EventLoopDelay;
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const trio = (s: Stat) => `${f(s.p50)} / ${f(s.p95)} / ${f(s.max)} ms`;
const yes = (ok: boolean) => (ok ? 'met' : '**missed**');

function byMethod(samples: Sample[], method: string): Stat {
  return stat(samples.filter((s) => s.method === method).map((s) => s.ms));
}

/** Samples by the sync phase running when they started. */
function byPhase(fig: Figures): [string, Stat][] {
  const out = new Map<string, number[]>();
  for (const s of fig.apiSync) {
    const phase = fig.syncPhases.filter((p) => p.at <= s.at).at(-1)?.phase ?? 'start';
    out.set(phase, [...(out.get(phase) ?? []), s.ms]);
  }
  return [...out].map(([phase, ms]) => [phase, stat(ms)]);
}

export function summary(fig: Figures) {
  const painted = stat(fig.firstRows.map((r) => r.painted));
  const work = stat(fig.scroll.work);
  const interval = stat(fig.scroll.intervals);
  const long = fig.scroll.longTasks;
  const searches = Object.values(fig.search).flat();
  const searchAll = stat(searches.map((s) => s.ms));
  const api = Object.fromEntries(API_METHODS.map((m) => [m, byMethod(fig.apiSync, m)]));
  const idle = Object.fromEntries(API_METHODS.map((m) => [m, byMethod(fig.apiIdle, m)]));
  const cold = stat(fig.coldSignIn.map((r) => r.painted));
  const wheelSlow = fig.wheel.intervals.filter((ms) => ms > 33.4);
  return { painted, cold, work, interval, long, searchAll, api, idle, wheelSlow };
}

type Row = (...cells: string[]) => void;

/** How many of the runs painted the server's first screen first. */
const drawnNote = (runs: FirstRows[]) =>
  ` (the server's first screen painted first in ${runs.filter((r) => r.drawn).length} of ${runs.length})`;

function firstRowsLines(fig: FirstRowsFigures, p: Row): void {
  const cold = stat(fig.coldSignIn.map((r) => r.painted));
  const painted = stat(fig.firstRows.map((r) => r.painted));
  const launched = stat(fig.coldLaunched.map((r) => r.painted));
  p(
    `first rows after signing in, cold (a new browser each, settled, the sign-in link), p50 / p95 / max of ${cold.n}`,
    trio(cold),
    'p50 < 500 ms',
    yes(cold.p50 < 500),
  );
  p(
    `… the app's own rows (live) after signing in, cold, settled${drawnNote(fig.coldSignIn)}`,
    trio(stat(fig.coldSignIn.map((r) => r.live))),
    '',
    '',
  );
  p(
    `… the same, the link opened as the browser has just launched, p50 / p95 / max of ${launched.n}`,
    trio(launched),
    '',
    '',
  );
  const coldParts = (r: FirstRows) => {
    const list = r.api.find((a) => a.path === '/api/message.list');
    return [r.domContentLoaded, r.api[0]?.start ?? NaN, list?.start ?? NaN, list?.end ?? NaN];
  };
  const parts = fig.coldSignIn.map(coldParts);
  const mid = (i: number) => f(stat(parts.map((x) => x[i]!)).p50, 0);
  p(
    '… cold, p50 of each: DOMContentLoaded; first API request sent; message.list sent → answered',
    `${mid(0)}; ${mid(1)}; ${mid(2)} → ${mid(3)} ms`,
    '',
    '',
  );
  p(
    `first rows painted after a page load, p50 / p95 / max of ${painted.n} (new page each)`,
    trio(painted),
    '< 500 ms',
    yes(painted.p95 < 500),
  );
  p(
    `… the app's own rows (live) after a page load${drawnNote(fig.firstRows)}`,
    trio(stat(fig.firstRows.map((r) => r.live))),
    '',
    '',
  );
  p(
    `the page for a signed-in browser, request to last byte (the first screen drawn in it, if any), p50 / p95 / max of ${fig.page.length}`,
    trio(stat(fig.page)),
    '',
    '',
  );
  const first = fig.firstRows[0];
  if (first) {
    const list = first.api.find((a) => a.path === '/api/message.list');
    p(
      '… first load: DOMContentLoaded, first message.list sent → answered, rows in the DOM → painted',
      `${f(first.domContentLoaded, 0)}; ${list ? `${f(list.start, 0)} → ${f(list.end, 0)}` : '-'}; ${f(first.inDom, 0)} → ${f(first.painted, 0)} ms`,
      '',
      '',
    );
  }
}

function header(p: Row): void {
  p('measure', 'result', 'target', '');
  p('---', '---', '---', '---');
}

export function firstRowsTable(fig: FirstRowsFigures): string {
  const lines: string[] = [];
  const p: Row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  header(p);
  firstRowsLines(fig, p);
  return lines.join('\n');
}

export function firstRowsJsonLine(fig: FirstRowsFigures, renderer?: string): string {
  return JSON.stringify({
    ...(renderer === undefined ? {} : { renderer }),
    messages: fig.messages,
    inboxMessages: fig.inboxMessages,
    coldSignIn: stat(fig.coldSignIn.map((r) => r.painted)),
    coldSignInLive: stat(fig.coldSignIn.map((r) => r.live)),
    coldLaunched: stat(fig.coldLaunched.map((r) => r.painted)),
    firstRows: stat(fig.firstRows.map((r) => r.painted)),
    firstRowsLive: stat(fig.firstRows.map((r) => r.live)),
    page: stat(fig.page),
  });
}

export function table(fig: Figures): string {
  const s = summary(fig);
  const searches = Object.values(fig.search).flat();
  const lines: string[] = [];
  const p: Row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
  header(p);
  firstRowsLines(fig, p);
  p(
    `scrolling ${fig.scroll.rowsScrolled} rows: main-thread work per frame, p50 / p95 / max of ${s.work.n}`,
    trio(s.work),
    'p95 < 16 ms',
    yes(s.work.p95 < 16),
  );
  p('… frame interval (rAF to rAF; 60 Hz display)', trio(s.interval), '', '');
  p(
    `scrolling 5,000 px at 100 px a frame: frames over 33 ms (of ${fig.wheel.intervals.length}), longest interval`,
    `${s.wheelSlow.length}, ${f(Math.max(...fig.wheel.intervals), 1)} ms`,
    'none',
    yes(s.wheelSlow.length === 0),
  );
  p(
    '… long tasks over 50 ms (count, longest)',
    `${s.long.length}${s.long.length ? `, ${f(Math.max(...s.long), 0)} ms` : ''}`,
    'none',
    yes(s.long.length === 0),
  );
  p(
    '… frames where the list had reached its loaded end (waiting for a page)',
    `${fig.scroll.stalled} of ${s.work.n}`,
    '',
    '',
  );
  p(
    '… frames painted with a placeholder row in view (its page not arrived yet)',
    `${fig.scroll.placeholderFrames ?? '-'} of ${s.work.n}`,
    '',
    '',
  );
  p(
    `search, Enter → results painted, p50 / p95 / max of ${s.searchAll.n}`,
    trio(s.searchAll),
    '< 150 ms',
    yes(s.searchAll.p95 < 150),
  );
  const early = searches.filter((r) => r.earlyState).length;
  p(
    '… searches that painted an empty or error state before their answer came',
    `${early} of ${searches.length}`,
    'none',
    yes(early === 0),
  );
  for (const [kind, runs] of Object.entries(fig.search)) {
    const all = stat(runs.map((r) => r.ms));
    const req = stat(runs.flatMap((r) => (r.requestMs === null ? [] : [r.requestMs])));
    p(
      `… ${kind} (${runs[0]?.state ?? `${runs[0]?.rows ?? 0} rows shown`}): p50 / p95, its request p50`,
      `${f(all.p50)} / ${f(all.p95)} ms, ${f(req.p50)} ms`,
      '',
      '',
    );
  }
  for (const m of API_METHODS) {
    const a = s.api[m]!;
    p(
      `${m} over HTTP during a ${fig.syncMessages.toLocaleString('en')}-message initial sync, p50 / p95 / max of ${a.n}`,
      trio(a),
      'p95 < 50 ms',
      yes(a.p95 < 50),
    );
  }
  for (const m of API_METHODS) p(`… ${m} with no sync running`, trio(s.idle[m]!), '', '');
  for (const [phase, st] of byPhase(fig))
    p(`… all three during the sync's "${phase}" phase (${st.n} calls)`, trio(st), '', '');
  const d = fig.loopDelaySync;
  p(
    "… server's event-loop delay during the sync, p50 / p99 / max",
    `${f(d.p50)} / ${f(d.p99)} / ${f(d.max)} ms`,
    '',
    '',
  );
  p(
    '… the sync itself',
    `${f(fig.syncMs / 1000)} s (${f(fig.syncMessages / (fig.syncMs / 1000), 0)} msgs/s)`,
    '',
    '',
  );
  return lines.join('\n');
}

export function jsonLine(fig: Figures): string {
  const s = summary(fig);
  const search = Object.fromEntries(
    Object.entries(fig.search).map(([k, runs]) => [k, stat(runs.map((r) => r.ms))]),
  );
  return JSON.stringify({
    messages: fig.messages,
    inboxMessages: fig.inboxMessages,
    syncMessages: fig.syncMessages,
    coldSignIn: s.cold,
    firstRows: s.painted,
    wheel: { frames: fig.wheel.intervals.length, over33ms: s.wheelSlow.length },
    scroll: {
      rows: fig.scroll.rowsScrolled,
      work: s.work,
      interval: s.interval,
      longTasks: { count: s.long.length, longest: s.long.length ? Math.max(...s.long) : 0 },
      stalled: fig.scroll.stalled,
      placeholderFrames: fig.scroll.placeholderFrames,
    },
    search: { all: s.searchAll, ...search },
    apiDuringSync: s.api,
    apiIdle: s.idle,
    syncMs: fig.syncMs,
    loopDelaySync: fig.loopDelaySync,
  });
}
