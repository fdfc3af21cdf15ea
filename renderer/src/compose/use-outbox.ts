// The outbox as the core has it, read again every few seconds (every 2 s while someone is
// looking at it or a message is on its way), after each send or undo, and on new mail.
import { useCallback, useEffect, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { OutboxEntry } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';

const FAST_MS = 2000;
const SLOW_MS = 10_000;

export interface OutboxState {
  entries: OutboxEntry[];
  /** Messages that have not left: queued, leaving, waiting to retry, failed, unsure. */
  waiting: number;
  error: ErrorData | null;
  reload(): void;
}

export const notSent = (e: OutboxEntry) => e.state !== 'sent' && e.state !== 'cancelled';

export function useOutbox(client: MaildockClient, fast: boolean): OutboxState {
  const [entries, setEntries] = useState<OutboxEntry[]>([]);
  const [error, setError] = useState<ErrorData | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let live = true;
    client.call('outbox.list', { limit: 100 }).then(
      (list) => {
        if (!live) return;
        setEntries(list);
        setError(null);
      },
      (err: unknown) => live && setError(errorDataOf(err)),
    );
    return () => {
      live = false;
    };
  }, [client, tick]);

  useEffect(() => {
    const timer = setInterval(reload, fast ? FAST_MS : SLOW_MS);
    return () => clearInterval(timer);
  }, [fast, reload]);
  useEffect(() => client.on('mail.new', reload), [client, reload]);

  return { entries, waiting: entries.filter(notSent).length, error, reload };
}
