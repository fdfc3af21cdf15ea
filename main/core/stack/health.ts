// The stack's health: each service's container state and Docker healthcheck, plus probes
// that talk to it as a client would. A round gives every service a state and the stack an
// overall one; the monitor runs rounds on an interval, keeps a short history and pushes
// each round to whoever listens (the tray, the stack panel, `maildock stack health --watch`).
import type { ContainerInspectInfo } from 'dockerode';
import {
  activeServices,
  CERT_WARNING_DAYS,
  type OverallHealth,
  type ServedCertificate,
  type ServiceHealth,
  type StackHealth,
  type StackService,
  type StackSettings,
} from '../../../common/stack.js';
import { toErrorData } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import type { StackController } from './controller.js';
import { probeNginx } from './http-probes.js';
import { instanceKey, SCALED_SERVICE } from './plan.js';
import { probeService, type ProbeCredentials, type ProbeResult } from './probes.js';

const log = getLogger('stack-health');

type ContainerState = ServiceHealth['container'];
type DockerHealth = ServiceHealth['dockerHealth'];

/**
 * One service's state from what Docker says, what the probes found and, for nginx, the
 * certificate it serves: expired is unhealthy; fewer than CERT_WARNING_DAYS left keeps the
 * service healthy but names the problem, which makes the stack degraded. Pure.
 */
export function serviceHealth(
  service: StackService,
  container: ContainerState,
  dockerHealth: DockerHealth,
  probes: ProbeResult[],
  certificate?: ServedCertificate | null,
): ServiceHealth {
  const latencyMs = probes.length ? Math.max(...probes.map((p) => p.latencyMs)) : null;
  const failed = probes.find((p) => !p.ok);
  const base = {
    service,
    container,
    dockerHealth,
    latencyMs,
    probes,
    ...(certificate ? { certificate } : {}),
  };
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
  const day = certificate?.notAfter.slice(0, 10);
  if (certificate && certificate.daysLeft < 0)
    return {
      ...base,
      state: 'unhealthy',
      problem: `${service} serves a certificate that expired on ${day}`,
    };
  if (!failed && certificate && certificate.daysLeft < CERT_WARNING_DAYS)
    return {
      ...base,
      state: 'healthy',
      problem: `${service}'s certificate expires in ${certificate.daysLeft} day${certificate.daysLeft === 1 ? '' : 's'} (${day}): renew it`,
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
  // Healthy, yet with something to do soon (a certificate about to expire).
  const warned = services.filter((s) => s.state === 'healthy' && s.problem);
  if (!bad.length && warned.length)
    return { overall: 'degraded', summary: warned.map((s) => s.problem).join('; ') };
  if (!bad.length) return { overall: 'healthy', summary: 'All services healthy' };
  const summary = bad.map((s) => s.problem ?? `${s.service} is ${s.state}`).join('; ');
  if (bad.length === services.length) return { overall: 'down', summary };
  return { overall: 'degraded', summary };
}

/**
 * A service's container state; for the server, the worst of its instances (one stopped
 * instance is a problem even while nginx sends requests to the others).
 */
function containerState(
  service: StackService,
  settings: StackSettings,
  containers: Map<string, ContainerInspectInfo>,
): { state: ContainerState; dockerHealth: DockerHealth } {
  const count = service === SCALED_SERVICE ? settings.serverInstances : 1;
  const states = Array.from({ length: count }, (_, i) => {
    const c = containers.get(instanceKey(service, i + 1));
    return {
      state: (c?.State.Status ?? 'missing') as ContainerState,
      dockerHealth: (c?.State.Health?.Status ?? 'none') as DockerHealth,
    };
  });
  return (
    states.find((s) => s.state !== 'running') ??
    states.find((s) => s.dockerHealth !== 'healthy') ??
    states[0]!
  );
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
        services: activeServices(this.profiles()).map((service) => ({
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
      activeServices(settings.profiles).map(async (service) => {
        const { state, dockerHealth } = containerState(service, settings, containers);
        if (state !== 'running') return serviceHealth(service, state, dockerHealth, []);
        if (service === 'nginx') {
          const { probes, certificate } = await probeNginx(settings);
          return serviceHealth(service, state, dockerHealth, probes, certificate);
        }
        const probes = await probeService(service, settings, creds);
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

  private profiles(): StackSettings['profiles'] {
    try {
      return this.controller.settings().profiles;
    } catch {
      return [];
    }
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
