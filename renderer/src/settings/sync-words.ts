// What the sync status in the top bar and the sync panel say, from the accounts' sync
// states: offline (why, and when it is tried again), syncing (which account, which phase,
// how far), synced how long ago, or errors.
import { describeError } from '../../../common/error-words.js';
import type {
  Account,
  AccountSyncState,
  SyncOffline,
  SyncProgress,
} from '../../../common/types.js';

const count = new Intl.NumberFormat('en');
const n = (v: number) => count.format(v);

const PHASE: Record<SyncProgress['phase'], string> = {
  connect: 'connecting',
  mailboxes: 'folders',
  changes: 'changes',
  headers: 'headers',
  flags: 'flags',
  bodies: 'message bodies',
  index: 'indexing for search',
  idle: 'waiting for mail',
  done: 'finishing',
};

// The other phases report 0 of 1 and then 1 of 1: nothing a person would count.
const COUNTED = new Set<SyncProgress['phase']>(['changes', 'headers', 'flags', 'bodies', 'index']);

/** "headers 1,200 of 5,000", or the phase alone where there is nothing to count. */
export function phaseWords(p: SyncProgress | null): string {
  if (!p) return 'starting';
  const phase = PHASE[p.phase];
  return COUNTED.has(p.phase) && p.total > 0 ? `${phase} ${n(p.done)} of ${n(p.total)}` : phase;
}

/** How long ago, as people say it: "just now", "2 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'at an unknown time';
  const s = Math.max(0, (now.getTime() - t) / 1000);
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(s / 3600);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(s / 86400);
  if (d < 7) return d === 1 ? 'yesterday' : `${d} days ago`;
  return `on ${new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}`;
}

/** A time of day, 24 h with seconds: a retry a few seconds away must read as different. */
export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'an unknown time';
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(t);
}

/** "retrying at 14:02:31", or "retrying soon" once that time has passed. */
export function retryWords(offline: SyncOffline, now: Date): string {
  if (!offline.retryAt) return 'not retrying by itself';
  const at = Date.parse(offline.retryAt);
  return at > now.getTime() ? `retrying at ${clockTime(offline.retryAt)}` : 'retrying now';
}

/** Why the account is offline: its code's sentence, and the server it could not reach. */
export function offlineReason(offline: SyncOffline): string {
  return `${describeError(offline.error).sentence} (${offline.host})`;
}

export type SyncStatusKind = 'none' | 'offline' | 'syncing' | 'synced' | 'never' | 'error';

export interface SyncStatusWords {
  kind: SyncStatusKind;
  text: string;
  /** Errors of the accounts' last passes, for the badge. */
  errors: number;
}

const plural = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;

export function syncStatusWords(
  states: readonly AccountSyncState[],
  accounts: readonly Pick<Account, 'id' | 'email'>[],
  now: Date,
): SyncStatusWords {
  const errors = states.reduce((k, s) => k + s.errors.length, 0);
  if (states.length === 0) return { kind: 'none', text: '', errors };
  const email = (id: number) => accounts.find((a) => a.id === id)?.email ?? `account ${id}`;
  // Offline first: "Synced 5 min ago" must not stand while the server is out of reach.
  const offline = states.filter((s) => s.offline !== null);
  if (offline.length > 0) {
    const first = offline[0]!;
    const more = offline.length > 1 ? ` (+${offline.length - 1} more)` : '';
    return {
      kind: 'offline',
      text: `Offline: ${email(first.accountId)} — ${retryWords(first.offline!, now)}${more}`,
      errors,
    };
  }
  const running = states.filter((s) => s.running);
  if (running.length > 0) {
    const first = running[0]!;
    const more = running.length > 1 ? ` (+${running.length - 1} more)` : '';
    return {
      kind: 'syncing',
      text: `Syncing ${email(first.accountId)} — ${phaseWords(first.progress)}${more}`,
      errors,
    };
  }
  if (errors > 0) return { kind: 'error', text: plural(errors, 'sync error'), errors };
  const times = states.map((s) => s.lastSyncAt);
  if (times.some((t) => t === null)) return { kind: 'never', text: 'Not synced yet', errors };
  // The account that waited longest says how fresh the whole is.
  const oldest = (times as string[]).reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
  return { kind: 'synced', text: `Synced ${ago(oldest, now)}`, errors };
}

/** The account's line in the sync panel. */
export function lastSyncWords(state: AccountSyncState, now: Date): string {
  if (state.offline) {
    const last = state.lastSyncAt ? `; last synced ${ago(state.lastSyncAt, now)}` : '';
    return `Offline since ${clockTime(state.offline.since)} — ${retryWords(state.offline, now)}${last}`;
  }
  if (state.running) return `Syncing — ${phaseWords(state.progress)}`;
  return state.lastSyncAt ? `Last synced ${ago(state.lastSyncAt, now)}` : 'Never synced';
}

/** How far the phase in progress is, 0..1; null when it cannot be told. */
export function progressFraction(state: AccountSyncState): number | null {
  const p = state.progress;
  if (!state.running || !p || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}
