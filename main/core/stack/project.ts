// What every part of the stack's controller shares: the one connection to Docker, the
// stack's files and its plan, the progress it reports, and the project's containers as
// Docker has them (found by compose's project label, so `docker compose ps` sees the same).
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import type {
  StackProgress,
  StackService,
  StackServiceStatus,
  StackSettings,
  StackStatus,
} from '../../../common/stack.js';
import { STACK_SERVICES } from '../../../common/stack.js';
import { getLogger } from '../platform/log.js';
import { stackDir } from '../platform/paths.js';
import { loadCompose } from './compose-file.js';
import { connectDocker, isNotFound, type DockerOptions } from './docker.js';
import { contextTag } from './images.js';
import { composeEnv, LABEL, planStack, type StackPlan } from './plan.js';
import { StackFiles } from './stack-files.js';

const log = getLogger('stack');

/** The stack's compose file (read when a controller is made: the desktop app sets its place first). */
export const composeFile = () => join(stackDir(), 'compose.yml');

export interface StackControllerOptions {
  dataDir: string;
  composeFile?: string;
  docker?: DockerOptions;
  onProgress?: (progress: StackProgress) => void;
  /** Runs once per `up` when a service is first healthy, before what depends on it starts. */
  onHealthy?: (service: StackService) => Promise<void>;
}

export class StackProject {
  readonly files: StackFiles;
  private readonly composeFile: string;
  private docker: Docker | null = null;
  /** The images' tag: a hash of what they are built from. */
  private tag: string | null = null;

  constructor(private readonly options: StackControllerOptions) {
    this.files = new StackFiles(options.dataDir);
    this.composeFile = options.composeFile ?? composeFile();
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  progress(progress: StackProgress): void {
    log.info({ step: progress.step, service: progress.service }, progress.message);
    this.options.onProgress?.(progress);
  }

  async healthy(service: StackService): Promise<void> {
    await this.options.onHealthy?.(service);
  }

  async engine(): Promise<Docker> {
    this.docker ??= await connectDocker(this.options.docker);
    return this.docker;
  }

  settings(): StackSettings {
    return this.files.settings();
  }

  plan(settings = this.settings()): StackPlan {
    const load = (tag: string) =>
      loadCompose(this.composeFile, composeEnv(settings, this.files.secretsDir, tag));
    // The build files ship with the app: hashed once per process, not on every status call.
    this.tag ??= contextTag(
      planStack(load('x'), settings).services.flatMap((s) => (s.build ? [s.build.context] : [])),
    );
    return planStack(load(this.tag), settings);
  }

  async containers(project: string): Promise<Map<string, ContainerInspectInfo>> {
    const docker = await this.engine();
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.project}=${project}`] },
    });
    const out = new Map<string, ContainerInspectInfo>();
    for (const c of list) {
      const service = c.Labels[LABEL.service];
      if (!service) continue;
      try {
        out.set(service, await docker.getContainer(c.Id).inspect());
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return out;
  }

  /** The project's containers (or one service's, which must exist), in the plan's order. */
  async existing(service?: StackService): Promise<[string, ContainerInspectInfo][]> {
    const settings = this.settings();
    const found = await this.containers(settings.project);
    if (service && !found.has(service))
      throw new MaildockError(
        'STACK_NOT_RUNNING',
        `${service} has no container: run maildock stack up first.`,
        { service },
      );
    const order = this.plan(settings).services.map((s) => s.service);
    return [...found.entries()]
      .filter(([s]) => !service || s === service)
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  }

  async status(): Promise<StackStatus> {
    const settings = this.settings();
    const plan = this.plan(settings);
    const found = await this.containers(settings.project);
    const now = Date.now();
    return {
      project: settings.project,
      network: settings.network,
      services: STACK_SERVICES.map((service): StackServiceStatus => {
        const c = found.get(service);
        const planned = plan.services.find((s) => s.service === service);
        const running = c?.State.Running ?? false;
        const started = c && running ? Date.parse(c.State.StartedAt) : NaN;
        return {
          service,
          state: c ? (c.State.Status as StackServiceStatus['state']) : 'missing',
          health: (c?.State.Health?.Status as StackServiceStatus['health'] | undefined) ?? 'none',
          ports: (planned?.ports ?? []).map((p) => ({
            name: p.name ?? String(p.port),
            host: p.host,
            port: p.port,
          })),
          startedAt: c && running ? c.State.StartedAt : null,
          uptimeSeconds: Number.isFinite(started)
            ? Math.max(0, Math.round((now - started) / 1000))
            : null,
          restartCount: c?.RestartCount ?? 0,
          image: c?.Config.Image ?? null,
          container: c?.Name.replace(/^\//, '') ?? null,
        };
      }),
    };
  }
}
