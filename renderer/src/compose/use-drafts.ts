// The drafts list (local drafts and those the server's Drafts holds from other clients),
// read while it is shown, again every few seconds since autosave keeps changing it.
import { useCallback, useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Draft } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';

const POLL_MS = 4000;

export interface DraftsState {
  drafts: Draft[];
  loaded: boolean;
  error: ErrorData | null;
  reload(): void;
}

export function useDrafts(client: MaildockClient, active: boolean): DraftsState {
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!active) return;
    let live = true;
    client.call('draft.list', {}).then(
      (list) => {
        if (!live) return;
        setDrafts(list);
        setError(null);
      },
      (err: unknown) => live && setError(errorDataOf(err)),
    );
    return () => {
      live = false;
    };
  }, [client, active, tick]);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);

  return { drafts: drafts ?? [], loaded: drafts !== null, error, reload };
}
