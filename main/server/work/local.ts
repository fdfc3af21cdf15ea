// The server of many people as one instance without Redis: it holds every account itself.
// It looks at the directory at start, whenever an account is added or removed here, and on a
// slow round, watching what is new and letting go of what is gone.
import { getLogger } from '../../core/platform/log.js';
import type { AccountDirectory, AccountRef, PersonServices } from './types.js';
import { refKey } from './types.js';

const log = getLogger('leases');
const ROUND_MS = 30_000;

export class LocalHolder {
  /** What is watched here, each with the hold that keeps its owner's service open. */
  private readonly held = new Map<string, { ref: AccountRef; release(): void }>();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly directory: AccountDirectory,
    private readonly services: PersonServices,
  ) {}

  async start(): Promise<void> {
    await this.accountsChanged();
    this.timer = setInterval(() => void this.accountsChanged(), ROUND_MS);
    this.timer.unref();
  }

  /** Rounds run one after another: a second request waits for the first. */
  accountsChanged(): Promise<void> {
    this.round = this.round
      .then(() => this.look())
      .catch((err: unknown) => {
        log.warn({ err }, 'could not look at the accounts');
      });
    return this.round;
  }

  private async look(): Promise<void> {
    if (this.stopped) return;
    const now = new Map((await this.directory.all()).map((ref) => [refKey(ref), ref]));
    for (const [key, { ref, release }] of this.held) {
      if (now.has(key)) continue;
      this.held.delete(key);
      try {
        await (await this.services.get(ref.owner)).unwatch(ref.accountId);
      } finally {
        release();
      }
    }
    for (const [key, ref] of now) {
      if (this.held.has(key) || this.stopped) continue;
      const { service, release } = await this.services.hold(ref.owner);
      try {
        await service.watchAccount(await service.account(ref.accountId));
      } catch (err) {
        release();
        throw err;
      }
      this.held.set(key, { ref, release });
    }
  }

  /** An account's settings changed: watched again with them, in turn with the rounds. */
  restart(ref: AccountRef): Promise<void> {
    this.round = this.round
      .then(async () => {
        // Not held yet: the round that takes it reads its settings then.
        if (this.stopped || !this.held.has(refKey(ref))) return;
        const service = await this.services.get(ref.owner);
        await service.unwatch(ref.accountId);
        await service.watchAccount(await service.account(ref.accountId));
      })
      .catch((err: unknown) => {
        log.warn({ err, accountId: ref.accountId }, 'could not watch the account anew');
      });
    return this.round;
  }

  heldRefs(): AccountRef[] {
    return [...this.held.values()].map((h) => h.ref);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }
}
