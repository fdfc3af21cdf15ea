// The load phase: people sign in (each gets their own access token), then autocannon's
// clients call one API method as fast as they can, each request as a person picked at
// random. Latencies are recorded here, request by request, for p50/p95/p99 (autocannon's
// own histogram has no p95).
import { readdirSync, readFileSync } from 'node:fs';
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
  seconds: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers that were not 2xx, errors and timeouts: each should be 0. */
  failed: number;
  /** CPU time per request of the processes at work, in ms, by kind (cpuByKind). */
  cpu: Record<string, number>;
}

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by every process of the machine, summed by kind: Postgres's
 * backends, the Node processes other than this one (the instances, or the floor's own
 * server in this process: see `self`), nginx and Redis. Read from /proc.
 */
export function cpuByKind(): Record<string, number> {
  const out: Record<string, number> = {};
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
            ? 'maildock'
            : comm.startsWith('nginx')
              ? 'nginx'
              : comm.startsWith('redis')
                ? 'redis'
                : null;
    if (kind) out[kind] = (out[kind] ?? 0) + seconds;
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

export async function load(opts: {
  url: string;
  target: string;
  instances: number;
  method: string;
  people: SignedIn[];
  body: Body;
  connections: number;
  seconds: number;
}): Promise<LoadFigures> {
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
  const before = cpuByKind();
  const result = await run;
  const after = cpuByKind();
  const sorted = Float64Array.from(latencies).sort();
  return {
    method: opts.method,
    target: opts.target,
    instances: opts.instances,
    connections: opts.connections,
    seconds: result.duration,
    requests: latencies.length,
    perSecond: latencies.length / result.duration,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    failed: result.non2xx + result.errors + result.timeouts,
    cpu: Object.fromEntries(
      Object.entries(after).map(([kind, seconds]) => [
        kind,
        ((seconds - (before[kind] ?? 0)) * 1000) / Math.max(1, latencies.length),
      ]),
    ),
  };
}
