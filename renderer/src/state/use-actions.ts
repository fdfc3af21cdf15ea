// The mail actions over the contract: run one on the selection, undo the last, mark an
// opened message read. Every change is local in the core first, so the list is simply
// fetched again after each Result (the core is the truth; no optimistic copy to reconcile).
// What happened, or what went wrong, is kept for the notice.
// Undo takes back only what this window did, latest first (as Gmail does): the ids of its
// own actions are kept here, never asked of the core, so another session's archive or a
// reload's predecessor is out of reach.
import { useCallback, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { MessageSummary } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { callFor, type MailAction } from './actions.js';

export type MoveTarget = { mailboxId: number } | { path: string };

export interface ActionNotice {
  text: string;
  /** Whether an Undo button makes sense: only after an action that changed something. */
  undoable: boolean;
}

/** An action of this window that undo can still take back. */
export interface OwnAction {
  actionId: number;
  description: string;
}

/** "Undo: moved 3 messages to Archive", from the core's "Moved 3 messages to Archive". */
export const undoLabel = (a: OwnAction): string =>
  `Undo: ${a.description.charAt(0).toLowerCase()}${a.description.slice(1)}`;

export interface ActionsState {
  notice: ActionNotice | null;
  /** What undo would take back now; null when this window has done nothing to undo. */
  undoable: OwnAction | null;
  error: ErrorData | null;
  /** `ids`: the messages to change, when they are more than the rows (whole conversations). */
  run(
    action: MailAction,
    selected: readonly MessageSummary[],
    ids?: readonly number[],
  ): Promise<void>;
  /** To a folder picked by the user (by id, or by path in each message's account). */
  move(
    target: MoveTarget,
    selected: readonly MessageSummary[],
    ids?: readonly number[],
  ): Promise<void>;
  undo(): Promise<void>;
  /** Opened messages count as read; not an action the user asked for, so undo skips it. */
  markRead(messages: readonly MessageSummary[]): void;
  dismiss(): void;
}

export function useActions(client: MaildockClient, changed: () => void): ActionsState {
  const [notice, setNotice] = useState<ActionNotice | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [own, setOwn] = useState<readonly OwnAction[]>([]);
  // Read by undo itself, so two quick presses never send the same id twice.
  const ownRef = useRef<readonly OwnAction[]>([]);
  const setOwnBoth = useCallback((next: readonly OwnAction[]) => {
    ownRef.current = next;
    setOwn(next);
  }, []);

  /** One change through the core: what it did goes to the notice, a failure to the error. */
  const apply = useCallback(
    async (call: () => Promise<{ description: string; actionId: number | null }>) => {
      try {
        const r = await call();
        setError(null);
        setNotice({ text: r.description, undoable: r.actionId !== null });
        if (r.actionId !== null)
          setOwnBoth([...ownRef.current, { actionId: r.actionId, description: r.description }]);
      } catch (err) {
        setError(errorDataOf(err));
      } finally {
        changed();
      }
    },
    [changed, setOwnBoth],
  );

  const run = useCallback(
    async (action: MailAction, selected: readonly MessageSummary[], only?: readonly number[]) => {
      if (selected.length === 0) return;
      const ids = [...(only ?? selected.map((m) => m.id))];
      const call = callFor(action, selected);
      await apply(() =>
        call.method === 'message.mark'
          ? client.call('message.mark', { ids, ...call.input })
          : call.method === 'message.move'
            ? client.call('message.move', { ids, ...call.input })
            : client.call('message.delete', { ids }),
      );
    },
    [client, apply],
  );

  const move = useCallback(
    async (target: MoveTarget, selected: readonly MessageSummary[], only?: readonly number[]) => {
      if (selected.length === 0) return;
      const ids = [...(only ?? selected.map((m) => m.id))];
      await apply(() => client.call('message.move', { ids, ...target }));
    },
    [client, apply],
  );

  const undo = useCallback(async () => {
    const latest = ownRef.current.at(-1);
    if (!latest) return;
    // Off the list whatever the answer: undone now, or never to be (the core says why).
    setOwnBoth(ownRef.current.slice(0, -1));
    try {
      const r = await client.call('action.undo', { actionId: latest.actionId });
      setError(null);
      // The core's description already says what was undone (or why nothing was).
      setNotice({ text: r.description, undoable: false });
    } catch (err) {
      setError(errorDataOf(err));
    } finally {
      changed();
    }
  }, [client, changed, setOwnBoth]);

  // Opening is not an action the user asked for, so it leaves the notice alone; a failure
  // still shows, since the message would stay unread.
  const markRead = useCallback(
    (messages: readonly MessageSummary[]) => {
      const ids = messages.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.id);
      if (ids.length === 0) return;
      client
        .call('message.mark', { ids, read: true, undoable: false })
        .then(changed, (err: unknown) => setError(errorDataOf(err)));
    },
    [client, changed],
  );

  const dismiss = useCallback(() => {
    setNotice(null);
    setError(null);
  }, []);

  return { notice, error, undoable: own.at(-1) ?? null, run, move, undo, markRead, dismiss };
}
