// The backup methods of the contract: where archives go (DATA_DIR/backups by default), one
// backup at a time, progress pushed as `backup.progress`. Served over HTTP, paths are kept
// to the backups folder: a browser must not name files on the server's disk.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import {
  BACKUP_SCHEDULE_DEFAULTS,
  backupScheduleSchema,
  type BackupProgressEvent,
  type BackupReport,
  type BackupResult,
  type BackupSchedule,
} from '../../../common/types.js';
import { StackFiles } from '../stack/stack-files.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { patchJson, type Store } from '../store/index.js';
import { createBackup, partialOwner, removeLeftovers, STACK_PREFIX } from './archive.js';
import { checkTarget, startsEnveloped } from './target.js';
import { verifyBackup, type VerifyReport } from './verify.js';
import { checkPassphrase, RELAY_SECRET, seal, SECRETS_ENTRY } from './sealed.js';
import { AUTO_PREFIX, BackupScheduler, backupsToPrune } from './schedule.js';

export const BACKUP_EXTENSION = '.maildock-backup';

/** The bundled stack's side of a backup (the StackController). */
export interface StackData {
  backupData(dir: string): Promise<string[]>;
  listDump(file: string): Promise<string | null>;
}

export interface BackupsOptions {
  dataDir: string;
  /** The store now (a restore gives the service another). */
  store: () => Store;
  app: string;
  /** Where account passwords are: read only for a backup that includes them. */
  secrets: SecretStore;
  /** false: only bare file names inside the backups folder (the HTTP server). */
  anyPath: boolean;
  /** The stack's controller (loaded on first use); verify lists dumps with its image. */
  stack(): Promise<StackData>;
  onProgress(p: BackupProgressEvent): void;
  onError(err: unknown): void;
  /** Tests shorten the scheduler's clock. */
  clock?: { checkMs?: number; hourMs?: number };
}

export interface CreateInput {
  to?: string | undefined;
  includeSecrets?: boolean | undefined;
  passphrase?: string | undefined;
  /** false: the bundled stack's data left out. */
  stack?: boolean | undefined;
  /** The whole archive encrypted under `passphrase`. */
  encrypt?: boolean | undefined;
  /** An earlier backup of that name is replaced; without it, the name must be free. */
  overwrite?: boolean | undefined;
  /** The scheduler's own: its name is inside the backups folder whatever the transport. */
  scheduled?: boolean;
}

const SCHEDULE_KEY = 'backup.schedule';
const UNOWNED_LEFTOVER_MS = 24 * 3_600_000;

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 23);

export class Backups {
  /** The backup being made: its cancel, and its end (whatever the outcome). */
  private running: { abort: AbortController; ended: Promise<unknown> } | null = null;
  private readonly scheduler: BackupScheduler;
  private scheduling = false;

  constructor(private readonly options: BackupsOptions) {
    this.scheduler = new BackupScheduler({
      schedule: () => this.schedule(),
      last: () => this.lastScheduled(),
      run: () => this.createScheduled(),
      onError: options.onError,
      ...options.clock,
    });
  }

  /** The schedule, with the given fields changed first; a change applies at once. */
  async schedule(patch: Partial<BackupSchedule> = {}): Promise<BackupSchedule> {
    const next = await patchJson(
      this.options.store().settings,
      SCHEDULE_KEY,
      backupScheduleSchema.partial(),
      BACKUP_SCHEDULE_DEFAULTS,
      patch,
    );
    if (Object.keys(patch).length > 0 && this.scheduling) void this.scheduler.tick();
    return next;
  }

  /** Runs the schedule while this process lives (long-running modes call this). */
  startSchedule(): void {
    this.scheduling = true;
    this.scheduler.start();
  }

  /**
   * Stops the schedule, and the backup being made, scheduled or asked for (it fails with
   * CANCELLED and leaves nothing); resolves once it has ended. Closing the app and a
   * restore's swap do not wait for a whole backup.
   */
  async stop(): Promise<void> {
    this.scheduling = false;
    const running = this.running;
    running?.abort.abort();
    await Promise.all([this.scheduler.stop(), running?.ended]);
  }

