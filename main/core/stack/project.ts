// What every part of the stack's controller shares: the one connection to Docker, the
// stack's files and its plan, the progress it reports, and the project's containers as
// Docker has them (found by compose's project label, so `docker compose ps` sees the same).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
import { activeServices } from '../../../common/stack.js';
import { getLogger } from '../platform/log.js';
import { stackDir } from '../platform/paths.js';
import { loadCompose } from './compose-file.js';
import { connectDocker, isNotFound, type DockerOptions } from './docker.js';
import { contextTag } from './images.js';
import {
  composeEnv,
  instanceKey,
  LABEL,
  planStack,
  type ServerImage,
  type StackPlan,
} from './plan.js';
import { StackFiles } from './stack-files.js';

const log = getLogger('stack');

/** The stack's compose file (read when a controller is made: the desktop app sets its place first). */
export const composeFile = () => join(stackDir(), 'compose.yml');

/**
 * Where the server image's build context is staged (scripts/server-image.sh writes it, with
 * a `stamp` line that hashes what it holds), and that hash as the image's tag: hashing the
 * app's node_modules on every status call would cost seconds. Not staged: tag `unstaged`.
 */
export function serverImage(composePath: string): ServerImage {
  const context =
    process.env.MAILDOCK_SERVER_CONTEXT ??
    resolve(dirname(composePath), '..', 'build', 'server-image');
  let tag = 'unstaged';
  try {
    tag = /^[0-9a-f]{12}$/.exec(readFileSync(join(context, 'stamp'), 'utf8').trim())?.[0] ?? tag;
  } catch {
    // Not staged: the image must exist already, or `up` says how to stage it.
  }
  return { context, tag };
}

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
    const server = serverImage(this.composeFile);
    const load = (tag: string) =>
      loadCompose(this.composeFile, composeEnv(settings, this.files.secretsDir, tag, server));
    // The build files ship with the app: hashed once per process, not on every status call.
    // The server's context (the built app) carries its own tag: see serverImage.
    this.tag ??= contextTag(
      planStack(load('x'), { ...settings, profiles: [] }).services.flatMap((s) =>
        s.build ? [s.build.context] : [],
      ),
    );
    return planStack(load(this.tag), settings);
  }

  /** The project's containers by their plan's key (the service; `service#n` for instance n > 1). */
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
      const instance = Number(c.Labels[LABEL.number] ?? '1') || 1;
      try {
        out.set(instanceKey(service, instance), await docker.getContainer(c.Id).inspect());
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
    const serviceOf = (key: string) => key.split('#')[0]!;
    if (service && ![...found.keys()].some((k) => serviceOf(k) === service))
      throw new MaildockError(
        'STACK_NOT_RUNNING',
        `${service} has no container: run maildock stack up first.`,
        { service },
      );
    const order = this.plan(settings).services.map((s) => s.key);
    return [...found.entries()]
      .filter(([k]) => !service || serviceOf(k) === service)
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([k, c]) => [serviceOf(k), c]);
  }

  async status(): Promise<StackStatus> {
    const settings = this.settings();
    const plan = this.plan(settings);
    const found = await this.containers(settings.project);
    const now = Date.now();
    return {
      project: settings.project,
      network: settings.network,
      services: activeServices(settings.profiles).map((service): StackServiceStatus => {
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
