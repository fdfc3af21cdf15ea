// The server bench's report: a markdown table per phase, and the ratios of 2 instances to 1.
import type { LoadFigures } from './load.js';
import type { SeedFigures } from './seed.js';
import type { SyncFigures } from './sync.js';

export interface ServerFigures {
  command: string;
  quick: boolean;
  people: number;
  tenants: number;
  connections: number;
  seed: SeedFigures;
  load: LoadFigures[];
  sync: SyncFigures[];
}

const TARGET_P95: Record<string, number> = { 'message.list': 50, 'message.search': 100 };
const ms = (n: number) => n.toFixed(1);
const s = (n: number) => n.toFixed(1);

/** Where a request's CPU went: the Node server (Maildock's instances, or a floor's), Postgres, nginx, Redis. */
function cpuText(r: LoadFigures): string {
  const order = ['server', 'postgres', 'nginx', 'redis', 'bench'];
  return order
    .filter((k) => (r.cpu[k] ?? 0) >= 0.005)
    .map((k) => `${k} ${(r.cpu[k] ?? 0).toFixed(2)}`)
    .join(', ');
}

function loadTable(rows: LoadFigures[]): string[] {
  const out = [
    '| method | through | instances | clients | req/s | p50 ms | p95 ms | p99 ms | p95 target | failed | CPU ms per request |',
    '| ------ | ------- | --------- | ------- | ----- | ------ | ------ | ------ | ---------- | ------ | ------------------ |',
  ];
  for (const r of rows) {
    const target = TARGET_P95[r.method];
    const verdict =
      target === undefined ? '' : `< ${target} ms ${r.p95 < target ? 'met' : 'MISSED'}`;
    out.push(
      `| ${r.method} | ${r.target} | ${r.instances} | ${r.connections}${r.rate ? `, paced: ${r.rate}/s in all` : ''} | ${r.perSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${verdict} | ${r.failed} | ${cpuText(r)} |`,
    );
  }
  return out;
}

function syncTable(rows: SyncFigures[]): string[] {
  const out = [
    '| instances | accounts | messages | headers stored | msgs/s (headers) | bodies stored | msgs/s (bodies) | leases per instance |',
    '| --------- | -------- | -------- | -------------- | ---------------- | ------------- | --------------- | ------------------- |',
  ];
  for (const r of rows) {
    const leases = Object.values(r.leases).join(' / ') || 'none read';
    out.push(
      `| ${r.instances} | ${r.accounts} | ${r.messages} | ${s(r.headersSeconds)} s | ${(r.messages / r.headersSeconds).toFixed(0)} | ${s(r.bodiesSeconds)} s | ${(r.messages / r.bodiesSeconds).toFixed(0)} | ${leases} |`,
    );
  }
  return out;
}

function ratios(f: ServerFigures): string[] {
  const out: string[] = [];
  for (const method of ['message.list', 'message.search']) {
    const one = f.load.find(
      (r) =>
        r.method === method &&
        r.target === 'nginx' &&
        r.instances === 1 &&
        r.connections === f.connections &&
        r.rate === null,
    );
    const two = f.load.find(
      (r) =>
        r.method === method &&
        r.target === 'nginx' &&
        r.instances === 2 &&
        r.connections === f.connections &&
        r.rate === null,
    );
    if (one && two)
      out.push(
        `- ${method} through nginx: ${(two.perSecond / one.perSecond).toFixed(2)}× the requests/s with 2 instances`,
      );
  }
  const one = f.sync.find((r) => r.instances === 1);
  const two = f.sync.find((r) => r.instances === 2);
  if (one && two)
    out.push(
      `- sync: ${(one.bodiesSeconds / two.bodiesSeconds).toFixed(2)}× the msgs/s with 2 instances (every body stored)`,
    );
  return out;
}

export function report(f: ServerFigures): string {
  const seed = f.seed;
  return [
    `## Server of many people${f.quick ? ' (quick run)' : ''}: \`${f.command}\``,
    '',
    `Seeded ${seed.messages} messages over ${f.people} people of ${f.tenants} tenants in ${s(seed.totalMs / 1000)} s ` +
      `(people and folders ${s(seed.peopleMs / 1000)} s, generating the corpus ${s(seed.generateMs / 1000)} s, ` +
      `insertHeaders ${s(seed.headersMs / 1000)} s, bodies.save ${s(seed.bodiesMs / 1000)} s): ` +
      `${(seed.messages / (seed.totalMs / 1000)).toFixed(0)} msgs/s.`,
    '',
    `Load: ${f.connections} concurrent clients, each sending its next request as soon as it is answered (and one client alone; and the clients paced, their requests arriving at random moments at the rate shown: bench/server/load.ts \`paced\`), each request as one of the ${f.people} people picked at random, with their own token:`,
    '',
    ...loadTable(f.load),
    '',
    "`floor`: a bare fastify answering every request from one `SELECT 1` on the same Postgres (bench/server/floor.ts), what any Node server here pays for HTTP and one round trip. `floor.page`: a bare fastify answering with the rows of message.list's own statement (the page of 50, counted), in the person's row-level-security transaction as the store runs it, sent as they come: no token checked, no contract, no summaries; what any server answering that page pays here at the least. `floor.search`: a bare fastify answering with what the store's own search returns for the same queries (the hits, their snippets and the summaries of their messages), in the person's reading transaction: the search without the API around it. Each floor's server runs in a process of its own with the instances' Node flags, so its CPU shows as `server`, like an instance's. The CPU columns count every Node process of the machine as `server`: run the bench on a quiet machine.",
    '',
    'Sync from scratch, accounts added through the API (account.add):',
    '',
    ...syncTable(f.sync),
    '',
    'Scaling, 1 → 2 instances on this machine:',
    '',
    ...ratios(f),
  ].join('\n');
}
