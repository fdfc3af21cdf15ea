// The load phase: people sign in (each gets their own access token), then autocannon's
// clients call one API method as fast as they can, each request as a person picked at
// random; or, paced, requests arrive at random at a given rate (paced()). Latencies are
// recorded here, request by request, for p50/p95/p99 (autocannon's own histogram has no p95).
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import type { BenchPerson, SeededPerson } from './seed.js';

export interface SignedIn extends SeededPerson {
  token: string;
}

export interface LoadFigures {
  method: string;
  target: string;
  instances: number;
  connections: number;
  /** Requests per second in all, when paced; null: each client sent as soon as answered. */
  rate: number | null;
  seconds: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers that were not 2xx, errors and timeouts: each should be 0. */
  failed: number;
  /** CPU time per request of the processes at work, in ms, by kind (cpuSpent). */
  cpu: Record<string, number>;
}

const TICKS_PER_SECOND = 100;

/** A process's kind and the CPU seconds it has used so far. */
type CpuSnapshot = Map<number, { kind: string; seconds: number }>;

/**
 * The CPU seconds each process of the machine has used so far, for the kinds at work:
 * Postgres's backends, the Node processes other than this one (the instances, or a floor's
 * server), nginx and Redis; this one is the bench. Read from /proc.
 */
export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const kind =
      Number(pid) === process.pid
        ? 'bench'
        : comm.startsWith('postgres')
          ? 'postgres'
          : comm === 'node' || comm.startsWith('MainThread')
            ? 'server'
            : comm.startsWith('nginx')
              ? 'nginx'
              : comm.startsWith('redis')
                ? 'redis'
                : null;
    if (kind) out.set(Number(pid), { kind, seconds });
  }
  return out;
}

/**
 * CPU seconds spent between two snapshots, by kind: each process's own difference (one that
 * began meanwhile counts whole, one that ended is left out), so that a process ending in
 * between takes nothing away from the others.
 */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, now] of after) {
    const then = before.get(pid);
    const spent = then && then.kind === now.kind ? now.seconds - then.seconds : now.seconds;
    out[now.kind] = (out[now.kind] ?? 0) + spent;
  }
  return out;
}

async function post(url: string, method: string, body: unknown, token?: string) {
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!res.ok || !json.ok)
    throw new Error(`${method}: ${res.status} ${json.error?.message ?? JSON.stringify(json)}`);
  return json.value;
}

export async function signIn<P extends BenchPerson>(
  url: string,
  people: P[],
): Promise<(P & { token: string })[]> {
  const out: (P & { token: string })[] = [];
  for (const p of people) {
    const value = (await post(url, 'auth.login', { email: p.email, password: p.password })) as {
      accessToken: string;
    };
    out.push({ ...p, token: value.accessToken });
  }
  return out;
}

export type Body = (person: SignedIn, n: number) => unknown;

/**
 * Checks that each person's request answers with what the bench expects (a full page, hits),
 * so that a fast figure is not one of errors or empty answers.
 */
export async function check(
  url: string,
  method: string,
  people: SignedIn[],
  body: Body,
): Promise<number> {
  let items = 0;
  for (const [i, p] of people.entries()) {
    const value = (await post(url, method, body(p, i), p.token)) as {
      messages?: unknown[];
      hits?: unknown[];
    };
    items += (value.messages ?? value.hits ?? []).length;
  }
  if (items === 0) throw new Error(`${method} answered nothing for every person`);
  return items;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface LoadOptions {
  url: string;
  target: string;
  instances: number;
  method: string;
  people: SignedIn[];
  body: Body;
  connections: number;
  seconds: number;
  /**
   * Requests per second in all, arriving at random (a Poisson process) over the clients;
   * without, each client sends again as soon as it is answered (autocannon).
   */
  rate?: number;
}

export async function load(opts: LoadOptions): Promise<LoadFigures> {
  if (opts.rate) return paced(opts, opts.rate);
  let n = 0;
  const run = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: `/api/${opts.method}`,
        setupRequest: (req) => {
          const person = opts.people[Math.floor(Math.random() * opts.people.length)]!;
          return {
            ...req,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${person.token}`,
            },
            body: JSON.stringify(opts.body(person, n++)),
          };
        },
      },
    ],
  });
  const latencies: number[] = [];
  run.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const before = cpuSnapshot();
  const result = await run;
  const after = cpuSnapshot();
  return figures(opts, {
    latencies,
    seconds: result.duration,
    failed: result.non2xx + result.errors + result.timeouts,
    before,
    after,
  });
}

/**
 * Requests arriving as people's do, independently of each other and of the answers: at
 * exponentially distributed gaps, `rate` per second in all, over `connections` kept-alive
 * sockets. (autocannon's own pacing sends each client's share at the top of every second,
 * all clients at once: a burst of every client, which measures a queue, not a pace.) A
 * request's latency counts from when it was due, so one that waited for a free socket
 * counts its wait too.
 */
async function paced(opts: LoadOptions, rate: number): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const url = new URL(`/api/${opts.method}`, opts.url);
  const latencies: number[] = [];
  let failed = 0;
  let n = 0;
  const send = (due: number): Promise<void> =>
    new Promise((resolve) => {
      const person = opts.people[Math.floor(Math.random() * opts.people.length)]!;
      const body = JSON.stringify(opts.body(person, n++));
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          timeout: 30_000,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${person.token}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) failed++;
            latencies.push(performance.now() - due);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const before = cpuSnapshot();
  const started = performance.now();
  const end = started + opts.seconds * 1000;
  const inFlight = new Set<Promise<void>>();
  let due = started;
  for (;;) {
    due += (-Math.log(1 - Math.random()) / rate) * 1000;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = send(due);
    inFlight.add(sent);
    void sent.then(() => inFlight.delete(sent));
  }
  await Promise.all(inFlight);
  const after = cpuSnapshot();
  agent.destroy();
  return figures(opts, {
    latencies,
    seconds: (performance.now() - started) / 1000,
    failed,
    before,
    after,
  });
}

function figures(
  opts: LoadOptions,
  run: {
    latencies: number[];
    seconds: number;
    failed: number;
    before: CpuSnapshot;
    after: CpuSnapshot;
  },
): LoadFigures {
  const sorted = Float64Array.from(run.latencies).sort();
  return {
    method: opts.method,
    target: opts.target,
    instances: opts.instances,
    connections: opts.connections,
    rate: opts.rate ?? null,
    seconds: run.seconds,
    requests: run.latencies.length,
    perSecond: run.latencies.length / run.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    failed: run.failed,
    cpu: Object.fromEntries(
      Object.entries(cpuSpent(run.before, run.after)).map(([kind, seconds]) => [
        kind,
        (seconds * 1000) / Math.max(1, run.latencies.length),
      ]),
    ),
  };
}