  private async lastScheduled(): Promise<Date | null> {
    const auto = (await this.names()).filter((n) => n.startsWith(AUTO_PREFIX)).sort();
    // The newest that is there still (one may be deleted meanwhile).
    for (const name of auto.reverse()) {
      const s = await stat(join(this.dir, name)).catch(() => null);
      if (s) return s.mtime;
    }
    return null;
  }

  private async names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.endsWith(BACKUP_EXTENSION));
    } catch {
      return [];
    }
  }

  /** One scheduled backup, then the oldest scheduled ones beyond `keep` deleted. */
  private async createScheduled(): Promise<void> {
    await this.create({
      to: `${AUTO_PREFIX}${stamp(new Date())}${BACKUP_EXTENSION}`,
      scheduled: true,
    });
    for (const name of backupsToPrune(await this.names(), (await this.schedule()).keep)) {
      await rm(join(this.dir, name), { force: true });
    }
  }

  get dir(): string {
    return join(this.options.dataDir, 'backups');
  }

  /** The file a request names, checked against what this transport may reach. */
  private resolvePath(p: string): string {
    if (!this.options.anyPath) {
      if (p !== basename(p) || p.startsWith('.') || p.includes('\0')) {
        throw new MaildockError(
          'FORBIDDEN',
          'Over HTTP a backup is named by its file name in Maildock’s backups folder, not by a path.',
          { file: p },
        );
      }
      return join(this.dir, p);
    }
    return isAbsolute(p) ? p : resolve(p);
  }

  async create(input: CreateInput): Promise<BackupResult> {
    if (this.running) {
      throw new MaildockError(
        'ALREADY_EXISTS',
        'A backup is already being made; wait for it to end.',
      );
    }
    const abort = new AbortController();
    const making = this.make(input, abort.signal);
    this.running = { abort, ended: making.catch(() => undefined) };
    try {
      return await making;
    } finally {
      this.running = null;
    }
  }

  private async make(input: CreateInput, signal: AbortSignal): Promise<BackupResult> {
    const to =
      input.scheduled && input.to
        ? join(this.dir, input.to)
        : input.to
          ? this.resolvePath(input.to)
          : join(this.dir, `maildock-${stamp(new Date())}${BACKUP_EXTENSION}`);
    const overwrite = input.overwrite === true;
    const shown = input.to ?? basename(to);
    await checkTarget(to, {
      dataDir: this.options.dataDir,
      backupsDir: this.dir,
      overwrite,
      shown,
    });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.removeLeftovers();
    const passphrase =
      input.includeSecrets || input.encrypt ? checkPassphrase(input.passphrase) : undefined;
    if (input.passphrase && passphrase === undefined) {
      throw new MaildockError(
        'INVALID_INPUT',
        'A passphrase seals the passwords or the whole archive: ask for includeSecrets or encrypt too.',
      );
    }
    const extra = [];
    if (input.includeSecrets) {
      const secrets: Record<string, string> = {};
      for (const key of await this.options.secrets.list()) {
        const value = await this.options.secrets.get(key);
        if (value !== null) secrets[key] = value;
      }
      const relay = new StackFiles(this.options.dataDir).relayPasswordFile();
      if (relay !== null) secrets[RELAY_SECRET] = relay;
      extra.push({ path: SECRETS_ENTRY, data: await seal(secrets, passphrase!) });
    }
    // A stack never started here has no data; one that was needs Docker for its data.
    const stack =
      input.stack !== false && new StackFiles(this.options.dataDir).started()
        ? await this.options.stack()
        : null;
    // A backup is verified before it is called made, and before it has its name: read back
    // whole, every checksum, the snapshot's integrity check (run while it was written), the
    // dump. One that fails is not kept.
    let report: VerifyReport | undefined;
    const made = await createBackup({
      dataDir: this.options.dataDir,
      store: this.options.store(),
      to,
      overwrite,
      app: this.options.app,
      extra,
      ...(stack ? { stackData: (dir: string) => stackData(stack, dir) } : {}),
      ...(input.encrypt ? { encryptWith: passphrase! } : {}),
      onProgress: this.options.onProgress,
      signal,
      check: true,
      verify: async (file, storeCheck) => {
        report = await verifyBackup(file, {
          tmpDir: this.options.dataDir,
          // 'done' is the backup's, once it has its name.
          onProgress: (p) => p.phase !== 'done' && this.options.onProgress(p),
          signal,
          ...(storeCheck ? { storeCheck } : {}),
          ...(passphrase !== undefined ? { passphrase } : {}),
          ...(stack ? { checkDump: (f: string) => stack.listDump(f) } : {}),
        });
        if (!report.ok) {
          throw new MaildockError(
            'STORE_FAILED',
            `The backup was written but did not verify, so it was not kept: ${report.problems.join(' ')}`,
            { file: shown },
          );
        }
      },
    });
    return {
      file: made.file,
      bytes: made.bytes,
      files: made.manifest.files.length,
      createdAt: made.manifest.createdAt,
      encrypted: report!.encrypted,
    };
  }

  /** Stops the backup being made (it then fails with CANCELLED and leaves nothing). */
  cancel(): { cancelled: boolean } {
    if (!this.running) return { cancelled: false };
    this.running.abort.abort();
    return { cancelled: true };
  }

  /**
   * What processes killed in the middle of a backup left in the backups folder; not what
   * another Maildock running now is writing. Folders of earlier versions, without a pid in
   * their name, go once they are a day old.
   */
  private async removeLeftovers(): Promise<void> {
    await removeLeftovers(this.dir, partialOwner, UNOWNED_LEFTOVER_MS);
  }

  /** The archive a request names, checked against this transport and found on disk. */
  async existing(name: string): Promise<string> {
    const file = this.resolvePath(name);
    try {
      await stat(file);
    } catch {
      // Named as the caller gave it: over HTTP, a name in the backups folder, not a path here.
      throw new MaildockError('NOT_FOUND', `There is no backup at ${name}.`, { file: name });
    }
    return file;
  }

  async verify(input: { file: string; passphrase?: string | undefined }): Promise<BackupReport> {
    const file = await this.existing(input.file);
    const r = await verifyBackup(file, {
      // What is copied out to be checked (the store, the dump; in clear, even from an
      // encrypted archive) goes on the data folder's disk, not beside the archive.
      tmpDir: this.options.dataDir,
      onProgress: this.options.onProgress,
      checkDump: async (f) => (await this.options.stack()).listDump(f),
      ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}),
    });
    return {
      file,
      ok: r.ok,
      problems: r.problems,
      format: r.manifest?.format ?? null,
      app: r.manifest?.app ?? null,
      createdAt: r.manifest?.createdAt ?? null,
      files: r.manifest?.files.length ?? 0,
      secrets: r.manifest?.files.some((f) => f.path === SECRETS_ENTRY) ?? false,
      stack: r.manifest?.files.some((f) => f.path.startsWith(STACK_PREFIX)) ?? false,
      encrypted: r.encrypted,
      notes: r.notes,
    };
  }

  /** The archives in the backups folder, newest first (by when they were written). */
  async list(): Promise<BackupResult[]> {
    const out: BackupResult[] = [];
    for (const name of await this.names()) {
      const file = join(this.dir, name);
      // One deleted since the folder was read, or that cannot be read (a dangling link), is
      // not listed; the others are.
      try {
        const s = await stat(file);
        if (!s.isFile()) continue;
        out.push({
          file,
          bytes: s.size,
          files: null,
          createdAt: s.mtime.toISOString(),
          encrypted: await startsEnveloped(file),
        });
      } catch {
        continue;
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

/** The stack's data for a backup; Docker being away is said in the backup's own words. */
async function stackData(stack: StackData, dir: string): Promise<string[]> {
  try {
    return await stack.backupData(dir);
  } catch (err) {
    if (err instanceof MaildockError && err.code.startsWith('DOCKER_')) {
      throw new MaildockError(
        err.code,
        `The local mail server’s data cannot be backed up: ${err.message}`,
        {
          ...err.fields,
          hint: 'Start Docker, or make the backup without the stack (maildock backup create --no-stack).',
        },
      );
    }
    throw err;
  }
}
