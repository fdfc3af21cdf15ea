// How many MIME parser workers a machine can feed. The main thread has its own full-time work
// (IMAP, the store) and takes a core; other programs take what the load average says they do.
// More workers than free cores only make the busy ones slower, and one main thread feeds no
// more than a few of them (each parse takes about as long as its message's write).
import os from 'node:os';

export const MAX_PARSERS = 4;

/**
 * Workers for `cores` cores under a 1-minute load average of `load`, which counts this
 * process's main thread while a sync runs: at least one, at most MAX_PARSERS.
 */
export function parserCount(cores: number, load: number): number {
  const others = Math.max(0, (Number.isFinite(load) ? load : 0) - 1);
  const free = Math.round(cores - 1 - others);
  return Math.min(MAX_PARSERS, Math.max(1, free));
}

let cached = { at: -Infinity, count: 1 };

/** This machine, now: read again at most once a second (the pool asks on every reply). */
export function freeParsers(): number {
  const now = performance.now();
  if (now - cached.at >= 1000)
    cached = { at: now, count: parserCount(os.availableParallelism(), os.loadavg()[0]!) };
  return cached.count;
}
