// Each account's sync as the UI shows it: running or not, the phase in progress, when it last
// finished (kept across restarts), the errors of the last pass, and whether the server is
// out of reach. Fed by the sync's progress, by every pass's end, whether `sync.run` or a
// watcher ran it, and by the watcher's failed attempts; each change is pushed.
import type { ErrorData } from '../../../common/errors.js';
import type { AccountSyncState, SyncError, SyncProgress } from '../../../common/types.js';
import type { Store } from '../store/index.js';
import { OUT_OF_REACH } from './account-sync.js';
import { getLogger } from '../platform/log.js';

const log = getLogger('sync');

const MAX_ERRORS = 20;
const key = (accountId: number) => `sync.lastAt.${accountId}`;

export class SyncStates {
  private readonly states = new Map<number, AccountSyncState>();
  private readonly lastAt = new Map<number, string>();

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
        lastSyncAt: this.lastAt.get(accountId) ?? null,
        errors: [],
        offline: null,
        signInRequired: false,
      };
      this.states.set(accountId, s);
    }
    return s;
  }

  /** Reads when each account last finished a pass (kept across restarts). */
  async load(accountIds: readonly number[]): Promise<void> {
    for (const id of accountIds) {
      const at = await this.store.settings.get(key(id));
      if (at === null) continue;
      this.lastAt.set(id, at);
      const s = this.states.get(id);
      if (s && s.lastSyncAt === null) this.states.set(id, { ...s, lastSyncAt: at });
    }
  }

  private update(accountId: number, patch: Partial<AccountSyncState>): void {
    const next = { ...this.state(accountId), ...patch };
    this.states.set(accountId, next);
    this.emit(next);
  }

  progress(p: SyncProgress): void {
    // The end of a pass is recorded by finished(), with its errors.
    if (p.phase === 'done') return;
    // A phase after connecting means the server answers again; the local reindex says nothing
    // of the server.
    const answers = p.phase !== 'connect' && p.phase !== 'index';
    const offline = answers ? null : this.state(p.accountId).offline;
    this.update(p.accountId, { running: true, progress: p, offline });
  }

  /** Local work shown as a phase ended (the search index caught up); a sync's own phase stays. */
  phaseEnded(accountId: number, phase: SyncProgress['phase']): void {
    if (this.state(accountId).progress?.phase === phase) {
      this.update(accountId, { running: false, progress: null });
    }
  }

  finished(accountId: number, errors: readonly SyncError[]): void {
    const at = new Date().toISOString();
    this.lastAt.set(accountId, at);
    this.remember(this.store.settings.set(key(accountId), at));
    this.update(accountId, {
      running: false,
      progress: null,
      lastSyncAt: at,
      errors: errors.slice(0, MAX_ERRORS).map((e) => syncError(e, accountId)),
      // A pass that ended got through to the server, unless the connection itself failed.
      offline: errors.some((e) => e.mailbox === undefined && OUT_OF_REACH.has(e.code))
        ? this.state(accountId).offline
        : null,
    });
  }

  /** A failure between passes (a watcher's connection): kept until the next pass ends. */
  failed(accountId: number, error: SyncError): void {
    const s = this.state(accountId);
    this.update(accountId, {
      errors: [...s.errors, syncError(error, accountId)].slice(-MAX_ERRORS),
    });
  }

  /** The server could not be reached: offline since the first failure, until a pass ends. */
  offline(accountId: number, error: ErrorData, host: string, retryAt: Date): void {
    const s = this.state(accountId);
    this.update(accountId, {
      running: false,
      progress: null,
      offline: {
        error: syncError(error, accountId),
        host,
        since: s.offline?.since ?? new Date().toISOString(),
        retryAt: retryAt.toISOString(),
      },
    });
  }

  /** The account's OAuth2 grant ended (true), or the user signed in again (false). */
  signIn(accountId: number, required: boolean): void {
    if ((this.state(accountId).signInRequired ?? false) === required) return;
    this.update(
      accountId,
      required ? { signInRequired: true } : { signInRequired: false, errors: [] },
    );
  }

  forget(accountId: number): void {
    this.states.delete(accountId);
    this.lastAt.delete(accountId);
    this.remember(this.store.settings.remove(key(accountId)));
  }

  /** The state in memory is what is shown; a write that fails only loses it at a restart. */
  private remember(write: Promise<void>): void {
    write.catch((err: unknown) => log.warn({ err }, 'could not keep when the sync last ran'));
  }

  list(accountIds: readonly number[]): AccountSyncState[] {
    return accountIds.map((id) => this.state(id));
  }
}

// The contract's sync error is strict: only what it declares is passed on.
function syncError(e: SyncError, accountId: number): SyncError {
  return {
    code: e.code,
    message: e.message,
    ...(e.fields ? { fields: e.fields } : {}),
    accountId,
    ...(e.mailbox !== undefined ? { mailbox: e.mailbox } : {}),
  };
}
