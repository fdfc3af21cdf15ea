// Writing mail, for the whole app: which message is open in the compose pane, sending it
// (then "Sending… Undo" for the undo delay), undo that reopens it as it was, drafts opened
// again, outbox entries edited. The core does the work; this keeps the pane and the notice.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, ComposeMode, Draft, OutboxEntry } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { emptyForm, prefilledForm, type ComposeForm } from './form.js';
import { newMessageForm } from './from.js';
import { answerForm, loadDraft } from './load.js';
import { recall, remember } from './sent-memory.js';
import { ComposeSession, type SessionInit } from './session.js';
import { useOutbox, type OutboxState } from './use-outbox.js';

export interface SendNotice {
  entry: OutboxEntry;
  /** Sent later: the notice names the time instead of counting down the undo delay. */
  scheduled: boolean;
  undoing: boolean;
  error: ErrorData | null;
}

export interface Composer {
  session: ComposeSession | null;
  /** Why the last send, open or undo failed; shown in the pane or the notice. */
  error: ErrorData | null;
  sending: boolean;
  notice: SendNotice | null;
  accounts: Account[];
  outbox: OutboxState;
  compose(): void;
  /** A new message with its fields filled in (a mailto: link the system passed on). */
  composeWith(fields: Parameters<typeof prefilledForm>[1]): void;
  answer(messageId: number, mode: ComposeMode): void;
  openDraft(draft: Draft): void;
  /** Whether this page still knows what the entry says (see sent-memory.ts). */
  canEdit(entry: OutboxEntry): boolean;
  edit(entry: OutboxEntry): void;
  close(): void;
  discard(): void;
  send(sendAt?: string): Promise<void>;
  undo(): Promise<void>;
  dismiss(): void;
  /** Keeps the outbox polled fast while its view is open. */
  watchOutbox(on: boolean): void;
}

const EDITABLE = new Set(['queued', 'retrying', 'failed', 'cancelled']);

export function useComposer(client: MaildockClient, accounts: Account[]): Composer {
  const [session, setSession] = useState<ComposeSession | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState<SendNotice | null>(null);
  const [watching, setWatching] = useState(false);
  const outbox = useOutbox(client, watching || notice !== null);
  const current = useRef<ComposeSession | null>(null);
  const first = accounts[0];
  const firstAccount = first?.id ?? null;

  /** Opens a session (the one open before is kept as a draft). */
  const open = useCallback(
    (init: SessionInit) => {
      const before = current.current;
      if (before) void before.close();
      const s = new ComposeSession(client, init);
      current.current = s;
      setError(null);
      setSession(s);
      const ref = init.form.reference;
      if (ref) {
        s.setOriginal(null, true);
        // Raw, as the reader asks: only its text is quoted, read from an inert parse.
        client.call('message.get', { id: ref.id, raw: true }).then(
          (d) => {
            // A new answer gets the account, identity and subject the core would give it.
            if (!init.form.subject && init.form.accountId === null) {
              const account = accounts.find((a) => a.id === d.message.accountId);
              s.prefill(answerForm(d, ref, account));
            }
            s.setOriginal(d, false);
          },
          (err: unknown) => {
            s.setOriginal(null, false);
            if (current.current === s) setError(errorDataOf(err));
          },
        );
      }
      return s;
    },
    [client, accounts],
  );

  const finish = useCallback(() => {
    current.current = null;
    setSession(null);
    setSending(false);
  }, []);

  const compose = useCallback(
    () => void open({ form: newMessageForm(emptyForm(firstAccount), first) }),
    [open, firstAccount, first],
  );

  const composeWith = useCallback(
    (fields: Parameters<typeof prefilledForm>[1]) =>
      void open({ form: newMessageForm(prefilledForm(firstAccount, fields), first), dirty: true }),
    [open, firstAccount, first],
  );

  const answer = useCallback(
    (messageId: number, mode: ComposeMode) =>
      void open({ form: { ...emptyForm(null), reference: { id: messageId, mode } } }),
    [open],
  );

  const openDraft = useCallback(
    (draft: Draft) => {
      loadDraft(client, draft, accounts).then(
        (form) => open({ form, draftId: draft.id }),
        (err: unknown) => setError(errorDataOf(err)),
      );
    },
    [client, open, accounts],
  );

  const canEdit = useCallback(
    (entry: OutboxEntry) => EDITABLE.has(entry.state) && recall(entry.id) !== null,
    [],
  );

  const edit = useCallback(
    (entry: OutboxEntry) => {
      const form = recall(entry.id);
      if (!form) return;
      // A waiting message is taken back first, so it cannot leave while being edited.
      const takeBack =
        entry.state === 'queued' || entry.state === 'retrying'
          ? client.call('outbox.cancel', { id: entry.id })
          : Promise.resolve(entry);
      takeBack.then(
        () => {
          open({ form, outboxId: entry.id, dirty: true });
          outbox.reload();
        },
        (err: unknown) => setError(errorDataOf(err)),
      );
    },
    [client, open, outbox],
  );

  const close = useCallback(() => {
    const s = current.current;
    if (!s) return;
    void s.close();
    finish();
  }, [finish]);

  const discard = useCallback(() => {
    const s = current.current;
    if (!s) return;
    void s.discard();
    finish();
  }, [finish]);

  const send = useCallback(
    async (sendAt?: string) => {
      const s = current.current;
      if (!s) return;
      setSending(true);
      setError(null);
      const form: ComposeForm = s.form;
      try {
        const entry = await s.send(sendAt !== undefined ? { sendAt } : {});
        remember(entry.id, form);
        setNotice({ entry, scheduled: sendAt !== undefined, undoing: false, error: null });
        if (current.current === s) finish();
        outbox.reload();
      } catch (err) {
        setSending(false);
        setError(errorDataOf(err));
      }
    },
    [finish, outbox],
  );

  const undo = useCallback(async () => {
    const n = notice;
    if (!n || n.undoing) return;
    setNotice({ ...n, undoing: true });
    try {
      await client.call('outbox.cancel', { id: n.entry.id });
      setNotice(null);
      const form = recall(n.entry.id);
      if (form) open({ form, outboxId: n.entry.id, dirty: true });
    } catch (err) {
      setNotice({ ...n, undoing: false, error: errorDataOf(err) });
    }
    outbox.reload();
  }, [client, notice, open, outbox]);

  const dismiss = useCallback(() => setNotice(null), []);

  // A page closed while writing keeps what it can: the session saves on its own timer,
  // and on unmount (the app going away) it saves once more.
  useEffect(() => () => void current.current?.close(), []);

  return {
    session,
    error,
    sending,
    notice,
    accounts,
    outbox,
    compose,
    composeWith,
    answer,
    openDraft,
    canEdit,
    edit,
    close,
    discard,
    send,
    undo,
    dismiss,
    watchOutbox: setWatching,
  };
}
