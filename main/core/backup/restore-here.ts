// backup.restore from inside a running app or server: verified and staged while everything
// goes on; then sync, sending, the schedule and the stack stop, the store closes, the data is
// swapped, and all of it starts again on the restored data. Calls made during the swap wait
// for it (`settled()`).
import { MaildockError } from '../../../common/errors.js';
import type { StackProgress } from '../../../common/stack.js';
import type { BackupProgressEvent, RestoreResult } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { StackOptions } from '../stack/docker.js';
import { restoreAll } from './restore-all.js';

const log = getLogger('backup');

export interface RestoreHereDeps {
  dataDir: string;
  /** The Postgres store's URL, when the store is not SQLite's in the data folder. */
  database?: string | undefined;
  stack?: StackOptions | undefined;
  secrets: SecretStore;
  /** The backup's path, checked (backups.existing). */
  existing(file: string): Promise<string>;
  onProgress(p: BackupProgressEvent): void;
  onStackProgress(p: StackProgress): void;
  /** Everything that works on the store stops, and the store closes. */
  suspend(): Promise<void>;
  /** The store opens again (on the restored data, or the old one when refused) and work resumes. */
  resume(): Promise<void>;
}

export class RestoreHere {
  private running = false;
  /** While the data folder is swapped: calls wait for it, then meet the restored data. */
  private swapping: Promise<void> | null = null;

  constructor(private readonly deps: RestoreHereDeps) {}

  get active(): boolean {
    return this.running;
  }

  /** Resolves once no swap is under way. */
  async settled(): Promise<void> {
    while (this.swapping) await this.swapping;
  }

  async run(input: { file: string; passphrase?: string | undefined }): Promise<RestoreResult> {
    if (this.running)
      throw new MaildockError('ALREADY_EXISTS', 'A restore is already running; wait for it.');
    const { deps } = this;
    const file = await deps.existing(input.file);
    this.running = true;
    let release = () => {};
    let suspended = false;
    const resume = async () => {
      if (!suspended) return;
      suspended = false;
      try {
        await deps.resume();
      } finally {
        // Calls waiting for the swap go on even if the store did not open (they then fail).
        this.swapping = null;
        release();
      }
    };
    try {
      const result = await restoreAll(deps.dataDir, file, {
        ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}),
        ...(deps.stack ? { stack: deps.stack } : {}),
        ...(deps.database ? { database: deps.database } : {}),
        onProgress: deps.onProgress,
        onStackProgress: deps.onStackProgress,
        secretStore: async () => deps.secrets,
        release: async () => {
          this.swapping = new Promise((r) => (release = r));
          suspended = true;
          await deps.suspend();
        },
        afterSwap: resume,
      });
      log.info({ files: result.files, stack: result.stack }, 'backup restored in place');
      return result;
    } finally {
      // A restore refused after the store closed (another process holds it) opens it again.
      await resume();
      this.running = false;
    }
  }
}
