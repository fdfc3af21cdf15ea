// How busy each stage of a sync is: the main thread (taking the server's responses and
// writing the store), the store's transactions alone, and the MIME parser workers. A sync
// whose stages overlap keeps all of them busy; one that waits shows it here. Counted for the
// whole process, read by whoever wants a figure over a stretch of time (the benchmark, logs).
import { performance } from 'node:perf_hooks';

const busy = { write: 0, parse: 0 };
let parseWorkers = 1;

/** The parser pool says how many workers share the parsing. */
export function setParseWorkers(n: number): void {
  parseWorkers = Math.max(1, n);
}

/** Time spent in one of the stages that run apart from the event loop's own measure. */
export function countStage(stage: keyof typeof busy, ms: number): void {
  busy[stage] += ms;
}

export interface StageFigures {
  wallMs: number;
  /** Share of the wall time the main thread was busy (its event-loop utilisation). */
  main: number;
  /** Share of the wall time the main thread spent inside the store's write transactions. */
  write: number;
  /** Share of the wall time the parser workers spent parsing, per worker. */
  parse: number;
  /** The parser workers the share is divided among. */
  workers: number;
}

/** Starts a measure; `stop` gives the figures since. */
export function measureStages(): { stop(): StageFigures } {
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  const at = { ...busy };
  return {
    stop() {
      const wallMs = performance.now() - started;
      const n = parseWorkers;
      const share = (ms: number) => (wallMs > 0 ? ms / wallMs : 0);
      return {
        wallMs,
        main: performance.eventLoopUtilization(elu).utilization,
        write: share(busy.write - at.write),
        parse: share(busy.parse - at.parse) / n,
        workers: n,
      };
    },
  };
}
