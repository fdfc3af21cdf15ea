// The stack's controller: applies stack/compose.yml through dockerode under compose's
// project labels. `up` converges whatever it finds (nothing, half-created, running, changed)
// to the plan; it never duplicates. Only these operations reach callers: no raw Docker.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import type {
  LogLine,
  StackProgress,
  StackService,
  StackServiceStatus,
  StackSettings,
  StackStatus,
} from '../../../common/stack.js';
import { STACK_SERVICES } from '../../../common/stack.js';
import { getLogger } from '../log.js';
import { stackDir } from '../paths.js';
import { loadCompose } from './compose-file.js';
import { connectDocker, isNotFound, isNotModified, type DockerOptions } from './docker.js';
import { buildImage, contextTag, imageExists } from './images.js';
import {
  archiveVolume,
  dumpPostgres,
  dumpRedis,
  DUMPED_VOLUMES,
  listPostgresDump,
  PG_DUMP,
  REDIS_RDB,
  removeHelpers,
  restorePostgres,
  restoreRedis,
  restoreVolume,
  STACK_PENDING,
  volumeFile,
} from './data.js';
import { demux, execCapture } from './exec.js';
import { StackFiles } from './stack-files.js';
import { composeEnv, LABEL, planStack, type ServicePlan, type StackPlan } from './plan.js';

const log = getLogger('stack');

/** The stack's compose file (read when a controller is made: the desktop app sets its place first). */
export const composeFile = () => join(stackDir(), 'compose.yml');

export interface StackControllerOptions {
  dataDir: string;
  composeFile?: string;
  docker?: DockerOptions;
  onProgress?: (p: StackProgress) => void;
}

export interface UpOptions {
  /** Build images even when an image of this tag exists, without Docker's cache. */
  rebuild?: boolean;
  /** How long to wait for every service to be healthy. */
  healthTimeoutMs?: number;
}

const TLS_CERT = '/etc/maildock/tls/cert.pem';

export class StackController {
  readonly files: StackFiles;
  private readonly composeFile: string;
  private docker: Docker | null = null;
  /** The images' tag: a hash of what they are built from. */
  private tag: string | null = null;

  constructor(private readonly opts: StackControllerOptions) {
    this.files = new StackFiles(opts.dataDir);
    this.composeFile = opts.composeFile ?? composeFile();
  }

  private progress(p: StackProgress): void {
    log.info({ step: p.step, service: p.service }, p.message);
    this.opts.onProgress?.(p);
  }

