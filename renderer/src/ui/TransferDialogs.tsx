// Import into a folder and export to files: a path on the machine that runs the core, a
// format, then the transfer's progress with Cancel, then what it did. The core's errors
// (no such path, a target already there, refused on a server of many people) are shown in
// place with their own words, and the form stays for another try. A transfer has no other
// place to show its end than its dialog: closing the dialog while it runs cancels it (an
// import run again goes on where it stopped; an export leaves nothing behind).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ExportResult, ImportResult, Mailbox } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import { Dialog } from './Dialog.js';
import { ErrorDetails } from './ErrorDetails.js';
import { folderName } from './folder-name.js';
import {
  ExportSummary,
  ImportSummary,
  PathField,
  TransferFormat,
  TransferProgressView,
} from './TransferParts.js';
import {
  pickKinds,
  type ExportFormat,
  type ExportWhat,
  type ImportFormat,
} from './transfer-model.js';
import { useTransferRun, type RunState } from './transfer-run.js';
import './transfer.css';

const IMPORT_FORMATS: readonly ImportFormat[] = ['auto', 'mbox', 'eml', 'maildir'];
const EXPORT_FORMATS: readonly ExportFormat[] = ['mbox', 'eml'];

/**
 * The dialog around a transfer's form: the buttons of its phase, and the focus moved to
 * the first of them when the phase changes (the button that was pressed is gone).
 */
function TransferDialog<R>(props: {
  title: string;
  state: RunState<R>;
  submit: string;
  canSubmit: boolean;
  onSubmit(): void;
  onCancel(): boolean;
  onClose(): void;
  form: ReactNode;
  summary(result: R): ReactNode;
}) {
  const { t } = useTranslation();
  const { state } = props;
  const form = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const phase = state.phase;
  const shown = useRef(phase);
  useEffect(() => {
    if (shown.current === phase) return;
    shown.current = phase;
    // Back to the form after an error: to the path, to mend it; else the phase's button.
    if (phase === 'ready') form.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    else first.current?.focus();
  }, [phase]);
  const close = () => {
    props.onCancel();
    props.onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (props.canSubmit && phase === 'ready') props.onSubmit();
  };
  return (
    <Dialog title={props.title} onClose={close} className="folder-dialog transfer-dialog">
      <form ref={form} className="folder-dialog-body transfer-body" noValidate onSubmit={submit}>
        {props.form}
        {state.phase === 'ready' && state.error ? (
          <ErrorDetails error={state.error} className="folder-dialog-error" />
        ) : null}
        {state.phase === 'running' ? (
          <TransferProgressView progress={state.progress} cancelling={state.cancelling} />
        ) : null}
        {state.phase === 'done' ? props.summary(state.result) : null}
        <div className="folder-dialog-buttons">
          {state.phase === 'ready' ? (
            <>
              <button type="button" onClick={props.onClose}>
                {t('transfer.cancel')}
              </button>
              <button type="submit" className="primary" disabled={!props.canSubmit}>
                {props.submit}
              </button>
            </>
          ) : state.phase === 'running' ? (
            // Left enabled while cancelling: a disabled button would drop the focus.
            <button type="button" ref={first} onClick={() => props.onCancel()}>
              {t('transfer.cancel')}
            </button>
          ) : (
            <button type="button" ref={first} className="primary" onClick={props.onClose}>
              {t('transfer.close')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

export function ImportDialog(props: {
  folder: Mailbox;
  /** Messages went into the folder: the list and the counts are read again. */
  onImported(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const name = folderName(props.folder);
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<ImportFormat>('auto');
  const run = useTransferRun<ImportResult>('import');
  const busy = run.state.phase !== 'ready';
  const invalid = run.state.phase === 'ready' && run.state.error !== null;
  const { onImported } = props;
  const start = () =>
    run.start(async () => {
      const result = await client.call('mailbox.import', {
        path: path.trim(),
        mailboxId: props.folder.id,
        format,
      });
      if (result.imported > 0) onImported();
      return result;
    });
  const pickTitle = (kind: string) =>
    kind === 'open-file' ? t('transfer.pick.importFile') : t('transfer.pick.importFolder');
  return (
    <TransferDialog
      title={t('transfer.importTitle', { folder: name })}
      state={run.state}
      submit={t('transfer.import')}
      canSubmit={path.trim() !== ''}
      onSubmit={start}
      onCancel={run.cancel}
      onClose={props.onClose}
      summary={(result) => <ImportSummary result={result} folder={name} />}
      form={
        <>
          <PathField
            value={path}
            onChange={(v) => {
              setPath(v);
              run.clearError();
            }}
            disabled={busy}
            invalid={invalid}
            hint={t('transfer.importHint')}
            picks={pickKinds('import', format).map((kind) => ({ kind, title: pickTitle(kind) }))}
          />
          <TransferFormat
            value={format}
            formats={IMPORT_FORMATS}
            label={(f) => t(`transfer.formats.${f}`)}
            disabled={busy}
            onChange={(f) => {
              setFormat(f);
              run.clearError();
            }}
          />
        </>
      }
    />
  );
}

export function ExportDialog(props: { title: string; what: ExportWhat; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<ExportFormat>('mbox');
  // Offered only once the core said the target is there: a first export never replaces.
  const [exists, setExists] = useState(false);
  const [replace, setReplace] = useState(false);
  const run = useTransferRun<ExportResult>('export');
  const busy = run.state.phase !== 'ready';
  const error = run.state.phase === 'ready' ? run.state.error : null;
  useEffect(() => {
    // Only a target that replacing would fix offers to replace (a folder where an mbox file
    // should go would not be).
    if (error?.code === 'ALREADY_EXISTS' && error.fields?.replaceable === true) setExists(true);
  }, [error]);
  // Another target: what the core said of the last one does not hold for it.
  const changed = () => {
    setExists(false);
    setReplace(false);
    run.clearError();
  };
  const start = () =>
    run.start(() =>
      client.call('mailbox.export', {
        to: path.trim(),
        format,
        overwrite: exists && replace,
        ...props.what,
      }),
    );
  return (
    <TransferDialog
      title={props.title}
      state={run.state}
      submit={t('transfer.export')}
      canSubmit={path.trim() !== ''}
      onSubmit={start}
      onCancel={run.cancel}
      onClose={props.onClose}
      summary={(result) => <ExportSummary result={result} />}
      form={
        <>
          <TransferFormat
            value={format}
            formats={EXPORT_FORMATS}
            label={(f) => t(`transfer.formats.${f}`)}
            disabled={busy}
            onChange={(f) => {
              setFormat(f);
              changed();
            }}
          />
          <PathField
            value={path}
            onChange={(v) => {
              setPath(v);
              changed();
            }}
            disabled={busy}
            invalid={error !== null}
            hint={format === 'mbox' ? t('transfer.mboxHint') : t('transfer.emlHint')}
            picks={pickKinds('export', format).map((kind) => ({
              kind,
              title:
                format === 'mbox' ? t('transfer.pick.exportFile') : t('transfer.pick.exportFolder'),
            }))}
          />
          {exists ? (
            <label className="transfer-replace">
              <input
                type="checkbox"
                checked={replace}
                disabled={busy}
                onChange={(e) => setReplace(e.target.checked)}
              />
              {t('transfer.replace')}
            </label>
          ) : null}
        </>
      }
    />
  );
}
