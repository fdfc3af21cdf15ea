// The stack's containers through their life: built, created, started, watched until
// healthy, stopped, removed. `converge` takes whatever it finds (nothing, half-created,
// running, changed) to the plan; it never duplicates.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ContainerInspectInfo } from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import { PROFILE_SERVICES, type StackService } from '../../../common/stack.js';
import { removeHelpers } from './data.js';
import { isNotFound, startContainer, stopContainer } from './docker.js';
import { execCapture } from './exec.js';
import { buildImage, imageExists, pruneOlder } from './images.js';
import { serviceLogs } from './logs.js';
import { LABEL, type ServicePlan, type StackPlan } from './plan.js';
import type { StackProject } from './project.js';

export interface UpOptions {
  /** Build images even when an image of this tag exists, without Docker's cache. */
  rebuild?: boolean;
  /** How long to wait for every service to be healthy. */
  healthTimeoutMs?: number;
}

const TLS_CERT = '/etc/maildock/tls/cert.pem';

export class StackLifecycle {
  constructor(private readonly project: StackProject) {}

  /** Every service as planned, running and healthy, and the stack's certificate pinned. */
  async converge(options: UpOptions): Promise<void> {
    const project = this.project;
    project.progress({ step: 'check', message: 'Checking Docker' });
    await project.engine();
    const settings = project.settings();
    project.files.ensureSecrets();
    project.progress({ step: 'secrets', message: 'Secrets ready' });
    const plan = project.plan(settings);
    const found = await project.containers(plan.project);

    // First, so that the ports of an instance no longer planned are free for the others.
    await this.removeUnplanned(plan, found);
    // A container already running as planned holds its own ports; every other port must be free.
    const current = (s: ServicePlan) => {
      const c = found.get(s.key);
      return !!c && c.State.Running && c.Config.Labels?.[LABEL.configHash] === s.hash;
    };
    for (const s of plan.services) if (!current(s)) await this.checkPorts(s, found.get(s.key));

    await this.images(plan, options);
    await this.storage(plan);

    const timeoutMs = options.healthTimeoutMs ?? 180_000;
    const ready = new Set<string>();
    const healthy = async (s: ServicePlan) => {
      await this.waitHealthy(s, timeoutMs);
      if (ready.has(s.service)) return;
      ready.add(s.service);
      await project.healthy(s.service as StackService);
    };
    // What waits for nothing starts at once; a service that needs another healthy waits for it.
    const waits = (s: ServicePlan) => Object.values(s.dependsOn).includes('service_healthy');
    for (const s of plan.services.filter((p) => !waits(p)))
      await this.convergeService(s, found.get(s.key));
    for (const s of plan.services.filter(waits)) {
      for (const [dep, cond] of Object.entries(s.dependsOn))
        if (cond === 'service_healthy')
          for (const instance of plan.services.filter((p) => p.service === dep))
            await healthy(instance);
      await this.convergeService(s, found.get(s.key));
    }
    for (const s of plan.services) await healthy(s);
    await this.pinCert(plan);
  }

  /** Every image of the plan present: built from stack/ when missing (or when asked to). */
  async images(plan: StackPlan, options: UpOptions): Promise<void> {
    const docker = await this.project.engine();
    const settings = this.project.settings();
    const images = new Map(plan.services.filter((s) => s.build).map((s) => [s.image, s]));
    let current = 0;
    for (const [image, s] of images) {
      current++;
      if (!options.rebuild && (await imageExists(docker, image))) continue;
      const service = s.service as StackService;
      if (!existsSync(join(s.build!.context, s.build!.dockerfile)))
        throw new MaildockError(
          'STACK_BUILD_FAILED',
          `The image ${image} cannot be built: its build context has no ${s.build!.dockerfile}.`,
          {
            image,
            service,
            hint:
              service === 'maildock-server'
                ? 'Stage the server image first: npm run build && scripts/server-image.sh.'
                : 'Reinstall Maildock: its stack folder is incomplete.',
          },
        );
      const total = images.size;
      this.project.progress({
        step: 'build',
        service,
        message: `Building ${image}`,
        current,
        total,
      });
      await buildImage(docker, {
        image,
        context: s.build!.context,
        dockerfile: s.build!.dockerfile,
        args: s.build!.args,
        ...(settings.network === 'host' ? { networkMode: 'host' } : {}),
        ...(options.rebuild ? { noCache: true } : {}),
        onStep: (step) =>
          this.project.progress({
            step: 'build',
            service,
            message: step.length > 120 ? `${step.slice(0, 119)}…` : step,
            current,
            total,
          }),
      });
      await pruneOlder(docker, image);
    }
  }

