// One shape of mail through bench:sync: a fresh Dovecot loaded with the shape's corpus, the
// headers-only sync once, then K rounds each of a Maildock full sync (fresh store) and mbsync
// with FSync yes and with FSync no (fresh Maildir), so a drift in the machine's load falls on
// both sides alike. Only the `generated` shape goes on to searches and resyncs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusTerms } from '../corpus.js';
import { startDovecot, type DovecotServer } from '../../test/support/dovecot.js';
import type { MaildirMessage } from '../../test/support/maildir.js';
import type { PostgresServer } from '../../test/support/postgres.js';
import { child } from './children.js';
import { fsyncLatency } from './fsync.js';
import type { EngineRuns, Figures, GeneratedExtras, ShapeFigures, SyncRun } from './figures.js';
import { searchAndResync } from './generated-extras.js';
import { Mbsync } from './peers.js';
import { ServerCpu } from './server-cpu.js';
import { SHAPES, type ShapeName } from './shapes.js';
import { Stores, type PhaseStore } from './stores.js';

export interface BenchContext {
  work: string;
  count: number;
  seed: number;
  folders: string[];
  /** search runs per query kind (generated only) */
  searchRuns: number;
  syncRuns: number;
  engines: string[];
  postgres: PostgresServer | null;
  peers: boolean;
  log(line: string): void;
}

