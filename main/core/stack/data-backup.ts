// The stack's data in a backup and back, volume by volume as the plan mounts them: which
// one is dumped by its service and which goes as an archive (data.ts makes each move
// through Docker), and the order that keeps a restore safe to run again.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackService } from '../../../common/stack.js';
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
import { startContainer, stopContainer } from './docker.js';
import { imageExists } from './images.js';
import type { StackLifecycle, UpOptions } from './lifecycle.js';
import type { ServicePlan, StackPlan } from './plan.js';
import type { StackProject } from './project.js';

export class StackDataBackup {
  constructor(
    private readonly project: StackProject,
    private readonly lifecycle: StackLifecycle,
  ) {}

  /** Where a restore leaves the stack's data until it is put back into the stack. */
  get pendingDir(): string {
    return join(this.project.dataDir, STACK_PENDING);
  }

  /**
   * The stack's data written into `dir` for a backup; the names written (as data.ts has
   * them), none when the stack has no containers. A stopped Postgres or Redis is started
   * for its dump and stopped again.
   */
  async backup(dir: string): Promise<string[]> {
    const plan = this.project.plan();
    const found = await this.project.containers(plan.project);
    if (!found.size) return [];
    const docker = await this.project.engine();
    const written: string[] = [];
    const dataless = withoutData(plan);
    if (dataless.length)
      this.project.progress({
        step: 'backup',
        message: `${dataless.join(' and ')} hold${dataless.length === 1 ? 's' : ''} no data of ${dataless.length === 1 ? 'its' : 'their'} own (what the server keeps is in Postgres and Redis): nothing to back up for ${dataless.length === 1 ? 'it' : 'them'}`,
      });
    await mkdir(join(dir, 'volumes'), { recursive: true, mode: 0o700 });
    for (const v of plan.volumes) {
      const mount = mountOf(plan, v.key);
      const info = mount && found.get(mount.service.service);
      if (!mount || !info) continue;
      const container = docker.getContainer(info.Id);
      const service = mount.service.service as StackService;
      const dumped = DUMPED_VOLUMES[v.key];
      this.project.progress({
        step: 'backup',
        service,
        message: `Backing up ${v.key} from ${service}`,
      });
      if (!dumped) {
        await archiveVolume(container, mount.target, join(dir, volumeFile(v.key)));
        written.push(volumeFile(v.key));
        continue;
      }
      const wasRunning = info.State.Running;
      if (!wasRunning) {
        await startContainer(container);
        await this.lifecycle.waitHealthy(mount.service, 120_000);
      }
      try {
        if (dumped === PG_DUMP) await dumpPostgres(container, join(dir, PG_DUMP));
        else await dumpRedis(container, join(dir, REDIS_RDB));
        written.push(dumped);
      } finally {
        if (!wasRunning) await stopContainer(container);
      }
    }
    return written;
  }

  /** null when the Postgres dump lists with the stack's own pg_restore, else what is wrong. */
  async listDump(file: string): Promise<string | null> {
    const plan = this.project.plan();
    const pg = plan.services.find((s) => s.service === 'postgres')!;
    const docker = await this.project.engine();
    if (!(await imageExists(docker, pg.image)))
      await this.lifecycle.images({ ...plan, services: [pg] }, {});
    return listPostgresDump(docker, pg.image, plan.project, file);
  }

  /**
   * Puts the data a restore left in pendingDir back into the stack: everything stopped,
   * each volume emptied and filled from the backup, the stack up, the database made anew
   * from its dump; then the folder goes. Run again after a crash, it does the same again.
   */
  async restore(options: UpOptions): Promise<void> {
    const dir = this.pendingDir;
    const project = this.project;
    project.progress({ step: 'restore', message: 'Putting the backup’s data back into the stack' });
    const docker = await project.engine();
    project.files.ensureSecrets();
    const plan = project.plan();
    await removeHelpers(docker, plan.project);
    for (const [, c] of (await project.existing()).reverse())
      await stopContainer(docker.getContainer(c.Id));
    await this.lifecycle.images(plan, options);
    await this.lifecycle.storage(plan);
    for (const v of plan.volumes) {
      const mount = mountOf(plan, v.key);
      const dumped = DUMPED_VOLUMES[v.key];
      const file = join(dir, dumped ?? volumeFile(v.key));
      if (!mount || dumped === PG_DUMP || !existsSync(file)) continue;
      const service = mount.service.service as StackService;
      project.progress({ step: 'restore', service, message: `Restoring ${v.key} for ${service}` });
      const where = { image: mount.service.image, project: plan.project, volume: v.name };
      if (dumped === REDIS_RDB) await restoreRedis(docker, { ...where, rdb: file });
      else await restoreVolume(docker, { ...where, path: mount.target, archive: file });
    }
    await this.lifecycle.converge(options);
    const dump = join(dir, PG_DUMP);
    if (existsSync(dump)) {
      project.progress({ step: 'restore', service: 'postgres', message: 'Restoring the database' });
      const pg = plan.services.find((s) => s.service === 'postgres')!;
      await restorePostgres(docker.getContainer(pg.container), dump);
      // The database is the backup's now: bring it up to date again (a backup from before
      // the mailboxes moved into Postgres has none, and its passwd-file came back with it).
      await project.healthy('postgres');
      // Their connections to the database were cut by the restore, and Dovecot 2.3 would
      // fail the first sign-in on its dead one: they start again on the new database.
      for (const service of ['dovecot', 'postfix'] as const) {
        const planned = plan.services.find((s) => s.service === service);
        if (!planned) continue;
        await this.lifecycle.restart(service);
        await this.lifecycle.waitHealthy(planned, 120_000);
      }
    }
    await rm(dir, { recursive: true, force: true });
    project.progress({ step: 'restore', message: 'The stack’s data is restored' });
  }
}

/**
 * Services that write no volume: the server (its data is in Postgres and Redis, so any
 * number of instances can come and go) and nginx (it reads the certificate). Named in a
 * backup's progress, so that nobody looks for their part of it.
 */
export function withoutData(plan: StackPlan): string[] {
  const writes = (s: ServicePlan) =>
    (s.create.HostConfig?.Mounts ?? []).some((m) => m.Type === 'volume' && !m.ReadOnly);
  return [...new Set(plan.services.filter((s) => !writes(s)).map((s) => s.service))];
}

/** The service that mounts a volume to write it, and where. */
function mountOf(plan: StackPlan, key: string): { service: ServicePlan; target: string } | null {
  const name = `${plan.project}_${key}`;
  for (const service of plan.services) {
    const mount = service.create.HostConfig?.Mounts?.find(
      (candidate) =>
        candidate.Type === 'volume' && candidate.Source === name && !candidate.ReadOnly,
    );
    if (mount) return { service, target: mount.Target };
  }
  return null;
}
