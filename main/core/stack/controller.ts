// The stack's controller: applies stack/compose.yml through dockerode under compose's
// project labels. Only these operations reach callers: no raw Docker. Data a restore left
// for the stack goes back before anything runs on the old data.
import { existsSync } from 'node:fs';
import type { ContainerInspectInfo } from 'dockerode';
import { MaildockError } from '../../../common/errors.js';
import type { LogLine, StackService, StackSettings, StackStatus } from '../../../common/stack.js';
import { StackDataBackup } from './data-backup.js';
import { execCapture } from './exec.js';
import { StackLifecycle, type UpOptions } from './lifecycle.js';
import { serviceLogs, type LogOptions } from './logs.js';
import { StackMailDatabase } from './mail-database.js';
import type { StackPlan } from './plan.js';
import { StackProject, type StackControllerOptions } from './project.js';
import type { StackFiles } from './stack-files.js';

export class StackController {
  readonly files: StackFiles;
  /** The stack's mailboxes, in its Postgres. */
  readonly mail: StackMailDatabase;
  private readonly project: StackProject;
  private readonly lifecycle: StackLifecycle;
  private readonly data: StackDataBackup;

  constructor(options: StackControllerOptions) {
    this.project = new StackProject({
      ...options,
      // Dovecot and Postfix find the mailboxes in Postgres: ready before they start, on
      // every path that starts them (up, a restore).
      onHealthy: async (service) => {
        if (service === 'postgres') await this.mail.prepare();
        await options.onHealthy?.(service);
      },
    });
    this.files = this.project.files;
    this.mail = new StackMailDatabase(this.files, () => this.project.settings());
    this.lifecycle = new StackLifecycle(this.project);
    this.data = new StackDataBackup(this.project, this.lifecycle);
  }

  settings(): StackSettings {
    return this.project.settings();
  }

  plan(settings = this.settings()): StackPlan {
    return this.project.plan(settings);
  }

  status(): Promise<StackStatus> {
    return this.project.status();
  }

  /** The stack as planned, running and healthy; data a restore left for it is put back first. */
  async up(options: UpOptions = {}): Promise<StackStatus> {
    if (this.restorePending()) await this.data.restore(options);
    else await this.lifecycle.converge(options);
    return this.status();
  }

  async start(service?: StackService): Promise<StackStatus> {
    if (this.restorePending()) return this.up();
    await this.lifecycle.start(service);
    return this.status();
  }

  async stop(service?: StackService): Promise<StackStatus> {
    await this.lifecycle.stop(service);
    return this.status();
  }

  async restart(service: StackService): Promise<StackStatus> {
    if (this.restorePending()) return this.up();
    await this.lifecycle.restart(service);
    return this.status();
  }

  /** Removes the containers and network; volumes (the mail, the database) only when asked. */
  down(
    options: { volumes?: boolean } = {},
  ): Promise<{ removedContainers: number; removedVolumes: number }> {
    return this.lifecycle.down(options);
  }

  /** Where a restore leaves the stack's data until it is put back into the stack. */
  get pendingDir(): string {
    return this.data.pendingDir;
  }

  /** The stack's data written into `dir` for a backup; the names of the files written. */
  backupData(dir: string): Promise<string[]> {
    return this.data.backup(dir);
  }

  /** null when the Postgres dump lists with the stack's own pg_restore, else what is wrong. */
  listDump(file: string): Promise<string | null> {
    return this.data.listDump(file);
  }

  logs(service: StackService, options: LogOptions = {}): Promise<LogLine[]> {
    return serviceLogs(this.project, service, options);
  }

  /** Runs a fixed command in a service's container: for the stack's own tools, never a caller's. */
  async exec(
    service: StackService,
    cmd: string[],
    stdin?: string,
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const docker = await this.project.engine();
    const [[, c] = []] = await this.project.existing(service);
    if (!c?.State.Running)
      throw new MaildockError('STACK_NOT_RUNNING', `${service} is not running.`, { service });
    return execCapture(docker.getContainer(c.Id), cmd, stdin);
  }

  /** The container's own view, for the health monitor. */
  inspectAll(): Promise<Map<string, ContainerInspectInfo>> {
    return this.project.containers(this.settings().project);
  }

  private restorePending(): boolean {
    return existsSync(this.pendingDir);
  }
}
