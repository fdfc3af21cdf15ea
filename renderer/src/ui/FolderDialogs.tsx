// The dialogs of the folder menu: a name for a new folder or a renamed one, a new parent for
// a moved one, and the question before a delete, which says how many messages go with it
// (and, for a local folder, that they go for good: there is no copy on a server).
// Each waits for the core's answer and shows its error by code in place.
import { useId, useState, type ReactNode } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Mailbox } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useTranslation } from '../i18n/index.js';
import { Dialog } from './Dialog.js';
import { ErrorDetails } from './ErrorDetails.js';
import { folderPathLabel } from './folder-name.js';

/** A call in flight and its error, for a dialog that closes when the call succeeds. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorDataOf(err));
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

function Buttons(props: {
  busy: boolean;
  onClose(): void;
  /** A question whose answer cannot be taken back opens on Cancel. */
  focusCancel?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="folder-dialog-buttons">
      <button
        type="button"
        onClick={props.onClose}
        disabled={props.busy}
        {...(props.focusCancel ? { 'data-autofocus': true } : {})}
      >
        {t('folders.cancel')}
      </button>
      {props.children}
    </div>
  );
}

/** A new folder's name, or a folder's new one. */
export function FolderNameDialog(props: {
  title: string;
  initial: string;
  submit: string;
  busyLabel: string;
  /** A line under the name that says what kind of folder it is (a local one). */
  note?: string | undefined;
  onSubmit(name: string): Promise<unknown>;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(props.initial);
  const { busy, error, run, clear } = useSubmit();
  const noteId = useId();
  return (
    <Dialog title={props.title} onClose={props.onClose} className="folder-dialog">
      <form
        className="folder-dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => props.onSubmit(name));
        }}
      >
        <label className="folder-dialog-label">
          {t('folders.name')}
          <input
            type="text"
            value={name}
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            disabled={busy}
            aria-invalid={error ? true : undefined}
            aria-describedby={props.note ? noteId : undefined}
            onChange={(e) => {
              setName(e.target.value);
              clear();
            }}
          />
        </label>
        {props.note ? (
          <p id={noteId} className="folder-dialog-note">
            {props.note}
          </p>
        ) : null}
        {error ? <ErrorDetails error={error} className="folder-dialog-error" /> : null}
        <Buttons busy={busy} onClose={props.onClose}>
          <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
            {busy ? props.busyLabel : props.submit}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

/**
 * A new parent for a folder: the top of its account or another of its folders; for a local
 * folder, the top of Local Folders or another local folder.
 */
export function FolderMoveDialog(props: {
  folder: Mailbox;
  accountName: string;
  targets: (Mailbox | null)[];
  /** The parent picked at first (a folder it was dropped on). */
  initial?: Mailbox | undefined;
  onMove(parentId: number | null): Promise<unknown>;
  onClose(): void;
}) {
  const { t } = useTranslation();
  // Nothing is picked unless the folder was dropped on one: Enter alone moves nothing.
  const [picked, setPicked] = useState(() =>
    props.targets.findIndex((m) => m !== null && m.id === props.initial?.id),
  );
  const { busy, error, run } = useSubmit();
  const label = (m: Mailbox | null) =>
    m === null
      ? props.folder.local
        ? t('localFolders.moveTop')
        : t('folders.moveTop', { account: props.accountName })
      : folderPathLabel(m);
  const target = props.targets[picked];
  return (
    <Dialog
      title={t('folders.moveTitle', { folder: props.folder.name })}
      onClose={props.onClose}
      className="folder-dialog"
    >
      <form
        className="folder-dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (target !== undefined) void run(() => props.onMove(target?.id ?? null));
        }}
      >
        {props.targets.length === 0 ? (
          <p role="status">{t('folders.moveNowhere')}</p>
        ) : (
          <fieldset className="folder-parents" disabled={busy}>
            <legend>{t('folders.parents')}</legend>
            {props.targets.map((m, i) => (
              <label key={m?.id ?? 'top'} className="folder-parent">
                <input
                  type="radio"
                  name="folder-parent"
                  checked={i === picked}
                  {...(i === Math.max(0, picked) ? { 'data-autofocus': true } : {})}
                  onChange={() => setPicked(i)}
                />
                {label(m)}
              </label>
            ))}
          </fieldset>
        )}
        {error ? <ErrorDetails error={error} className="folder-dialog-error" /> : null}
        <Buttons busy={busy} onClose={props.onClose}>
          <button type="submit" className="primary" disabled={busy || target === undefined}>
            {busy ? t('folders.moving') : t('folders.moveHere')}
          </button>
        </Buttons>
      </form>
    </Dialog>
  );
}

/** The question before a delete: the folder, its messages and its subfolders go. */
export function FolderDeleteDialog(props: {
  folder: Mailbox;
  messages: number;
  subfolders: number;
  onDelete(): Promise<unknown>;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmit();
  const folder = props.folder.name;
  // A local folder's messages are nowhere else: the question says they cannot come back.
  const texts = props.folder.local ? 'localFolders' : 'folders';
  return (
    <Dialog
      title={t('folders.deleteTitle', { folder })}
      onClose={props.onClose}
      className="folder-dialog"
    >
      <div className="folder-dialog-body">
        <p className="folder-delete-text">
          {props.messages > 0
            ? t(`${texts}.deleteText`, { folder, count: props.messages })
            : t(`${texts}.deleteEmpty`, { folder })}
          {props.subfolders > 0
            ? ` ${t('folders.deleteSubfolders', { count: props.subfolders })}`
            : ''}
        </p>
        {error ? <ErrorDetails error={error} className="folder-dialog-error" /> : null}
        <Buttons busy={busy} onClose={props.onClose} focusCancel>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run(props.onDelete)}
          >
            {busy ? t('folders.deleting') : t('folders.deleteConfirm')}
          </button>
        </Buttons>
      </div>
    </Dialog>
  );
}
