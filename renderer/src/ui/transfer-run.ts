// One import or export run by a dialog: the call, the core's progress events for it, its
// Cancel, and how it ended (a result, or an error to show where the form is). The
// subscription lives as long as the call, not the dialog: a Cancel pressed before the
// transfer's first event, or by a dialog already closed, still reaches the core once the
// transfer has an id.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { TransferProgress } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { startsTransfer } from './transfer-model.js';

export type RunState<R> =
  | { phase: 'ready'; error: ErrorData | null }
  | { phase: 'running'; progress: TransferProgress | null; cancelling: boolean }
  | { phase: 'done'; result: R };

interface Run {
  id: number | null;
  cancelWanted: boolean;
}

export function useTransferRun<R>(kind: TransferProgress['kind']) {
  const client = useClient();
  const [state, setState] = useState<RunState<R>>({ phase: 'ready', error: null });
  const current = useRef<Run | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const show = (run: Run, next: RunState<R> | ((s: RunState<R>) => RunState<R>)) => {
    if (mounted.current && current.current === run) setState(next);
  };

  const askCancel = useCallback(
    (id: number) => {
      // No answer to wait for: the call itself ends, cancelled, or with what it did.
      client.call('transfer.cancel', { transferId: id }).catch(() => undefined);
    },
    [client],
  );

  const start = (call: () => Promise<R>) => {
    if (current.current) return;
    const run: Run = { id: null, cancelWanted: false };
    current.current = run;
    setState({ phase: 'running', progress: null, cancelling: false });
    const off = client.on('transfer.progress', (p) => {
      if (run.id === null && startsTransfer(p, kind)) {
        run.id = p.transferId;
        if (run.cancelWanted) askCancel(run.id);
      }
      if (p.transferId !== run.id) return;
      show(run, (s) => (s.phase === 'running' ? { ...s, progress: p } : s));
    });
    call()
      .then(
        (result) => show(run, { phase: 'done', result }),
        (err: unknown) => show(run, { phase: 'ready', error: errorDataOf(err) }),
      )
      .finally(() => {
        off();
        if (current.current === run) current.current = null;
      });
  };

  /** Stops the run under way; returns whether there was one. */
  const cancel = (): boolean => {
    const run = current.current;
    if (!run) return false;
    run.cancelWanted = true;
    if (run.id !== null) askCancel(run.id);
    show(run, (s) => (s.phase === 'running' ? { ...s, cancelling: true } : s));
    return true;
  };

  /** The form was changed after an error: the error no longer speaks of it. */
  const clearError = () =>
    setState((s) => (s.phase === 'ready' && s.error ? { phase: 'ready', error: null } : s));

  return { state, start, cancel, clearError };
}
