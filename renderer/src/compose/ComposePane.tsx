// The compose pane: docked at the bottom right, not modal (the mailbox stays usable behind
// it), minimized to its title bar or made large; From (an identity: picking another swaps
// the signature in the body), To, Cc, Bcc, Subject, the editor and the files; Send, Send
// later, Discard. Focus moves into it when it opens; Escape typed in it asks before
// something written is thrown away, and closes a message left as it was opened without
// asking. For a reply or forward it shows what the core will add (recipients, the
// forwarded original, the files); a reply's quote is in the editor.
import type { Editor as TipTap } from '@tiptap/react';
import { useEffect, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import { useEscape } from '../ui/escape.js';
import type { Account } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { AddressField } from './AddressField.js';
import { AttachmentList, type IncludedFile } from './AttachmentList.js';
import { ComposeHead, DiscardPrompt, type PaneSize } from './ComposeHead.js';
import { Editor } from './Editor.js';
import { errorText } from '../i18n/error-words.js';
import { useTranslation } from '../i18n/index.js';
import { readAttachment, refusal } from './files.js';
import { invalidRecipients, recipientsOf, type RecipientField } from './form.js';
import { currentIdentity, currentValue, fromChoices, identityLabel, withIdentity } from './from.js';
import { ownOf } from './load.js';
import { appendedText, forwardedFileName, isReply, replyRecipients } from './reply.js';
import { SendLater } from './SendLater.js';
import type { ComposeSession } from './session.js';
import type { Composer } from './use-composer.js';
import './compose.css';

const TITLES = {
  reply: 'compose.reply',
  'reply-all': 'compose.replyAll',
  forward: 'compose.forward',
  'forward-attachment': 'compose.forward',
} as const;

const accountLabel = (a: Account) => (a.name ? `${a.name} <${a.email}>` : a.email);
const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

export function ComposePane(props: { composer: Composer; session: ComposeSession }) {
  const { composer, session } = props;
  const { t } = useTranslation();
  const client = useClient();
  useSyncExternalStore(session.subscribe, () => session.version);
  const form = session.form;
  const dialog = useRef<HTMLDialogElement>(null);
  const toInput = useRef<HTMLInputElement>(null);
  const editor = useRef<TipTap | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [reading, setReading] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [size, setSize] = useState<PaneSize>('docked');

  const ref = form.reference;
  const original = session.original;
  const answering = ref !== null;
  const accountId = form.accountId ?? original?.message.accountId ?? null;
  const own = ownOf(composer.accounts, accountId);
  const core =
    ref && original ? replyRecipients(original.message, own, ref.mode) : { to: [], cc: [] };
  const locked = (f: RecipientField) =>
    f === 'bcc' ? [] : core[f].map((a) => ({ ...a, valid: true }));
  const title = t(
    session.outboxId !== null
      ? 'compose.editMessage'
      : ref
        ? TITLES[ref.mode]
        : 'compose.newMessage',
  );

  // Open beside the mailbox, not over it; focus where writing starts. Closed, the focus
  // goes back to where it was, unless the writer has moved on to the mailbox meanwhile.
  const writeFirst = answering || form.to.length > 0;
  const focusEditor = useRef(false);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const d = dialog.current;
    if (d && !d.open) d.show?.();
    if (!writeFirst) toInput.current?.focus();
    else if (editor.current && !editor.current.isDestroyed) editor.current.commands.focus('start');
    else focusEditor.current = true;
    return () => {
      const now = document.activeElement;
      const lost = !now || now === document.body || !!d?.contains(now);
      if (lost && before?.isConnected) before.focus();
    };
    // Once per opening: the pane is keyed by its session.
  }, []);

  // A problem named at Send is gone once the writer changes something.
  useEffect(() => setProblem(null), [form]);

  const addFiles = (files: File[]) => {
    let total = session.form.attachments.reduce((n, a) => n + a.size, 0);
    const refused: string[] = [];
    for (const file of files) {
      const why = refusal(file, total);
      if (why) {
        refused.push(why);
        continue;
      }
      total += file.size;
      setReading((n) => n + 1);
      readAttachment(file)
        .then(
          (a) => session.update({ attachments: [...session.form.attachments, a] }),
          () => setProblems((p) => [...p, t('compose.fileUnreadable', { name: file.name })]),
        )
        .finally(() => setReading((n) => n - 1));
    }
    setProblems(refused);
  };

  const send = (sendAt?: string) => {
    const bad = invalidRecipients(form);
    const count =
      (['to', 'cc', 'bcc'] as const).reduce((n, f) => n + recipientsOf(form, f).length, 0) +
      core.to.length +
      core.cc.length;
    let why: string | null = null;
    if (bad.length) why = t('compose.invalidAddress', { addresses: bad.join(', ') });
    else if (count === 0) why = t('compose.noRecipient');
    else if (reading > 0) why = t('compose.waitFiles');
    else if (answering && session.loading) why = t('compose.waitOriginal');
    setProblem(why);
    if (!why) void composer.send(sendAt);
  };

  // Nothing the writer put in is lost without asking; nothing else is asked about.
  const leave = () => (session.worthAsking ? setConfirming(true) : composer.discard());
  useEscape(leave, { active: !confirming, within: dialog });

  const included: IncludedFile[] =
    ref?.mode === 'forward' && original
      ? original.attachments.map((a) => ({
          name: a.filename ?? t('compose.attachmentName'),
          size: a.size,
        }))
      : ref?.mode === 'forward-attachment' && original
        ? [{ name: forwardedFileName(original.message.subject), size: original.message.size }]
        : [];
  const appended = ref && original ? appendedText(original, ref.mode) : null;
  // A reply or forward goes from the account the original came to; a new message from any.
  const choices = fromChoices(composer.accounts, answering ? (accountId ?? -1) : null);
  const identity = currentIdentity(form, composer.accounts, original?.message);
  // Several accounts with aliases: each account's addresses under its name.
  const grouped =
    !answering && composer.accounts.length > 1 && choices.length > composer.accounts.length;
  const pickFrom = (value: string) => {
    const choice = choices.find((c) => c.value === value);
    if (!choice) return;
    const e = editor.current && !editor.current.isDestroyed ? editor.current : null;
    const next = withIdentity(
      e ? { ...session.form, html: e.getHTML() } : session.form,
      choice.accountId,
      choice.identity,
    );
    if (!e) return session.update(next);
    e.commands.setContent(next.html, { emitUpdate: false });
    session.update({ ...next, html: e.getHTML() });
  };
  const failure = problem ?? (composer.error ? errorText(composer.error) : null);

  return (
    <dialog
      ref={dialog}
      className={`compose compose-${size}${dragging ? ' compose-dragging' : ''}`}
      aria-labelledby="compose-title"
      // The app's own keys (j, k, r, …) stay out while writing.
      onKeyDown={(e) => e.stopPropagation()}
      // Escape is the Escape stack's; the platform must not close the pane behind React's back.
      onCancel={(e) => e.preventDefault()}
      onDragEnter={(e) => hasFiles(e) && setDragging(true)}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDropCapture={(e) => {
        if (!e.dataTransfer.files.length) return;
        // Files are attachments, not something for the editor to paste.
        e.preventDefault();
        e.stopPropagation();
        setDragging(false);
        addFiles([...e.dataTransfer.files]);
      }}
    >
      <form
        className="compose-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
      >
        <ComposeHead
          title={title}
          session={session}
          size={size}
          onSize={setSize}
          onClose={composer.close}
        />
        <div className="compose-body" hidden={size === 'minimized'}>
          <div className="compose-from">
            <label className="compose-label" htmlFor="compose-from">
              {t('compose.from')}
            </label>
            {choices.length > 1 ? (
              <select
                id="compose-from"
                value={currentValue(form, identity)}
                onChange={(e) => pickFrom(e.target.value)}
              >
                {grouped
                  ? composer.accounts.map((a) => (
                      <optgroup key={a.id} label={accountLabel(a)}>
                        {choices
                          .filter((c) => c.accountId === a.id)
                          .map((c) => (
                            <option key={c.value} value={c.value}>
                              {c.label}
                            </option>
                          ))}
                      </optgroup>
                    ))
                  : choices.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
              </select>
            ) : (
              <output id="compose-from" className="compose-from-value">
                {identity ? identityLabel(identity) : answering ? t('compose.originalAccount') : ''}
              </output>
            )}
          </div>

          {(['to', 'cc', 'bcc'] as const).map((f) => (
            <AddressField
              key={f}
              label={t(`compose.${f}`)}
              recipients={form[f]}
              text={form.typing[f]}
              locked={locked(f)}
              lockedNote={t('compose.lockedNote')}
              inputRef={f === 'to' ? toInput : undefined}
              onChange={(recipients, text) =>
                session.update({ [f]: recipients, typing: { ...session.form.typing, [f]: text } })
              }
              suggest={(query) => client.call('address.suggest', { query, limit: 8 })}
            />
          ))}

          <div className="compose-subject">
            <label className="compose-label" htmlFor="compose-subject">
              {t('compose.subject')}
            </label>
            <input
              id="compose-subject"
              type="text"
              value={form.subject}
              onChange={(e) => session.update({ subject: e.target.value })}
            />
          </div>

          {answering && session.loading ? (
            <p className="compose-reading">{t('compose.readingOriginal')}</p>
          ) : (
            // Mounted once the original is read: a reply's quote is part of its first content.
            <Editor
              key={session.key}
              initialHtml={form.html}
              onChange={(html) => session.update({ html })}
              onReady={(e) => {
                editor.current = e;
                // The editor's own form of the same HTML is no change by the writer.
                if (session.untouched) session.prefill({ html: e.getHTML() });
                if (focusEditor.current) e.commands.focus('start');
              }}
            />
          )}

          {ref && (ref.mode === 'forward' || ref.mode === 'forward-attachment') ? (
            <label className="compose-check">
              <input
                type="checkbox"
                checked={ref.mode === 'forward-attachment'}
                onChange={(e) =>
                  session.update({
                    reference: {
                      id: ref.id,
                      mode: e.target.checked ? 'forward-attachment' : 'forward',
                    },
                  })
                }
              />
              {t('compose.forwardAsAttachment')}
            </label>
          ) : null}

          {ref && !(isReply(ref.mode) && ref.quoted) ? (
            <details className="compose-original">
              <summary>
                {session.loading
                  ? t('compose.readingOriginal')
                  : appended === null
                    ? t('compose.originalAttached')
                    : isReply(ref.mode)
                      ? t('compose.quotesOriginal')
                      : t('compose.addsOriginal')}
              </summary>
              {appended ? <pre className="compose-appended">{appended}</pre> : null}
            </details>
          ) : null}

          <AttachmentList
            attachments={form.attachments}
            included={included}
            includedNote={t('compose.includedNote')}
            reading={reading}
            problems={problems}
            onPick={addFiles}
            onRemove={(key) =>
              session.update({ attachments: session.form.attachments.filter((a) => a.key !== key) })
            }
          />
          {dragging ? (
            <div className="compose-drop" aria-hidden="true">
              {t('compose.dropToAttach')}
            </div>
          ) : null}

          {failure ? (
            <p className="compose-problem compose-failure" role="alert">
              {failure}
            </p>
          ) : null}

          <footer className="compose-foot">
            <button type="submit" className="primary" disabled={composer.sending}>
              {composer.sending ? t('compose.sending') : t('compose.send')}
            </button>
            <SendLater disabled={composer.sending} onSchedule={(at) => send(at)} />
            <span className="compose-hint">{t('compose.sendHint')}</span>
            <button type="button" className="compose-discard" onClick={leave}>
              {t('compose.discard')}
            </button>
          </footer>
        </div>
      </form>
      {confirming ? (
        <DiscardPrompt
          onDiscard={composer.discard}
          onSave={composer.close}
          onStay={() => {
            setConfirming(false);
            if (editor.current && !editor.current.isDestroyed) editor.current.commands.focus();
          }}
        />
      ) : null}
    </dialog>
  );
}
