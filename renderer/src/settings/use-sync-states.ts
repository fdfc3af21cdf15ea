// Every account's sync state: read through `sync.state`, then kept current by the pushed
// `sync.state` event (one account at a time). Read again when the accounts change, and when
// an event does not fit the contract: what is shown must not stay behind what happened.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { AccountSyncState } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';

export interface SyncStates {
  states: AccountSyncState[];
  loaded: boolean;
  error: ErrorData | null;
  reload(): void;
}

export function mergeState(
  states: readonly AccountSyncState[],
  next: AccountSyncState,
): AccountSyncState[] {
  const i = states.findIndex((s) => s.accountId === next.accountId);
  if (i < 0) return [...states, next];
  const out = [...states];
  out[i] = next;
  return out;
}

/** `accountsKey` changes when accounts are added or removed (their ids joined, say). */
export function useSyncStates(client: MaildockClient, accountsKey: string): SyncStates {
  const [states, setStates] = useState<AccountSyncState[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [tick, setTick] = useState(0);
  // Events that came while a read was on its way are newer than what it brings back.
  const pushed = useRef(new Map<number, AccountSyncState>());

  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(
    () =>
      client.on(
        'sync.state',
        (s) => {
          pushed.current.set(s.accountId, s);
          setStates((all) => mergeState(all, s));
        },
        reload,
      ),
    [client, reload],
  );

  useEffect(() => {
    let live = true;
    pushed.current.clear();
    client
      .call('sync.state', {})
      .then((list) => {
        if (!live) return;
        setStates(list.map((s) => pushed.current.get(s.accountId) ?? s));
        setLoaded(true);
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorDataOf(err)));
    return () => {
      live = false;
    };
  }, [client, accountsKey, tick]);

  return { states, loaded, error, reload };
}

/** The time now, again every `ms`: "2 min ago" must not stay "just now". */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
