// One phase of Maildock's side of the benchmark, in a process of its own so its peak RSS is
// Maildock's alone; prints one JSON line with the figures. It runs compiled
// (tsconfig.bench.json), as users run Maildock: no TypeScript loader in the process, plain
// JavaScript in the MIME workers.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MaildockService } from '../../main/core/service.js';
import { initLogging } from '../../main/core/platform/log.js';
import { measureStages } from '../../main/core/platform/stages.js';
import { AccountSync } from '../../main/core/sync/account-sync.js';
import { ms, summarize } from './stats.js';

interface Job {
  phase: 'headers' | 'full' | 'resync' | 'search';
  dataDir: string;
  secretKey: string;
  /** A postgres:// URL: the store on Postgres; else SQLite in dataDir. */
  database?: string;
  imap?: { host: string; port: number; user: string; password: string };
  queries?: Record<string, string>;
  runs?: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
if (process.env.MAILDOCK_BENCH_DEBUG) await initLogging({ level: 'debug', pretty: true });
const svc = await MaildockService.open({
  dataDir: job.dataDir,
  secretKey: job.secretKey,
  database: job.database,
  timeoutMs: 120_000,
});
const out: Record<string, unknown> = { phase: job.phase };
try {
  if (job.phase === 'headers' || job.phase === 'full') {
    const { host, port, user, password } = job.imap!;
    const r = await svc.invoke('account.add', {
      email: `${user}@maildock.test`,
      imap: { host, port, security: 'none', user },
      password,
    });
    if (!r.ok) throw new Error(r.error.message);
    // The CPU of the whole process, its parser workers included.
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    if (job.phase === 'headers') {
      // Headers, flags and structure only: the first thing a user sees. No body is parsed.
      const parser = { parse: () => Promise.reject(new Error('no bodies in this phase')) };
      const sync = new AccountSync({
        store: svc.store,
        account: r.value,
        password,
        parser,
        timeoutMs: 120_000,
      });
      out.errors = await sync.runOnce({ bodies: false });
    } else {
      // How busy each stage of the full sync was.
      const meter = measureStages();
      const s = await svc.invoke('sync.run', {});
      out.stages = meter.stop();
      if (!s.ok) throw new Error(s.error.message);
      out.errors = s.value.errors;
      out.summary = s.value;
    }
    out.ms = ms(t0);
    const used = process.cpuUsage(cpu);
    out.cpuMs = (used.user + used.system) / 1000;
    // What the process still holds once the sync is over, after a full collection (the
    // parent starts this child with --expose-gc; the timing above is already taken). Peak
    // RSS includes garbage V8 has not collected yet; this is the memory the sync keeps.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      out.liveHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
    }
    const counts = await svc.store.messages.counts();
    out.messages = counts.messages;
    out.bodies = counts.bodies;
  } else if (job.phase === 'resync') {
    // Maildock runs for days: a resync happens in a warm process, so warm it first. Then the
    // no-change resyncs, then the parent changes flags on the server and says "go".
    const timed = async () => {
      const t0 = process.hrtime.bigint();
      const s = await svc.invoke('sync.run', {});
      if (!s.ok) throw new Error(s.error.message);
      if (s.value.errors.length) out.errors = s.value.errors;
      return ms(t0);
    };
    await timed();
    const noChange = [await timed(), await timed(), await timed()].sort((a, b) => a - b);
    out.noChangeMs = noChange[1];
    process.stdout.write('READY\n');
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) if (line.trim() === 'go') break;
    lines.close();
    process.stdin.destroy();
    out.flagsMs = await timed();
  } else {
    const results: Record<string, { p50: number; p95: number; hits: number; count?: string }> = {};
    // Every kind once a few times first: the code all kinds share is compiled by V8 before
    // any is timed, so the first kind's tail does not carry the process's warm-up.
    for (let i = 0; i < 5; i++)
      for (const query of Object.values(job.queries!))
        await svc.invoke('message.search', { query, limit: 50 });
    for (const [kind, query] of Object.entries(job.queries!)) {
      const samples: number[] = [];
      let hits = 0;
      let count = '';
      // Each search counts its matches too (up to its limit), as the app's first page does.
      for (let i = 0; i < (job.runs ?? 50); i++) {
        const t0 = process.hrtime.bigint();
        const r = await svc.invoke('message.search', { query, limit: 50 });
        samples.push(ms(t0));
        if (!r.ok) throw new Error(`${kind}: ${r.error.message}`);
        hits = r.value.hits.length;
        count = `${r.value.total ?? '?'}${r.value.more ? '+' : ''}`;
      }
      results[kind] = { ...summarize(samples.slice(5)), hits, count };
    }
    out.search = results;
  }
} finally {
  await svc.close();
}
// VmHWM, the peak RSS of this process image. getrusage's maxRSS would not do: on Linux it
// starts from the RSS of the parent that forked this process before exec.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
out.maxRssMb = hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify(out)}\n`);
