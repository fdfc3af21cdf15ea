// @vitest-environment jsdom
// The sync status's words for each state (syncing with phase and counts, synced how long
// ago, never synced, errors), and the top-bar component over a fake client: it reads
// `sync.state`, follows the pushed `sync.state` event, and opens the panel when clicked.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountSyncState } from '../../common/types.js';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import {
  ago,
  clockTime,
  lastSyncWords,
  offlineReason,
  phaseWords,
  progressFraction,
  syncStatusWords,
} from '../../renderer/src/settings/sync-words.js';
import { SyncStatus } from '../../renderer/src/ui/SyncStatus.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const NOW = new Date('2025-03-10T12:00:00Z');
const accounts = [
  { id: 1, email: 'alice@example.org' },
  { id: 2, email: 'bob@example.net' },
];
const state = (accountId: number, patch: Partial<AccountSyncState> = {}): AccountSyncState => ({
  accountId,
  running: false,
  progress: null,
  lastSyncAt: '2025-03-10T11:58:00Z',
  offline: null,
  errors: [],
  ...patch,
});
const headers = (accountId: number, done: number, total: number) => ({
  accountId,
  phase: 'headers' as const,
  mailbox: 'INBOX',
  done,
  total,
});

describe('the sync status words', () => {
  it('says which account syncs, in which phase and how far', () => {
    const w = syncStatusWords(
      [state(1, { running: true, progress: headers(1, 1200, 5000) }), state(2)],
      accounts,
      NOW,
    );
    expect(w).toEqual({
      kind: 'syncing',
      text: 'Syncing alice@example.org — headers 1,200 of 5,000',
      errors: 0,
    });
    expect(
      syncStatusWords(
        [
          state(1, {
            running: true,
            progress: { accountId: 1, phase: 'connect', done: 0, total: 1 },
          }),
          state(2, { running: true, progress: null }),
        ],
        accounts,
        NOW,
      ).text,
    ).toBe('Syncing alice@example.org — connecting (+1 more)');
  });

  it('says how long ago the least fresh account synced', () => {
    expect(syncStatusWords([state(1), state(2)], accounts, NOW)).toEqual({
      kind: 'synced',
      text: 'Synced 2 min ago',
      errors: 0,
    });
    expect(
      syncStatusWords(
        [
          state(1, { lastSyncAt: '2025-03-10T11:59:50Z' }),
          state(2, { lastSyncAt: '2025-03-10T09:00:00Z' }),
        ],
        accounts,
        NOW,
      ).text,
    ).toBe('Synced 3 h ago');
    expect(ago('2025-03-10T11:59:30Z', NOW)).toBe('just now');
    expect(ago('2025-03-09T10:00:00Z', NOW)).toBe('yesterday');
    expect(syncStatusWords([state(1, { lastSyncAt: null })], accounts, NOW)).toEqual({
      kind: 'never',
      text: 'Not synced yet',
      errors: 0,
    });
  });

  it('counts the errors of the last passes, and says nothing without accounts', () => {
    const err = { code: 'AUTH_FAILED' as const, message: 'refused', accountId: 2 };
    expect(syncStatusWords([state(1), state(2, { errors: [err, err] })], accounts, NOW)).toEqual({
      kind: 'error',
      text: '2 sync errors',
      errors: 2,
    });
    expect(syncStatusWords([], [], NOW)).toEqual({ kind: 'none', text: '', errors: 0 });
  });

  it('says an account is offline, and until when, before anything else', () => {
    const offline = {
      error: { code: 'HOST_UNREACHABLE' as const, message: 'refused', accountId: 2 },
      host: 'imap.example.net',
      since: '2025-03-10T11:59:00Z',
      retryAt: '2025-03-10T12:00:20Z',
    };
    const down = state(2, { offline });
    expect(syncStatusWords([state(1), down], accounts, NOW)).toEqual({
      kind: 'offline',
      text: `Offline: bob@example.net — retrying at ${clockTime(offline.retryAt)}`,
      errors: 0,
    });
    expect(lastSyncWords(down, NOW)).toBe(
      `Offline since ${clockTime(offline.since)} — retrying at ${clockTime(offline.retryAt)}; last synced 2 min ago`,
    );
    expect(clockTime(offline.retryAt)).toMatch(/^\d\d:\d\d:20$/);
    expect(offlineReason(offline)).toBe(
      'The server could not be reached: check the host name and port. (imap.example.net)',
    );
    expect(
      lastSyncWords(state(2, { offline: { ...offline, retryAt: '2025-03-10T11:00:00Z' } }), NOW),
    ).toContain('retrying now');
  });

  it('gives the panel its line and its bar', () => {
    const running = state(1, { running: true, progress: headers(1, 250, 1000) });
    expect(lastSyncWords(running, NOW)).toBe('Syncing — headers 250 of 1,000');
    expect(progressFraction(running)).toBe(0.25);
    expect(lastSyncWords(state(1), NOW)).toBe('Last synced 2 min ago');
    expect(lastSyncWords(state(1, { lastSyncAt: null }), NOW)).toBe('Never synced');
    expect(progressFraction(state(1))).toBeNull();
    expect(phaseWords({ accountId: 1, phase: 'mailboxes', done: 0, total: 1 })).toBe('folders');
    expect(phaseWords({ accountId: 1, phase: 'index', done: 1200, total: 5000 })).toBe(
      'indexing for search 1,200 of 5,000',
    );
  });
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

describe('the sync status in the top bar', () => {
  it('reads the states, follows the pushed event, and opens the panel', async () => {
    const listeners = new Map<string, (p: unknown) => void>();
    let opened = 0;
    const client = {
      transport: 'http',
      call: async (method: string) => {
        expect(method).toBe('sync.state');
        return [state(1, { lastSyncAt: null })];
      },
      on: (event: string, fn: (p: unknown) => void) => {
        listeners.set(event, fn);
        return () => listeners.delete(event);
      },
    } as unknown as MaildockClient;
    container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        <ClientProvider client={client}>
          <SyncStatus accounts={[accounts[0]!] as never} onOpen={() => opened++} />
        </ClientProvider>,
      ),
    );
    const text = () => container!.querySelector('[role=status]')!.textContent;
    expect(text()).toBe('Not synced yet');

    act(() =>
      listeners.get('sync.state')!(state(1, { running: true, progress: headers(1, 3, 4) })),
    );
    expect(text()).toBe('Syncing alice@example.org — headers 3 of 4');
    expect(container.querySelector('.spinner')).not.toBeNull();

    act(() => listeners.get('sync.state')!(state(1, { lastSyncAt: new Date().toISOString() })));
    expect(text()).toBe('Synced just now');

    act(() =>
      listeners.get('sync.state')!(
        state(1, { errors: [{ code: 'TIMEOUT', message: 'slow', accountId: 1 }] }),
      ),
    );
    expect(text()).toBe('1 sync error');
    expect(container.querySelector('.sync-error-icon')).not.toBeNull();
    act(() => container!.querySelector('button')!.click());
    expect(opened).toBe(1);
  });

  it('reads the states again when an event does not fit the contract', async () => {
    let calls = 0;
    let malformed: (() => void) | undefined;
    const client = {
      transport: 'http',
      call: async () => {
        calls++;
        return [state(1, calls > 1 ? { lastSyncAt: new Date().toISOString() } : {})];
      },
      on: (_event: string, _fn: unknown, onMalformed?: () => void) => {
        malformed = onMalformed;
        return () => undefined;
      },
    } as unknown as MaildockClient;
    container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        <ClientProvider client={client}>
          <SyncStatus accounts={[accounts[0]!] as never} onOpen={() => undefined} />
        </ClientProvider>,
      ),
    );
    expect(calls).toBe(1);
    await act(async () => malformed!());
    expect(calls).toBe(2);
    expect(container.querySelector('[role=status]')!.textContent).toBe('Synced just now');
  });
});
