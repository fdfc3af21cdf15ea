// What the import and export dialogs share: the path field (with the desktop's native
// picker beside it), the progress with its Cancel, and the summary at the end.
import { useId, type ReactNode } from 'react';
import type { PickKind } from '../../../common/ipc.js';
import type { ExportResult, ImportResult, TransferProgress } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import {
  exportSummary,
  importSummary,
  placeOf,
  progressFraction,
  progressText,
  skippedShown,
  skippedText,
} from './transfer-model.js';

export interface Pick {
  kind: PickKind;
  /** The native dialog's title. */
  title: string;
}

/** The bridge's picker: the desktop's alone; a browser cannot hand a path on the server. */
function usePicker(): ((kind: PickKind, title: string) => Promise<string | null>) | null {
  const client = useClient();
  const bridge = typeof window === 'undefined' ? undefined : window.maildock;
  if (client.transport !== 'ipc' || !bridge?.pickPath) return null;
  return (kind, title) => bridge.pickPath?.(kind, title) ?? Promise.resolve(null);
}

export function PathField(props: {
  value: string;
  onChange(value: string): void;
  disabled: boolean;
  invalid: boolean;
  hint: string;
  picks: readonly Pick[];
}) {
  const { t } = useTranslation();
  const client = useClient();
  const place = placeOf(client.transport);
  const picker = usePicker();
  const id = useId();
  const pickLabel = (kind: PickKind) =>
    kind === 'open-file'
      ? t('transfer.chooseFile')
      : kind === 'open-folder'
        ? t('transfer.chooseFolder')
        : t('transfer.choose');
  const pick = async (p: Pick) => {
    const path = await picker?.(p.kind, p.title).catch(() => null);
    if (path) props.onChange(path);
  };
  return (
    <div className="transfer-path">
      <label htmlFor={`${id}-path`}>{t(`transfer.pathOn.${place}`)}</label>
      <div className="transfer-path-row">
        <input
          id={`${id}-path`}
          type="text"
          value={props.value}
          data-autofocus
          autoComplete="off"
          spellCheck={false}
          disabled={props.disabled}
          aria-invalid={props.invalid ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {picker
          ? props.picks.map((p) => (
              <button
                key={p.kind}
                type="button"
                disabled={props.disabled}
                onClick={() => void pick(p)}
              >
                {pickLabel(p.kind)}
              </button>
            ))
          : null}
      </div>
      <p id={`${id}-hint`} className="transfer-hint">
        {props.hint}
        {place === 'server' ? ` ${t('transfer.serverDisk')}` : ''}
      </p>
    </div>
  );
}

export function TransferFormat<F extends string>(props: {
  value: F;
  formats: readonly F[];
  label(format: F): string;
  disabled: boolean;
  onChange(format: F): void;
}) {
  const { t } = useTranslation();
  return (
    <label className="folder-dialog-label transfer-format">
      {t('transfer.format')}
      <select
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value as F)}
      >
        {props.formats.map((f) => (
          <option key={f} value={f}>
            {props.label(f)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TransferProgressView(props: {
  progress: TransferProgress | null;
  cancelling: boolean;
}) {
  const { t } = useTranslation();
  const fraction = props.progress ? progressFraction(props.progress) : null;
  return (
    <div className="transfer-progress">
      {/* Without a value the bar is indeterminate: the total is not known yet. */}
      <progress
        aria-label={t('transfer.progress')}
        {...(fraction === null ? {} : { value: fraction, max: 1 })}
      />
      <span role="status">
        {props.cancelling
          ? t('transfer.cancelling')
          : props.progress
            ? progressText(props.progress)
            : t('transfer.starting')}
      </span>
    </div>
  );
}

function Summary(props: { lines: string[]; children?: ReactNode }) {
  return (
    <div className="transfer-summary" role="status">
      {props.lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {props.children}
    </div>
  );
}

export function ImportSummary(props: { result: ImportResult; folder: string }) {
  const { t } = useTranslation();
  const { shown, more } = skippedShown(props.result.skipped);
  return (
    <Summary lines={importSummary(props.result, props.folder)}>
      {shown.length > 0 ? (
        <ul className="transfer-skipped">
          {shown.map((s, i) => (
            <li key={i}>{skippedText(s)}</li>
          ))}
          {more > 0 ? <li>{t('transfer.skippedMore', { count: more })}</li> : null}
        </ul>
      ) : null}
    </Summary>
  );
}

export function ExportSummary(props: { result: ExportResult }) {
  return <Summary lines={[exportSummary(props.result)]} />;
}
