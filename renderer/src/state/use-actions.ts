// The mail actions over the contract: run one on the selection, undo the last, mark an
// opened message read. Every change is local in the core first, so the list is simply
// fetched again after each Result (the core is the truth; no optimistic copy to reconcile).
// What happened, or what went wrong, is kept for the notice: what this window asked for and
// how many messages the core changed, said in the UI's language when shown (the core's own
// description is English, for the command line).
// Undo takes back only what this window did, latest first (as Gmail does): the ids of its
// own actions are kept here, never asked of the core, so another session's archive or a
// reload's predecessor is out of reach.
import { useCallback, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { MessageSummary } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { i18n } from '../i18n/index.js';
import { callFor, type ActionCall, type MailAction } from './actions.js';

export type MoveTarget = { mailboxId: number } | { path: string };

/** What an action did: its kind, how many messages, and where they went. */
export type ActionWhat =
  | {
      kind: 'read' | 'unread' | 'flagged' | 'unflagged' | 'deleted' | 'junk' | 'notJunk';
      count: number;
    }
  /** `folder` is the name the user picked, or null for the Archive (by its role). */
  | { kind: 'moved'; count: number; folder: string | null };

export interface ActionNotice {
  /** What this window did; null when the core's words are all there is (`coreText`). */
  what: ActionWhat | null;
  /** Said as undone ("Undone: …"). */
  undone: boolean;
  /** Why an undo did not happen, in the core's words. */
  coreText: string;
  /** Whether an Undo button makes sense: only after an action that changed something. */
  undoable: boolean;
}

/** An action of this window that undo can still take back. */
export interface OwnAction {
  actionId: number;
  what: ActionWhat;
}

const vars = (w: ActionWhat) => ({
  count: w.count,
  folder: w.kind !== 'moved' ? '' : (w.folder ?? i18n.t('folders.roles.archive')),
});

/** "Moved 3 messages to Archive". */
export const doneText = (w: ActionWhat): string => i18n.t(`actions.done.${w.kind}`, vars(w));

/** "Undo: moved 3 messages to Archive". */
export const undoLabel = (a: OwnAction): string =>
  i18n.t(`actions.undoWhat.${a.what.kind}`, vars(a.what));

export function noticeText(n: ActionNotice): string {
  if (!n.what) return n.coreText;
  return n.undone ? i18n.t('actions.undone', { what: doneText(n.what) }) : doneText(n.what);
}

function whatOf(call: ActionCall, count: number): ActionWhat {
  if (call.method === 'message.move') return { kind: 'moved', count, folder: null };
  if (call.method === 'message.delete') return { kind: 'deleted', count };
  const { read, flagged } = call.input;
  if (flagged !== undefined) return { kind: flagged ? 'flagged' : 'unflagged', count };
  return { kind: read === false ? 'unread' : 'read', count };
}

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
  /** To a folder picked by the user (by id, or by path in each message's account), named `label`. */
  move(
    target: MoveTarget,
    label: string,
    selected: readonly MessageSummary[],
    ids?: readonly number[],
  ): Promise<void>;
  /** Junk: to the Junk folder; not junk: back to the Inbox (message.junk). */
  junk(junk: boolean, ids: readonly number[]): Promise<void>;
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
    async (
      call: () => Promise<{ affected: number; actionId: number | null }>,
      what: (affected: number) => ActionWhat,
    ) => {
      try {
        const r = await call();
        const done = what(r.affected);
        setError(null);
        setNotice({ what: done, undone: false, coreText: '', undoable: r.actionId !== null });
        if (r.actionId !== null)
          setOwnBoth([...ownRef.current, { actionId: r.actionId, what: done }]);
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
      await apply(
        () =>
          call.method === 'message.mark'
            ? client.call('message.mark', { ids, ...call.input })
            : call.method === 'message.move'
              ? client.call('message.move', { ids, ...call.input })
              : client.call('message.delete', { ids }),
        (affected) => whatOf(call, affected),
      );
    },
    [client, apply],
  );

  const move = useCallback(
    async (
      target: MoveTarget,
      label: string,
      selected: readonly MessageSummary[],
      only?: readonly number[],
    ) => {
      if (selected.length === 0) return;
      const ids = [...(only ?? selected.map((m) => m.id))];
      await apply(
        () => client.call('message.move', { ids, ...target }),
        (count) => ({ kind: 'moved', count, folder: label }),
      );
    },
    [client, apply],
  );

  const junk = useCallback(
    async (junk: boolean, ids: readonly number[]) => {
      if (ids.length === 0) return;
      await apply(
        () => client.call('message.junk', { ids: [...ids], junk }),
        (count) => ({ kind: junk ? 'junk' : 'notJunk', count }),
      );
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
      // Undone: what this window did, as undone; else the core says why not.
      setNotice(
        r.undone
          ? { what: latest.what, undone: true, coreText: '', undoable: false }
          : { what: null, undone: false, coreText: r.description, undoable: false },
      );
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

  return {
    notice,
    error,
    undoable: own.at(-1) ?? null,
    run,
    move,
    junk,
    undo,
    markRead,
    dismiss,
  };
}