  /**
   * Containers of the project that the plan no longer has: server instances beyond the
   * count asked for, or the server profile's services once it is off. Compose leaves such
   * orphans running; a desktop that turned the server off expects it gone.
   */
  private async removeUnplanned(
    plan: StackPlan,
    found: Map<string, ContainerInspectInfo>,
  ): Promise<void> {
    const docker = await this.project.engine();
    const planned = new Set(plan.services.map((s) => s.key));
    const optional = new Set<string>(Object.values(PROFILE_SERVICES).flat());
    for (const [key, c] of found) {
      const service = key.split('#')[0]!;
      if (planned.has(key) || !optional.has(service)) continue;
      this.project.progress({
        step: 'remove',
        service: service as StackService,
        message: `Removing ${c.Name.replace(/^\//, '')} (no longer planned)`,
      });
      await stopContainer(docker.getContainer(c.Id));
      await docker.getContainer(c.Id).remove({ force: true, v: false });
      found.delete(key);
    }
  }

  /** The plan's network and volumes, made when missing. */
  async storage(plan: StackPlan): Promise<void> {
    if (plan.network) await this.ensureNetwork(plan.network, plan.project);
    this.project.progress({
      step: 'volumes',
      message: `Volumes: ${plan.volumes.map((v) => v.key).join(', ')}`,
    });
    for (const v of plan.volumes) await this.ensureVolume(v.name, v.key, plan.project);
  }

  private async checkPorts(
    s: ServicePlan,
    existing: ContainerInspectInfo | undefined,
  ): Promise<void> {
    // A stopped container of ours holds nothing; a running one being replaced frees its ports
    // when it is removed, so only others' listeners count.
    if (existing?.State.Running) return;
    for (const p of s.ports) {
      const err = await portTaken(p.host, p.port);
      if (err)
        throw new MaildockError(
          'PORT_IN_USE',
          `Port ${p.port} on ${p.host}${p.name ? ` (${p.name})` : ''}, needed by ${s.service}, is in use by another program.`,
          {
            port: p.port,
            host: p.host,
            service: s.service,
            setting: p.name,
            hint: `Free the port, or choose another: maildock stack config --${p.name ?? 'PORT'}-port N.`,
          },
        );
    }
  }