export interface Imap {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** A batch is loaded at 2,000 messages or 64 MB, whichever comes first. */
const BATCH_MESSAGES = 2000;
const BATCH_BYTES = 64 * 1024 * 1024;

async function load(
  server: DovecotServer,
  shape: ShapeName,
  ctx: BenchContext,
): Promise<Pick<ShapeFigures, 'mb' | 'meanKb' | 'medianKb'>> {
  const sizes = new Float64Array(ctx.count);
  let n = 0;
  const batches = new Map<string, { list: MaildirMessage[]; bytes: number }>();
  const opts = { count: ctx.count, seed: ctx.seed, folders: ctx.folders };
  for (const m of SHAPES[shape](opts)) {
    sizes[n++] = m.raw.length;
    const batch = batches.get(m.folder) ?? { list: [], bytes: 0 };
    batch.list.push({ raw: m.raw, flags: m.flags, internalDate: m.date });
    batch.bytes += m.raw.length;
    batches.set(m.folder, batch);
    if (batch.list.length >= BATCH_MESSAGES || batch.bytes >= BATCH_BYTES) {
      await server.loadMaildir(m.folder, batch.list);
      batches.delete(m.folder);
    }
  }
  for (const [folder, { list }] of batches) if (list.length) await server.loadMaildir(folder, list);
  await server.doveadm('index', '-u', server.user, '*');
  sizes.sort();
  const bytes = sizes.reduce((a, b) => a + b, 0);
  return {
    mb: bytes / 1024 / 1024,
    meanKb: bytes / Math.max(1, n) / 1024,
    medianKb: (sizes[Math.floor(n / 2)] ?? 0) / 1024,
  };
}

function syncRun(r: Figures): SyncRun {
  return {
    ms: r.ms as number,
    maxRssMb: r.maxRssMb as number | undefined,
    cpuMs: r.cpuMs as number | undefined,
    stages: r.stages as SyncRun['stages'],
    liveHeapMb: r.liveHeapMb as number | undefined,
    messages: r.messages as number | undefined,
    bodies: r.bodies as number | undefined,
    errors: r.errors as unknown[] | undefined,
  };
}

const label = (engine: string) => (engine === 'postgres' ? 'Postgres' : 'SQLite');

/**
 * Writes back what earlier steps left dirty on the file system (the loaded corpus, the last
 * run's store or Maildir, its deletion), so that a run's own syncs do not wait for it: on
 * ext4 an fsync can wait for other files' data to reach the disk.
 */
function settle(dir: string): void {
  execFileSync('sync', ['-f', dir]);
}

export async function benchShape(shape: ShapeName, ctx: BenchContext): Promise<ShapeFigures> {
  const loadStart = os.loadavg();
  const { log } = ctx;
  // Each shape has a server, stores and Maildirs of its own, so its figures stand alone.
  const work = path.join(ctx.work, shape);
  mkdirSync(work, { recursive: true });
  const server = await startDovecot({ user: 'bench', password: 'bench-password' });
  const stores = new Stores(work, ctx.postgres);
  const kept: PhaseStore[] = [];
  try {
    log(`[${shape}] generating and loading ${ctx.count} messages (seed ${ctx.seed})…`);
    const corpus = await load(server, shape, ctx);
    log(`[${shape}] loaded ${corpus.mb.toFixed(0)} MB; Dovecot index warmed.`);
    const imap: Imap = {
      host: '127.0.0.1',
      port: server.port,
      user: server.user,
      password: server.password,
    };
    const cpu = new ServerCpu(server.confPath);
    const generated = shape === 'generated';
    settle(work);
    const fsyncP50Ms = fsyncLatency(work, 100).newFile.p50;

    const engines: EngineRuns[] = [];
    for (const engine of ctx.engines) {
      log(`[${shape}] Maildock on ${label(engine)}: headers-only initial sync…`);
      const store = await stores.fresh(engine, `${shape}_headers`);
      settle(work);
      const { value, serverCpuMs } = await cpu.during(() =>
        child({ phase: 'headers', ...store, imap }),
      );
      await stores.drop(store);
      engines.push({ engine, headers: { ...syncRun(value), serverCpuMs }, full: [] });
    }

    const mbsync = ctx.peers ? { fsyncYes: [] as SyncRun[], fsyncNo: [] as SyncRun[] } : undefined;
    let keptMbsync: Mbsync | null = null;
    const fullStores: Record<string, PhaseStore> = {};
    for (let k = 0; k < ctx.syncRuns; k++) {
      const last = k === ctx.syncRuns - 1;
      const round = `${k + 1}/${ctx.syncRuns}`;
      for (const runs of engines) {
        log(`[${shape}] Maildock on ${label(runs.engine)}: full initial sync ${round}…`);
        const store = await stores.fresh(runs.engine, `${shape}_full${k}`);
        settle(work);
        const { value, serverCpuMs } = await cpu.during(() =>
          child({ phase: 'full', ...store, imap }),
        );
        runs.full.push({ ...syncRun(value), serverCpuMs });
        if (last && generated) {
          fullStores[runs.engine] = store;
          kept.push(store);
        } else await stores.drop(store);
      }
      if (!mbsync) continue;
      // Which FSync goes first alternates too.
      for (const fsync of k % 2 ? [false, true] : [true, false]) {
        log(`[${shape}] mbsync, FSync ${fsync ? 'yes' : 'no'}: initial ${round}…`);
        const dir = path.join(work, `mbsync-${fsync ? 'yes' : 'no'}-${k}`);
        const peer = new Mbsync(dir, imap, fsync);
        settle(work);
        const { value, serverCpuMs } = await cpu.during(() => peer.sync());
        (fsync ? mbsync.fsyncYes : mbsync.fsyncNo).push({ ...value, serverCpuMs });
        if (last && generated && fsync) keptMbsync = peer;
        else rmSync(dir, { recursive: true, force: true });
      }
    }

    let extras: GeneratedExtras | undefined;
    if (generated)
      extras = await searchAndResync({
        ctx,
        server,
        stores: fullStores,
        mbsync: keptMbsync,
        terms: corpusTerms(ctx.seed, ctx.count),
      });
    for (const e of engines)
      for (const r of [e.headers, ...e.full]) {
        if (r.errors?.length) log(`[${shape}] ${e.engine} errors: ${JSON.stringify(r.errors)}`);
        if (r.messages !== ctx.count)
          log(`[${shape}] ${e.engine}: ${r.messages} messages stored of ${ctx.count}`);
        if (r !== e.headers && r.bodies !== r.messages)
          log(`[${shape}] ${e.engine}: ${r.bodies} bodies stored of ${r.messages}`);
      }
    return {
      shape,
      count: ctx.count,
      ...corpus,
      loadStart,
      loadEnd: os.loadavg(),
      fsyncP50Ms,
      engines,
      mbsync,
      generated: extras,
    };
  } finally {
    await server.stop();
    for (const store of kept) await stores.drop(store);
    rmSync(work, { recursive: true, force: true });
  }
}
