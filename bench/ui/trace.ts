// A Chrome DevTools trace of the page (Tracing over playwright's CDP session), boiled down to
// what a CPU profile cannot show: the renderer's own phases (style, layout, paint, garbage
// collection, script) inside the tasks that ran longer than 50 ms.
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'blink.user_timing',
];

export async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: CATEGORIES },
  });
  return async () => {
    const done = new Promise<string>((resolve) =>
      cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream!)),
    );
    await cdp.send('Tracing.end');
    const handle = await done;
    let text = '';
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle, size: 1 << 20 });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle });
    const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
    return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  };
}

/** Both lists sorted by time; tasks do not overlap on one thread, so one sweep does. */
function phases(onMain: TraceEvent[], tasks: TraceEvent[]): string[] {
  const by = new Map<string, number>();
  let i = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur!;
    while (i < onMain.length && onMain[i]!.ts < task.ts) i++;
    for (let j = i; j < onMain.length && onMain[j]!.ts < end; j++) {
      const e = onMain[j]!;
      if (e.name !== 'RunTask') by.set(e.name, (by.get(e.name) ?? 0) + e.dur! / 1000);
    }
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, ms]) => `  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

/**
 * The main thread's phases (nested events counted in each), over all its tasks and over
 * the tasks longer than 50 ms.
 */
export function longTaskPhases(events: TraceEvent[]): string {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return 'trace: no renderer main thread found';
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const all = onMain.filter((e) => e.name === 'RunTask');
  const long = all.filter((e) => e.dur! > 50_000);
  const sum = (ts: TraceEvent[]) => ts.reduce((n, t) => n + t.dur! / 1000, 0).toFixed(0);
  return [
    `trace: ${all.length} main-thread tasks, ${sum(all)} ms busy; inside them:`,
    ...phases(onMain, all),
    `trace: ${long.length} of them over 50 ms, ${sum(long)} ms; inside those:`,
    ...(long.length ? phases(onMain, long) : []),
  ].join('\n');
}