  private async ensureNetwork(name: string, project: string): Promise<void> {
    const docker = await this.project.engine();
    try {
      await docker.getNetwork(name).inspect();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.project.progress({ step: 'network', message: `Creating network ${name}` });
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Labels: { [LABEL.project]: project, [LABEL.network]: 'default', [LABEL.maildock]: '1' },
      });
    }
  }

  private async ensureVolume(name: string, key: string, project: string): Promise<void> {
    const docker = await this.project.engine();
    try {
      await docker.getVolume(name).inspect();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await docker.createVolume({
        Name: name,
        Labels: { [LABEL.project]: project, [LABEL.volume]: key, [LABEL.maildock]: '1' },
      });
    }
  }

  /** One service to its plan: kept when it matches, started when stopped, else replaced. */
  private async convergeService(
    s: ServicePlan,
    existing: ContainerInspectInfo | undefined,
  ): Promise<void> {
    const docker = await this.project.engine();
    const service = s.service as StackService;
    if (existing && existing.Config.Labels?.[LABEL.configHash] === s.hash) {
      if (!existing.State.Running) {
        this.project.progress({ step: 'container', service, message: `Starting ${s.container}` });
        await startContainer(docker.getContainer(existing.Id));
      }
      return;
    }
    if (existing) {
      this.project.progress({
        step: 'container',
        service,
        message: `Replacing ${s.container} (its settings changed)`,
      });
      await docker.getContainer(existing.Id).remove({ force: true, v: false });
    }
    this.project.progress({ step: 'container', service, message: `Creating ${s.container}` });
    const created = await docker.createContainer(s.create);
    await startContainer(created);
  }

  async waitHealthy(s: ServicePlan, timeoutMs: number): Promise<void> {
    const docker = await this.project.engine();
    const service = s.service as StackService;
    const deadline = Date.now() + timeoutMs;
    let firstRestarts: number | null = null;
    this.project.progress({
      step: 'health',
      service,
      message: `Waiting for ${s.service} to be healthy`,
    });
    for (;;) {
      let info: ContainerInspectInfo;
      try {
        info = await docker.getContainer(s.container).inspect();
      } catch (err) {
        if (isNotFound(err))
          throw new MaildockError('STACK_UNHEALTHY', `${s.service} disappeared while starting.`, {
            service: s.service,
          });
        throw err;
      }
      firstRestarts ??= info.RestartCount;
      const health = info.State.Health?.Status;
      if (info.State.Running && health === 'healthy') return;
      // Without a healthcheck, running means up for a while without a restart: a container
      // that dies at once is running for an instant too.
      if (
        info.State.Running &&
        !s.create.Healthcheck &&
        info.RestartCount === firstRestarts &&
        Date.now() - Date.parse(info.State.StartedAt) > 3000
      )
        return;
      const restarting = info.State.Restarting || info.RestartCount - firstRestarts >= 2;
      const dead =
        !info.State.Running &&
        !info.State.Restarting &&
        ['exited', 'dead'].includes(info.State.Status);
      if (restarting || dead || health === 'unhealthy' || Date.now() > deadline) {
        const lines = await serviceLogs(this.project, service, { tail: 20 }).catch(() => []);
        const why = restarting
          ? 'keeps restarting'
          : dead
            ? `exited with code ${info.State.ExitCode}`
            : health === 'unhealthy'
              ? 'fails its healthcheck'
              : `was not healthy within ${Math.round(timeoutMs / 1000)} s`;
        throw new MaildockError('STACK_UNHEALTHY', `${s.service} ${why}.`, {
          service: s.service,
          restartCount: info.RestartCount,
          lastLog: lines.map((l) => l.text).join('\n'),
          hint: `Its last log lines are above; maildock stack logs ${s.service} shows more.`,
        });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The stack's certificate, read through Docker (a channel the app trusts), is what TLS connections pin. */
  private async pinCert(plan: StackPlan): Promise<void> {
    const dovecot = plan.services.find((s) => s.service === 'dovecot');
    if (!dovecot) return;
    const docker = await this.project.engine();
    const { stdout, exitCode } = await execCapture(docker.getContainer(dovecot.container), [
      'cat',
      TLS_CERT,
    ]);
    if (exitCode !== 0 || !stdout.includes('BEGIN CERTIFICATE'))
      throw new MaildockError('STACK_UNHEALTHY', 'The stack’s TLS certificate could not be read.', {
        service: 'dovecot',
      });
    const pinned = this.project.files.pinCert(stdout);
    this.project.progress({
      step: 'tls',
      message: `TLS certificate pinned: ${pinned.fingerprint}`,
    });
  }

  /** Starts the stack's containers (or one service's), which must exist. */
  async start(service?: StackService): Promise<void> {
    const docker = await this.project.engine();
    const list = await this.project.existing(service);
    if (!list.length)
      throw new MaildockError(
        'STACK_NOT_RUNNING',
        'The stack has no containers: run maildock stack up first.',
      );
    for (const [s, c] of list) {
      this.project.progress({
        step: 'container',
        service: s as StackService,
        message: `Starting ${s}`,
      });
      await startContainer(docker.getContainer(c.Id));
    }
  }

  /** Stops the stack's containers (or one service's) in the reverse of the plan's order. */
  async stop(service?: StackService): Promise<void> {
    const docker = await this.project.engine();
    for (const [s, c] of (await this.project.existing(service)).reverse()) {
      this.project.progress({ step: 'stop', service: s as StackService, message: `Stopping ${s}` });
      await stopContainer(docker.getContainer(c.Id));
    }
  }

  async restart(service: StackService): Promise<void> {
    const docker = await this.project.engine();
    for (const [s, c] of await this.project.existing(service)) {
      this.project.progress({
        step: 'container',
        service: s as StackService,
        message: `Restarting ${s}`,
      });
      await docker.getContainer(c.Id).restart({ t: 10 });
    }
  }

  /** Removes the containers and network; volumes (the mail, the database) only when asked. */
  async down(
    options: { volumes?: boolean } = {},
  ): Promise<{ removedContainers: number; removedVolumes: number }> {
    const project = this.project;
    const docker = await project.engine();
    const settings = project.settings();
    const plan = project.plan(settings);
    let removedContainers = await removeHelpers(docker, settings.project);
    for (const [s, c] of (await project.existing()).reverse()) {
      project.progress({ step: 'remove', service: s as StackService, message: `Removing ${s}` });
      await stopContainer(docker.getContainer(c.Id));
      await docker.getContainer(c.Id).remove({ force: true, v: false });
      removedContainers++;
    }
    if (plan.network)
      await docker
        .getNetwork(plan.network)
        .remove()
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    let removedVolumes = 0;
    if (options.volumes) {
      const volumes = await docker.listVolumes({
        filters: { label: [`${LABEL.project}=${settings.project}`] },
      });
      for (const v of volumes.Volumes ?? []) {
        project.progress({ step: 'remove', message: `Removing volume ${v.Name}` });
        await docker.getVolume(v.Name).remove();
        removedVolumes++;
      }
    }
    return { removedContainers, removedVolumes };
  }
}

/** Null when the port can be bound on host; else the error that says why not. */
export function portTaken(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? err : null),
    );
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}
