// The stack's health: each service's container state and Docker healthcheck, plus probes
// that talk to it as a client would. A round gives every service a state and the stack an
// overall one; the monitor runs rounds on an interval, keeps a short history and pushes
// each round to whoever listens (the tray, the stack panel, `maildock stack health --watch`).
import type { ContainerInspectInfo } from 'dockerode';
import {
  STACK_SERVICES,
  type OverallHealth,
  type ServiceHealth,
  type StackHealth,
  type StackService,
  type StackSettings,
} from '../../../common/stack.js';
import { toErrorData } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import type { StackController } from './controller.js';
import { probeService, type ProbeCredentials, type ProbeResult } from './probes.js';

const log = getLogger('stack-health');

type ContainerState = ServiceHealth['container'];
type DockerHealth = ServiceHealth['dockerHealth'];

/** One service's state from what Docker says and what the probes found. Pure. */
export function serviceHealth(
  service: StackService,
  container: ContainerState,
  dockerHealth: DockerHealth,
  probes: ProbeResult[],
): ServiceHealth {
  const latencyMs = probes.length ? Math.max(...probes.map((p) => p.latencyMs)) : null;
  const failed = probes.find((p) => !p.ok);
  const base = { service, container, dockerHealth, latencyMs, probes };
  if (container === 'missing')
    return { ...base, state: 'stopped', problem: `${service} has no container` };
  if (container === 'restarting')
    return { ...base, state: 'unhealthy', problem: `${service} keeps restarting` };
  if (container !== 'running')
    return {
      ...base,
      state: 'stopped',
      problem: `${service} is ${container === 'exited' ? 'stopped' : container}`,
    };
  if (!failed) return { ...base, state: 'healthy', problem: null };
  if (dockerHealth === 'starting')
    return { ...base, state: 'starting', problem: `${service} is starting` };
  return {
    ...base,
    state: 'unhealthy',
    problem: `${service}: ${failed.name} failed: ${failed.error ?? 'no answer'}`,
  };
}

/** The stack's state: stopped when nothing runs, down when nothing works, else the worst. Pure. */
export function overallHealth(services: ServiceHealth[]): {
  overall: OverallHealth;
  summary: string;
} {
  const running = services.filter((s) => s.container === 'running' || s.container === 'restarting');
  if (!running.length) return { overall: 'stopped', summary: 'The stack is stopped' };
  const bad = services.filter((s) => s.state !== 'healthy');
  if (!bad.length) return { overall: 'healthy', summary: 'All services healthy' };
  const summary = bad.map((s) => s.problem ?? `${s.service} is ${s.state}`).join('; ');
  if (bad.length === services.length) return { overall: 'down', summary };
  return { overall: 'degraded', summary };
}

export class HealthMonitor {
  private readonly history: StackHealth[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<StackHealth> | null = null;

  constructor(
    private readonly controller: StackController,
    private readonly onRound: (h: StackHealth) => void,
    private readonly historySize = 120,
  ) {}

  /** One round now; rounds asked for while one runs share it. */
  round(): Promise<StackHealth> {
    this.inFlight ??= this.doRound().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async doRound(): Promise<StackHealth> {
    const started = performance.now();
    const at = new Date().toISOString();
    let settings: StackSettings;
    let containers: Map<string, ContainerInspectInfo>;
    try {
      settings = this.controller.settings();
      containers = await this.controller.inspectAll();
    } catch (err) {
      const error = toErrorData(err);
      const h: StackHealth = {
        overall: 'down',
        at,
        roundMs: Math.round(performance.now() - started),
        services: STACK_SERVICES.map((service) => ({
          service,
          state: 'stopped',
          container: 'missing',
          dockerHealth: 'none',
          latencyMs: null,
          probes: [],
          problem: error.message,
        })),
        summary: error.message,
      };
      return this.record(h);
    }
    const creds = this.credentials();
    const services = await Promise.all(
      STACK_SERVICES.map(async (service) => {
        const c = containers.get(service);
        const state = (c?.State.Status ?? 'missing') as ContainerState;
        const dockerHealth = (c?.State.Health?.Status ?? 'none') as DockerHealth;
        const probes = state === 'running' ? await probeService(service, settings, creds) : [];
        return serviceHealth(service, state, dockerHealth, probes);
      }),
    );
    const { overall, summary } = overallHealth(services);
    return this.record({
      overall,
      at,
      roundMs: Math.round(performance.now() - started),
      services,
      summary,
    });
  }

  private credentials(): ProbeCredentials {
    const files = this.controller.files;
    const read = (s: 'postgres' | 'redis' | 'dovecot') => {
      try {
        return files.secret(s);
      } catch {
        return '';
      }
    };
    return {
      postgres: read('postgres'),
      redis: read('redis'),
      probe: read('dovecot'),
      cert: files.pinnedCert()?.pem ?? null,
    };
  }

  private record(h: StackHealth): StackHealth {
    const prev = this.history.at(-1);
    this.history.push(h);
    if (this.history.length > this.historySize) this.history.shift();
    if (prev?.overall !== h.overall)
      log.info({ overall: h.overall, summary: h.summary }, 'stack health changed');
    this.onRound(h);
    return h;
  }

  recent(limit = this.historySize): StackHealth[] {
    return this.history.slice(-limit);
  }

  get active(): boolean {
    return this.running;
  }

  /** Rounds every `intervalMs` (the settings' by default) until stop(). */
  start(intervalMs?: number): void {
    if (this.running) return;
    this.running = true;
    const every = () => intervalMs ?? this.controller.settings().healthIntervalMs;
    const tick = async () => {
      if (!this.running) return;
      const started = Date.now();
      await this.round().catch((err: unknown) => log.warn({ err }, 'health round failed'));
      if (!this.running) return;
      this.timer = setTimeout(() => void tick(), Math.max(0, every() - (Date.now() - started)));
      this.timer.unref?.();
    };
    void tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
