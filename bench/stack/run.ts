// npm run bench:stack [-- --no-cold] [--rounds N] [--warm R]
// The bundled stack on the local Docker engine, with host networking on free loopback ports
// (as its tests run): cold `up` (every image built without cache), warm `up` (images and
// volumes there, containers created and started, until all healthy), `up` on a running
// stack, one health round (p50/p95), and how long a stopped service takes to show.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { StackHealth } from '../../common/stack.js';
import { MaildockService } from '../../main/core/service.js';
import { freeStackPorts } from '../../test/support/stack.js';

const { values: args } = parseArgs({
  options: {
    'no-cold': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '30' },
    warm: { type: 'string', default: '3' },
    interval: { type: 'string', default: '5000' },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maildock-stack-bench-'));
const svc = await MaildockService.open({ dataDir, secretKey: randomBytes(32).toString('base64') });

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await svc.invoke(method as never, input);
  if (!r.ok)
    throw new Error(
      `${r.error.code}: ${r.error.message}\n${JSON.stringify(r.error.fields ?? {}, null, 2)}`,
    );
  return r.value as T;
}

const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => pct(xs, 50);

const ports = await freeStackPorts();
const interval = Number(args.interval);
await call('stack.config', {
  project: `mdbench${randomBytes(3).toString('hex')}`,
  network: 'host',
  ports,
  healthIntervalMs: interval,
});

const rows: [string, string][] = [];
try {
  if (!args['no-cold']) {
    log('cold up: building every image without cache…');
    const cold = await time(() => call('stack.up', { rebuild: true }));
    rows.push([
      'cold `up` (4 images built without cache, then all healthy)',
      `${cold.toFixed(1)} s`,
    ]);
  } else {
    await call('stack.up', {});
  }
  const warm: number[] = [];
  for (let i = 0; i < Number(args.warm); i++) {
    await call('stack.down', {});
    log(`warm up ${i + 1}…`);
    warm.push(await time(() => call('stack.up', {})));
  }
  rows.push([
    `warm \`up\` (images and volumes there; containers created, started, all healthy), median of ${warm.length}`,
    `${median(warm).toFixed(1)} s (${warm.map((w) => w.toFixed(1)).join(', ')})`,
  ]);
  const noop = await time(() => call('stack.up', {}));
  rows.push(['`up` on the running stack (nothing to do)', `${(noop * 1000).toFixed(0)} ms`]);

  const rounds: number[] = [];
  const probes: Record<string, number[]> = {};
  for (let i = 0; i < Number(args.rounds); i++) {
    const h = await call<{ current: StackHealth }>('stack.health', {});
    if (h.current.overall !== 'healthy') throw new Error(`not healthy: ${h.current.summary}`);
    rounds.push(h.current.roundMs);
    for (const s of h.current.services) (probes[s.service] ??= []).push(s.latencyMs ?? 0);
  }
  rows.push([
    `one health round (every probe of 4 services, side by side), p50 / p95 of ${rounds.length}`,
    `${median(rounds)} / ${pct(rounds, 95)} ms`,
  ]);
  for (const [s, xs] of Object.entries(probes))
    rows.push([
      `  ${s}: slowest probe, p50 / p95`,
      `${median(xs).toFixed(1)} / ${pct(xs, 95).toFixed(1)} ms`,
    ]);

  log(`a stopped service, with the monitor probing every ${interval} ms…`);
  const seen: StackHealth[] = [];
  svc.on('stack.health', (h) => seen.push(h));
  await svc.monitorStack(interval);
  await new Promise((r) => setTimeout(r, interval / 2));
  const stopped = Date.now();
  await call('stack.stop', { service: 'dovecot' });
  const stopTook = Date.now() - stopped;
  let shown: StackHealth | undefined;
  while (
    !(shown = seen.find((h) => Date.parse(h.at) >= stopped && h.overall === 'degraded')) &&
    Date.now() - stopped < 60_000
  )
    await new Promise((r) => setTimeout(r, 20));
  if (!shown) throw new Error('the stopped service was never shown');
  const detect = (Date.parse(shown.at) + shown.roundMs - stopped) / 1000;
  rows.push([
    `stopped Dovecot shown as degraded ("${shown.summary}"), from the stop request (the stop itself ${stopTook} ms), probing every ${interval / 1000} s`,
    `${detect.toFixed(1)} s`,
  ]);
  await call('stack.start', { service: 'dovecot' });
} finally {
  await svc.invoke('stack.down', { volumes: true, confirm: true });
  await svc.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const report = [
  `Stack benchmark, ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores; Docker engine with host networking on loopback)`,
  '',
  '| measure | figure |',
  '| --- | --- |',
  ...rows.map(([k, v]) => `| ${k} | ${v} |`),
].join('\n');
console.log(report);
mkdirSync(path.join(root, '.bench'), { recursive: true });
writeFileSync(path.join(root, '.bench', 'stack.md'), `${report}\n`);
