// Backups on a schedule, off by default: every N hours while Maildock runs (the desktop app,
// `maildock serve --sync`), a backup named maildock-auto-<time> in the backups folder; after
// each, only the newest `keep` of those stay. Backups the user made are never pruned.
import type { BackupSchedule } from '../../../common/types.js';

export const AUTO_PREFIX = 'maildock-auto-';

/**
 * Whether a scheduled backup is due, given when the last one was made and when the last
 * attempt failed since: a failed one is tried again only after an hour (or after `everyHours`
 * when that is shorter), not at every look.
 */
export function backupDue(
  schedule: BackupSchedule,
  last: Date | null,
  now: Date,
  hourMs = 3_600_000,
  failed: Date | null = null,
): boolean {
  if (!schedule.enabled) return false;
  const since = (d: Date) => now.getTime() - d.getTime();
  if (failed && since(failed) < Math.min(schedule.everyHours, 1) * hourMs) return false;
  return last === null || since(last) >= schedule.everyHours * hourMs;
}

/** The scheduled backups to delete: all but the newest `keep` (names sort by their time). */
export function backupsToPrune(names: readonly string[], keep: number): string[] {
  const auto = names.filter((n) => n.startsWith(AUTO_PREFIX)).sort();
  return auto.slice(0, Math.max(0, auto.length - keep));
}

export interface SchedulerDeps {
  schedule(): Promise<BackupSchedule>;
  /** When the newest scheduled backup was made, or null. */
  last(): Promise<Date | null>;
  run(): Promise<void>;
  onError(err: unknown): void;
  /** How often to look; and the length of an "hour" (tests shorten both). */
  checkMs?: number;
  hourMs?: number;
}

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** When the last attempt failed, while no backup has been made since (this process only). */
  private failed: Date | null = null;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.checkMs ?? 60_000);
    this.timer.unref();
    void this.tick();
  }

  /** Looks now: makes the backup if one is due (one at a time). */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        const { hourMs } = this.deps;
        if (
          backupDue(
            await this.deps.schedule(),
            await this.deps.last(),
            new Date(),
            hourMs,
            this.failed,
          )
        ) {
          try {
            await this.deps.run();
            this.failed = null;
          } catch (err) {
            this.failed = new Date();
            throw err;
          }
        }
      } catch (err) {
        this.deps.onError(err);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
