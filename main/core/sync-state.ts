// Each account's sync as the UI shows it: running or not, the phase in progress, when it last
// finished (kept across restarts) and the errors of the last pass. Fed by the sync's progress
// and by every pass's end, whether `sync.run` or a watcher ran it; each change is pushed.
import type { AccountSyncState, SyncProgress } from '../../common/types.js';
import type { SyncError } from './sync/account-sync.js';
import type { Store } from './store/index.js';

const MAX_ERRORS = 20;
const key = (accountId: number) => `sync.lastAt.${accountId}`;

export class SyncStates {
  private readonly states = new Map<number, AccountSyncState>();

  constructor(
    private readonly store: Store,
    private readonly emit: (state: AccountSyncState) => void,
  ) {}

  private state(accountId: number): AccountSyncState {
    let s = this.states.get(accountId);
    if (!s) {
      s = {
        accountId,
        running: false,
        progress: null,
        lastSyncAt: this.store.settings.get(key(accountId)),
        errors: [],
      };
      this.states.set(accountId, s);
    }
    return s;
  }

  private update(accountId: number, patch: Partial<AccountSyncState>): void {
    const next = { ...this.state(accountId), ...patch };
    this.states.set(accountId, next);
    this.emit(next);
  }

  progress(p: SyncProgress): void {
    // The end of a pass is recorded by finished(), with its errors.
    if (p.phase === 'done') return;
    this.update(p.accountId, { running: true, progress: p });
  }

  /** Local work shown as a phase ended (the search index caught up); a sync's own phase stays. */
  phaseEnded(accountId: number, phase: SyncProgress['phase']): void {
    if (this.state(accountId).progress?.phase === phase) {
      this.update(accountId, { running: false, progress: null });
    }
  }

  finished(accountId: number, errors: readonly SyncError[]): void {
    const at = new Date().toISOString();
    this.store.settings.set(key(accountId), at);
    this.update(accountId, {
      running: false,
      progress: null,
      lastSyncAt: at,
      errors: errors.slice(0, MAX_ERRORS).map((e) => ({ ...e, accountId })),
    });
  }

  /** A failure between passes (a watcher's connection): kept until the next pass ends. */
  failed(accountId: number, error: { code: SyncError['code']; message: string }): void {
    const s = this.state(accountId);
    this.update(accountId, {
      errors: [...s.errors, { ...error, accountId }].slice(-MAX_ERRORS),
    });
  }

  forget(accountId: number): void {
    this.states.delete(accountId);
    this.store.settings.remove(key(accountId));
  }

  list(accountIds: readonly number[]): AccountSyncState[] {
    return accountIds.map((id) => this.state(id));
  }
}
