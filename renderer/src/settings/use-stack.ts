// The stack panel's data: status and health read through the contract, health kept live by
// the pushed `stack.health` rounds, or read every 5 s while none is pushed; operations run
// one at a time with the `stack.progress` the core pushes meanwhile.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { StackHealth, StackProgress, StackStatus } from '../../../common/stack.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import type { StackInputs } from './stack-model.js';

export const POLL_MS = 5000;

export interface StackState {
  inputs: StackInputs;
  /** The last operation's failure (start, stop, up…), shown above the services. */
  failure: ErrorData | null;
  refresh(): void;
  run(label: string, op: () => Promise<StackStatus>): void;
}

export function useStack(client: MaildockClient): StackState {
  const [status, setStatus] = useState<StackStatus | null>(null);
  const [health, setHealth] = useState<StackHealth | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [failure, setFailure] = useState<ErrorData | null>(null);
  const [busy, setBusy] = useState<StackInputs['busy']>(null);
  const busyRef = useRef(false);
  const reading = useRef(false);
  const pushedAt = useRef(0);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const readStatus = useCallback(async (): Promise<boolean> => {
    try {
      const s = await client.call('stack.status', {});
      if (live.current) {
        setStatus(s);
        setError(null);
      }
      return true;
    } catch (err) {
      if (live.current) setError(errorDataOf(err));
      return false;
    }
  }, [client]);

  const read = useCallback(async () => {
    if (reading.current) return;
    reading.current = true;
    try {
      if (!(await readStatus())) return;
      // The probes' round: it also comes back as a pushed event, which is ours, not news.
      const h = await client.call('stack.health', {}).catch(() => null);
      if (h && live.current) setHealth(h.current);
    } finally {
      reading.current = false;
    }
  }, [client, readStatus]);

  useEffect(() => {
    void read();
    const timer = setInterval(() => {
      if (Date.now() - pushedAt.current > POLL_MS + 1000) void read();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [read]);

  const statusRef = useRef(status);
  statusRef.current = status;
  useEffect(() => {
    const offs = [
      client.on('stack.health', (h) => {
        if (!reading.current) pushedAt.current = Date.now();
        setHealth(h);
        // A container changed state (the tray stopped one, say): its buttons follow.
        const s = statusRef.current;
        if (
          s &&
          h.services.some(
            (x) => s.services.find((y) => y.service === x.service)?.state !== x.container,
          )
        )
          void readStatus();
      }),
      client.on('stack.progress', (p: StackProgress) => {
        if (busyRef.current) setBusy((b) => (b ? { ...b, progress: p } : b));
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, readStatus]);

  const run = useCallback(
    (label: string, op: () => Promise<StackStatus>) => {
      if (busyRef.current) return;
      busyRef.current = true;
      setBusy({ label, progress: null });
      setFailure(null);
      op()
        .then((s) => {
          if (!live.current) return;
          setStatus(s);
          setError(null);
        })
        .catch((err: unknown) => live.current && setFailure(errorDataOf(err)))
        .finally(() => {
          busyRef.current = false;
          if (!live.current) return;
          setBusy(null);
          void read();
        });
    },
    [read],
  );

  return {
    inputs: { status, health, error, busy },
    failure,
    refresh: () => void read(),
    run,
  };
}
