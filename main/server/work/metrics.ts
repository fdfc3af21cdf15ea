// Prometheus metrics of one instance (prom-client, a registry of its own): request latency
// by method and status, the queue's jobs by state and its depth, the leases and IMAP
// connections this instance holds, and each held account's sync lag. Values that live
// elsewhere (the queue, the leases) are read when Prometheus scrapes, not kept in step.
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATES, type JobState } from './queue.js';

export interface MetricsSources {
  instanceId: string;
  jobCounts?: () => Promise<Record<JobState, number>>;
  leasesHeld?: () => number;
  /** IMAP connections open now: one IDLE per held account, one per running job. */
  imapConnections?: () => number;
  /** When each account held here last finished a sync (null: not yet). */
  lastSyncs?: () => Promise<{ accountId: number; lastSyncAt: string | null }[]>;
}

export const METRICS_PATH = '/metrics';

export class WorkMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'status'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const instance = sources.instanceId;
    this.httpDuration = new Histogram({
      name: 'maildock_http_request_duration_seconds',
      help: 'HTTP request latency by method and status',
      labelNames: ['method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    new Gauge({
      name: 'maildock_jobs',
      help: 'Jobs of the work queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        if (!sources.jobCounts) return;
        const counts = await sources.jobCounts();
        for (const state of JOB_STATES) this.set({ state }, counts[state]);
      },
    });
    new Gauge({
      name: 'maildock_queue_depth',
      help: 'Jobs waiting to run (waiting and delayed)',
      registers,
      async collect() {
        if (!sources.jobCounts) return;
        const counts = await sources.jobCounts();
        this.set(counts.waiting + counts.delayed);
      },
    });
    new Gauge({
      name: 'maildock_leases_held',
      help: 'Account leases held by this instance',
      labelNames: ['instance'],
      registers,
      collect() {
        this.set({ instance }, sources.leasesHeld?.() ?? 0);
      },
    });
    new Gauge({
      name: 'maildock_imap_connections',
      help: 'IMAP connections this instance keeps open',
      labelNames: ['instance'],
      registers,
      collect() {
        this.set({ instance }, sources.imapConnections?.() ?? 0);
      },
    });
    new Gauge({
      name: 'maildock_sync_lag_seconds',
      help: 'Time since the last finished sync of each account held here',
      labelNames: ['account'],
      registers,
      async collect() {
        this.reset();
        if (!sources.lastSyncs) return;
        const now = Date.now();
        for (const { accountId, lastSyncAt } of await sources.lastSyncs()) {
          if (lastSyncAt === null) continue;
          this.set({ account: String(accountId) }, (now - Date.parse(lastSyncAt)) / 1000);
        }
      },
    });
  }

  observeRequest(method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, status: String(status) }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * Times every request of the app and serves `GET /metrics`. Register it on the root app so
 * the hook sees every route (and the 404s).
 */
export function registerMetrics(app: FastifyInstance, metrics: WorkMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get(METRICS_PATH, async (_request, reply) => {
    const text = await metrics.text();
    return reply.type(metrics.contentType).send(text);
  });
}