  private async engine(): Promise<Docker> {
    this.docker ??= await connectDocker(this.opts.docker);
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

  // ---- containers as Docker has them ----

  private async containers(project: string): Promise<Map<string, ContainerInspectInfo>> {
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

  // ---- up ----

  /** The stack as planned, running and healthy; data a restore left for it is put back first. */
  async up(opts: UpOptions = {}): Promise<StackStatus> {
    if (existsSync(this.pendingDir)) await this.restoreData(opts);
    else await this.converged(opts);
    return this.status();
  }

  private async converged(opts: UpOptions): Promise<void> {
    this.progress({ step: 'check', message: 'Checking Docker' });
    await this.engine();
    const settings = this.settings();
    this.files.ensureSecrets();
    this.progress({ step: 'secrets', message: 'Secrets ready' });
    const plan = this.plan(settings);
    const found = await this.containers(plan.project);

    // A container already running as planned holds its own ports; every other port must be free.
    const current = (s: ServicePlan) => {
      const c = found.get(s.service);
      return !!c && c.State.Running && c.Config.Labels?.[LABEL.configHash] === s.hash;
    };
    for (const s of plan.services) if (!current(s)) await this.checkPorts(s, found.get(s.service));

    await this.images(plan, opts);
    await this.storage(plan);

    const timeoutMs = opts.healthTimeoutMs ?? 180_000;
    // What waits for nothing starts at once; a service that needs another healthy waits for it.
    const waits = (s: ServicePlan) => Object.values(s.dependsOn).includes('service_healthy');
    for (const s of plan.services.filter((p) => !waits(p)))
      await this.converge(s, found.get(s.service));
    for (const s of plan.services.filter(waits)) {
      for (const [dep, cond] of Object.entries(s.dependsOn))
        if (cond === 'service_healthy')
          await this.waitHealthy(
            plan.services.find((p) => p.service === dep)!,
            timeoutMs,
          );
      await this.converge(s, found.get(s.service));
    }
    for (const s of plan.services) await this.waitHealthy(s, timeoutMs);
    await this.pinCert(plan);
  }

  /** Every image of the plan present: built from stack/ when missing (or when asked to). */
  private async images(plan: StackPlan, opts: UpOptions): Promise<void> {
    const docker = await this.engine();
    const settings = this.settings();
    const images = new Map(plan.services.filter((s) => s.build).map((s) => [s.image, s]));
    let i = 0;
    for (const [image, s] of images) {
      i++;
      if (!opts.rebuild && (await imageExists(docker, image))) continue;
      this.progress({
        step: 'build',
        service: s.service as StackService,
        message: `Building ${image}`,
        current: i,
        total: images.size,
      });
      await buildImage(docker, {
        image,
        context: s.build!.context,
        dockerfile: s.build!.dockerfile,
        ...(settings.network === 'host' ? { networkMode: 'host' } : {}),
        ...(opts.rebuild ? { noCache: true } : {}),
        onStep: (step) =>
          this.progress({
            step: 'build',
            service: s.service as StackService,
            message: step.length > 120 ? `${step.slice(0, 119)}…` : step,
            current: i,
            total: images.size,
          }),
      });
      await pruneOlder(docker, image);
    }
  }

  private async storage(plan: StackPlan): Promise<void> {
    if (plan.network) await this.ensureNetwork(plan.network, plan.project);
    this.progress({
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
    const docker = await this.engine();
    try {
      await docker.getNetwork(name).inspect();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.progress({ step: 'network', message: `Creating network ${name}` });
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Labels: { [LABEL.project]: project, [LABEL.network]: 'default', [LABEL.maildock]: '1' },
      });
    }
  }

  private async ensureVolume(name: string, key: string, project: string): Promise<void> {
    const docker = await this.engine();
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
  private async converge(
    s: ServicePlan,
    existing: ContainerInspectInfo | undefined,
  ): Promise<void> {
    const docker = await this.engine();
    const service = s.service as StackService;
    if (existing && existing.Config.Labels?.[LABEL.configHash] === s.hash) {
      if (!existing.State.Running) {
        this.progress({ step: 'container', service, message: `Starting ${s.container}` });
        await start(docker.getContainer(existing.Id));
      }
      return;
    }
    if (existing) {
      this.progress({
        step: 'container',
        service,
        message: `Replacing ${s.container} (its settings changed)`,
      });
      await docker.getContainer(existing.Id).remove({ force: true, v: false });
    }
    this.progress({ step: 'container', service, message: `Creating ${s.container}` });
    const created = await docker.createContainer(s.create);
    await start(created);
  }

  private async waitHealthy(s: ServicePlan, timeoutMs: number): Promise<void> {
    const docker = await this.engine();
    const service = s.service as StackService;
    const deadline = Date.now() + timeoutMs;
    let firstRestarts: number | null = null;
    this.progress({ step: 'health', service, message: `Waiting for ${s.service} to be healthy` });
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
        const lines = await this.logs(s.service as StackService, { tail: 20 }).catch(() => []);
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
    const docker = await this.engine();
    const { stdout, exitCode } = await execCapture(docker.getContainer(dovecot.container), [
      'cat',
      TLS_CERT,
    ]);
    if (exitCode !== 0 || !stdout.includes('BEGIN CERTIFICATE'))
      throw new MaildockError('STACK_UNHEALTHY', 'The stack’s TLS certificate could not be read.', {
        service: 'dovecot',
      });
    const pinned = this.files.pinCert(stdout);
    this.progress({ step: 'tls', message: `TLS certificate pinned: ${pinned.fingerprint}` });
  }

  // ---- start, stop, restart, down ----

  private async existing(service?: StackService): Promise<[string, ContainerInspectInfo][]> {
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

  async start(service?: StackService): Promise<StackStatus> {
    // Data a restore left for the stack goes back before anything runs on the old.
    if (existsSync(this.pendingDir)) return this.up();
    const docker = await this.engine();
    const list = await this.existing(service);
    if (!list.length)
      throw new MaildockError(
        'STACK_NOT_RUNNING',
        'The stack has no containers: run maildock stack up first.',
      );
    for (const [s, c] of list) {
      this.progress({ step: 'container', service: s as StackService, message: `Starting ${s}` });
      await start(docker.getContainer(c.Id));
    }
    return this.status();
  }

  async stop(service?: StackService): Promise<StackStatus> {
    const docker = await this.engine();
    for (const [s, c] of (await this.existing(service)).reverse()) {
      this.progress({ step: 'stop', service: s as StackService, message: `Stopping ${s}` });
      await stop(docker.getContainer(c.Id));
    }
    return this.status();
  }

  async restart(service: StackService): Promise<StackStatus> {
    if (existsSync(this.pendingDir)) return this.up();
    const docker = await this.engine();
    for (const [s, c] of await this.existing(service)) {
      this.progress({ step: 'container', service: s as StackService, message: `Restarting ${s}` });
      await docker.getContainer(c.Id).restart({ t: 10 });
    }
    return this.status();
  }

  /** Removes the containers and network; volumes (the mail, the database) only when asked. */
  async down(
    opts: { volumes?: boolean } = {},
  ): Promise<{ removedContainers: number; removedVolumes: number }> {
    const docker = await this.engine();
    const settings = this.settings();
    const plan = this.plan(settings);
    let removedContainers = await removeHelpers(docker, settings.project);
    for (const [s, c] of (await this.existing()).reverse()) {
      this.progress({ step: 'remove', service: s as StackService, message: `Removing ${s}` });
      await stop(docker.getContainer(c.Id));
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
    if (opts.volumes) {
      const vols = await docker.listVolumes({
        filters: { label: [`${LABEL.project}=${settings.project}`] },
      });
      for (const v of vols.Volumes ?? []) {
        this.progress({ step: 'remove', message: `Removing volume ${v.Name}` });
        await docker.getVolume(v.Name).remove();
        removedVolumes++;
      }
    }
    return { removedContainers, removedVolumes };
  }

  // ---- the stack's data in backups (main/core/stack/data.ts) ----

  /** Where a restore leaves the stack's data until it is put back into the stack. */
  get pendingDir(): string {
    return join(this.opts.dataDir, STACK_PENDING);
  }

  /**
   * The stack's data written into `dir` for a backup; the names written (as data.ts has
   * them), none when the stack has no containers. A stopped Postgres or Redis is started
   * for its dump and stopped again.
   */
  async backupData(dir: string): Promise<string[]> {
    const plan = this.plan();
    const found = await this.containers(plan.project);
    if (!found.size) return [];
    const docker = await this.engine();
    const written: string[] = [];
    await mkdir(join(dir, 'volumes'), { recursive: true, mode: 0o700 });
    for (const v of plan.volumes) {
      const m = mountOf(plan, v.key);
      const info = m && found.get(m.service.service);
      if (!m || !info) continue;
      const container = docker.getContainer(info.Id);
      const service = m.service.service as StackService;
      const dumped = DUMPED_VOLUMES[v.key];
      this.progress({ step: 'backup', service, message: `Backing up ${v.key} from ${service}` });
      if (!dumped) {
        await archiveVolume(container, m.target, join(dir, volumeFile(v.key)));
        written.push(volumeFile(v.key));
        continue;
      }
      const wasRunning = info.State.Running;
      if (!wasRunning) {
        await start(container);
        await this.waitHealthy(m.service, 120_000);
      }
      try {
        if (dumped === PG_DUMP) await dumpPostgres(container, join(dir, PG_DUMP));
        else await dumpRedis(container, join(dir, REDIS_RDB));
        written.push(dumped);
      } finally {
        if (!wasRunning) await stop(container);
      }
    }
    return written;
  }

  /** null when the Postgres dump lists with the stack's own pg_restore, else what is wrong. */
  async listDump(file: string): Promise<string | null> {
    const plan = this.plan();
    const pg = plan.services.find((s) => s.service === 'postgres')!;
    const docker = await this.engine();
    if (!(await imageExists(docker, pg.image))) await this.images({ ...plan, services: [pg] }, {});
    return listPostgresDump(docker, pg.image, plan.project, file);
  }

  /**
   * Puts the data a restore left in pendingDir back into the stack: everything stopped,
   * each volume emptied and filled from the backup, the stack up, the database made anew
   * from its dump; then the folder goes. Run again after a crash, it does the same again.
   */
  private async restoreData(opts: UpOptions): Promise<void> {
    const dir = this.pendingDir;
    this.progress({ step: 'restore', message: 'Putting the backup’s data back into the stack' });
    const docker = await this.engine();
    this.files.ensureSecrets();
    const plan = this.plan();
    await removeHelpers(docker, plan.project);
    for (const [, c] of (await this.existing()).reverse()) await stop(docker.getContainer(c.Id));
    await this.images(plan, opts);
    await this.storage(plan);
    for (const v of plan.volumes) {
      const m = mountOf(plan, v.key);
      const dumped = DUMPED_VOLUMES[v.key];
      const file = join(dir, dumped ?? volumeFile(v.key));
      if (!m || dumped === PG_DUMP || !existsSync(file)) continue;
      const service = m.service.service as StackService;
      this.progress({ step: 'restore', service, message: `Restoring ${v.key} for ${service}` });
      const where = { image: m.service.image, project: plan.project, volume: v.name };
      if (dumped === REDIS_RDB) await restoreRedis(docker, { ...where, rdb: file });
      else await restoreVolume(docker, { ...where, path: m.target, archive: file });
    }
    await this.converged(opts);
    const dump = join(dir, PG_DUMP);
    if (existsSync(dump)) {
      this.progress({ step: 'restore', service: 'postgres', message: 'Restoring the database' });
      const pg = plan.services.find((s) => s.service === 'postgres')!;
      await restorePostgres(docker.getContainer(pg.container), dump);
    }
    await rm(dir, { recursive: true, force: true });
    this.progress({ step: 'restore', message: 'The stack’s data is restored' });
  }

  // ---- logs ----

  async logs(
    service: StackService,
    opts: { tail?: number; since?: string } = {},
  ): Promise<LogLine[]> {
    const docker = await this.engine();
    const [[, c] = []] = await this.existing(service);
    if (!c) return [];
    const since = opts.since ? Date.parse(opts.since) / 1000 : 0;
    const raw = (await docker.getContainer(c.Id).logs({
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: false,
      tail: opts.tail ?? 100,
      ...(since ? { since: Math.floor(since) } : {}),
    })) as unknown as Buffer;
    const lines = demux(raw, c.Config.Tty);
    if (!opts.since) return lines;
    const after = timeKey(opts.since);
    return lines.filter((l) => timeKey(l.time) > after);
  }

  /** Runs a fixed command in a service's container: for the stack's own tools, never a caller's. */
  async exec(
    service: StackService,
    cmd: string[],
    stdin?: string,
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const docker = await this.engine();
    const [[, c] = []] = await this.existing(service);
    if (!c?.State.Running)
      throw new MaildockError('STACK_NOT_RUNNING', `${service} is not running.`, { service });
    return execCapture(docker.getContainer(c.Id), cmd, stdin);
  }

  /** The container's own view, for the health monitor. */
  async inspectAll(): Promise<Map<string, ContainerInspectInfo>> {
    return this.containers(this.settings().project);
  }
}

/** The service that mounts a volume to write it, and where. */
function mountOf(plan: StackPlan, key: string): { service: ServicePlan; target: string } | null {
  const name = `${plan.project}_${key}`;
  for (const service of plan.services) {
    const m = service.create.HostConfig?.Mounts?.find(
      (x) => x.Type === 'volume' && x.Source === name && !x.ReadOnly,
    );
    if (m) return { service, target: m.Target };
  }
  return null;
}

async function start(c: Docker.Container): Promise<void> {
  try {
    await c.start();
  } catch (err) {
    if (!isNotModified(err)) throw err;
  }
}

async function stop(c: Docker.Container): Promise<void> {
  try {
    await c.stop({ t: 10 });
  } catch (err) {
    if (!isNotModified(err) && !isNotFound(err)) throw err;
  }
}

/** Earlier builds of the stack's image (other tags, or untagged by a rebuild) that nothing uses any more. */
export async function pruneOlder(docker: Docker, image: string): Promise<void> {
  const repo = image.slice(0, image.lastIndexOf(':'));
  const current = await docker.getImage(image).inspect();
  const label = [`${LABEL.maildock}=1`];
  const older = [
    ...(await docker.listImages({ filters: { reference: [repo], label } })),
    ...(await docker.listImages({ filters: { dangling: ['true'], label } })),
  ];
  for (const old of older) {
    if (old.Id === current.Id) continue;
    // In use by a container, or a parent of another image: Docker refuses, and that is right.
    await docker
      .getImage(old.Id)
      .remove()
      .catch(() => undefined);
  }
}

/** Docker's RFC 3339 times trim trailing zeros of the fraction: padded, they sort as text. */
export function timeKey(time: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : time;
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
