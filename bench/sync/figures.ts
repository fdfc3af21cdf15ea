// What bench:sync measures, per shape of mail: the types run.ts fills and report.ts prints.
import type { StageFigures } from '../../main/core/platform/stages.js';
import type { FsyncLatency } from './fsync.js';

export type Figures = Record<string, unknown>;

export interface Timing {
  p50: number;
  p95: number;
  hits: number;
  /** Maildock's count of all matches ("1000+": more than its limit). */
  count?: string;
}

/** One initial sync by Maildock or mbsync. */
export interface SyncRun {
  ms: number;
  maxRssMb?: number;
  /** The client's CPU, user + system (ms). */
  cpuMs?: number;
  /** The bench's Dovecot's CPU during the run (ms). */
  serverCpuMs?: number;
  /** Maildock's full sync only: how busy each stage was. */
  stages?: StageFigures;
  liveHeapMb?: number;
  /** Maildock: what its store holds afterwards */
  messages?: number;
  bodies?: number;
  errors?: unknown[];
}

export interface EngineRuns {
  engine: string;
  /** The headers-only initial sync, once per shape. */
  headers: SyncRun;
  /** Full initial syncs, each into a fresh store, in the order they ran. */
  full: SyncRun[];
}

/** What only the `generated` shape measures: search and resyncs, as the bench always did. */
export interface GeneratedExtras {
  runs: number;
  kinds: string[];
  /** per engine, per query kind */
  search: Record<string, Record<string, Timing>>;
  /** per engine */
  resync: Record<string, { noChangeMs: number; flagsMs: number }>;
  /** mbsync and notmuch times (ms), when they ran */
  peer: { notmuchNew?: number; mbsyncNoChange?: number; mbsyncFlags?: number };
  notmuch: Record<string, Timing>;
  /** notmuch's start-up: a query that matches nothing (ms) */
  floor: number;
}

export interface ShapeFigures {
  shape: string;
  count: number;
  mb: number;
  meanKb: number;
  medianKb: number;
  /** os.loadavg() when the shape started and when it ended */
  loadStart: number[];
  loadEnd: number[];
  /** p50 of a new 4 KiB file's write + fsync when the shape's syncs began (ms) */
  fsyncP50Ms: number;
  engines: EngineRuns[];
  /** Fresh Maildir each run; absent with --no-peers or without mbsync. */
  mbsync?: { fsyncYes: SyncRun[]; fsyncNo: SyncRun[] };
  generated?: GeneratedExtras;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memGb: number;
  node: string;
  workDir: string;
  fsync: FsyncLatency;
}

export interface BenchFigures {
  seed: number;
  syncRuns: number;
  folders: string[];
  machine: Machine;
  shapes: ShapeFigures[];
}
