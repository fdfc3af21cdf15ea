// What the sync status in the top bar and the sync panel say, from the accounts' sync
// states: offline (why, and when it is tried again), an account to sign in again, syncing
// (which account, which phase, how far), synced how long ago, or errors.
import { describeError } from '../i18n/error-words.js';
import { i18n, locale } from '../i18n/index.js';
import type {
  Account,
  AccountSyncState,
  SyncOffline,
  SyncProgress,
} from '../../../common/types.js';

const n = (v: number) => v.toLocaleString(locale());

// The other phases report 0 of 1 and then 1 of 1: nothing a person would count.
const COUNTED = new Set<SyncProgress['phase']>(['changes', 'headers', 'flags', 'bodies', 'index']);

/** "headers 1,200 of 5,000", or the phase alone where there is nothing to count. */
export function phaseWords(p: SyncProgress | null): string {
  if (!p) return i18n.t('sync.starting');
  const phase = i18n.t(`sync.phase.${p.phase}`);
  return COUNTED.has(p.phase) && p.total > 0
    ? i18n.t('sync.counted', { phase, done: n(p.done), total: n(p.total) })
    : phase;
}

/** How long ago, as people say it: "just now", "2 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return i18n.t('sync.unknownTime');
  const s = Math.max(0, (now.getTime() - t) / 1000);
  if (s < 45) return i18n.t('sync.justNow');
  const min = Math.round(s / 60);
  if (min < 60) return i18n.t('sync.minutesAgo', { count: min });
  const h = Math.round(s / 3600);
  if (h < 24) return i18n.t('sync.hoursAgo', { count: h });
  const d = Math.round(s / 86400);
  if (d < 7) return d === 1 ? i18n.t('sync.yesterday') : i18n.t('sync.daysAgo', { count: d });
  const day = new Date(t).toLocaleDateString(locale(), { month: 'short', day: 'numeric' });
  return i18n.t('sync.onDay', { day });
}

/** A time of day, 24 h with seconds: a retry a few seconds away must read as different. */
export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return i18n.t('sync.unknownClock');
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(t);
}

/** "retrying at 14:02:31", or "retrying soon" once that time has passed. */
export function retryWords(offline: SyncOffline, now: Date): string {
  if (!offline.retryAt) return i18n.t('sync.notRetrying');
  const at = Date.parse(offline.retryAt);
  return at > now.getTime()
    ? i18n.t('sync.retryingAt', { time: clockTime(offline.retryAt) })
    : i18n.t('sync.retryingNow');
}

/** Why the account is offline: its code's sentence, and the server it could not reach. */
export function offlineReason(offline: SyncOffline): string {
  return i18n.t('sync.offlineReason', {
    sentence: describeError(offline.error).sentence,
    host: offline.host,
  });
}

export type SyncStatusKind =
  'none' | 'offline' | 'signin' | 'syncing' | 'synced' | 'never' | 'error';

export interface SyncStatusWords {
  kind: SyncStatusKind;
  text: string;
  /** Errors of the accounts' last passes, for the badge. */
  errors: number;
}

export function syncStatusWords(
  states: readonly AccountSyncState[],
  accounts: readonly Pick<Account, 'id' | 'email'>[],
  now: Date,
): SyncStatusWords {
  const errors = states.reduce((k, s) => k + s.errors.length, 0);
  if (states.length === 0) return { kind: 'none', text: '', errors };
  const email = (id: number) =>
    accounts.find((a) => a.id === id)?.email ?? i18n.t('sync.account', { id });
  // Offline first: "Synced 5 min ago" must not stand while the server is out of reach.
  const offline = states.filter((s) => s.offline !== null);
  if (offline.length > 0) {
    const first = offline[0]!;
    const words = {
      account: email(first.accountId),
      retry: retryWords(first.offline!, now),
      more: offline.length - 1,
    };
    return {
      kind: 'offline',
      text:
        offline.length > 1
          ? i18n.t('sync.offlineStatusMore', words)
          : i18n.t('sync.offlineStatus', words),
      errors,
    };
  }
  // An account that waits for its user says so before others' progress: it will not sync by itself.
  const signIn = states.filter((s) => s.signInRequired);
  if (signIn.length > 0) {
    const words = { account: email(signIn[0]!.accountId), more: signIn.length - 1 };
    return {
      kind: 'signin',
      text:
        signIn.length > 1
          ? i18n.t('sync.signInStatusMore', words)
          : i18n.t('sync.signInStatus', words),
      errors,
    };
  }
  const running = states.filter((s) => s.running);
  if (running.length > 0) {
    const first = running[0]!;
    const words = {
      account: email(first.accountId),
      phase: phaseWords(first.progress),
      more: running.length - 1,
    };
    return {
      kind: 'syncing',
      text:
        running.length > 1
          ? i18n.t('sync.syncingStatusMore', words)
          : i18n.t('sync.syncingStatus', words),
      errors,
    };
  }
  if (errors > 0) return { kind: 'error', text: i18n.t('sync.errors', { count: errors }), errors };
  const times = states.map((s) => s.lastSyncAt);
  if (times.some((t) => t === null)) return { kind: 'never', text: i18n.t('sync.notYet'), errors };
  // The account that waited longest says how fresh the whole is.
  const oldest = (times as string[]).reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
  return { kind: 'synced', text: i18n.t('sync.synced', { ago: ago(oldest, now) }), errors };
}

/** The account's line in the sync panel. */
export function lastSyncWords(state: AccountSyncState, now: Date): string {
  if (state.offline) {
    const words = {
      time: clockTime(state.offline.since),
      retry: retryWords(state.offline, now),
      ago: state.lastSyncAt ? ago(state.lastSyncAt, now) : '',
    };
    return state.lastSyncAt
      ? i18n.t('sync.offlineSinceLast', words)
      : i18n.t('sync.offlineSince', words);
  }
  if (state.running) return i18n.t('sync.syncingLine', { phase: phaseWords(state.progress) });
  return state.lastSyncAt
    ? i18n.t('sync.lastSynced', { ago: ago(state.lastSyncAt, now) })
    : i18n.t('sync.never');
}

/** How far the phase in progress is, 0..1; null when it cannot be told. */
export function progressFraction(state: AccountSyncState): number | null {
  const p = state.progress;
  if (!state.running || !p || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}
