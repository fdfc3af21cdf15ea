// The toolbar over the list: the same actions as the keys, for the pointer and for screen
// readers (each button is named, with its key in the tooltip). Disabled with no selection;
// Junk says Not junk where it would take the messages out of Junk; Undo names what it
// would take back, and is disabled when this window has done nothing.
import type { MailAction } from '../state/actions.js';
import { undoLabel, type OwnAction } from '../state/use-actions.js';
import { useTranslation } from '../i18n/index.js';

const BUTTONS = [
  { action: 'flag', label: 'actions.flag', text: 'actions.flagText', key: 's' },
  { action: 'read', label: 'actions.read', text: 'actions.readText', key: 'u' },
  { action: 'archive', label: 'actions.archive', text: 'actions.archive', key: 'e' },
  { action: 'trash', label: 'actions.trash', text: 'actions.trash', key: '#' },
] as const satisfies readonly { action: MailAction; label: string; text: string; key: string }[];

export function ActionBar(props: {
  disabled: boolean;
  onAction(action: MailAction): void;
  /** What the junk button does: junk (true), or not junk (false). */
  junk: boolean;
  onJunk(): void;
  onMove(): void;
  onUndo(): void;
  undo: OwnAction | null;
}) {
  const { t } = useTranslation();
  const undo = props.undo ? undoLabel(props.undo) : t('actions.nothingToUndo');
  const withKey = (label: string, key: string) => t('actions.withKey', { label, key });
  return (
    <div className="action-bar" role="toolbar" aria-label={t('actions.toolbar')}>
      {BUTTONS.map((b) => (
        <button
          key={b.action}
          type="button"
          aria-label={t(b.label)}
          title={withKey(t(b.label), b.key)}
          disabled={props.disabled}
          onClick={() => props.onAction(b.action)}
        >
          {t(b.text)}
        </button>
      ))}
      <button
        type="button"
        aria-label={props.junk ? t('reader.junkTitle') : t('reader.notJunkTitle')}
        title={withKey(
          props.junk ? t('reader.junkTitle') : t('reader.notJunkTitle'),
          t('shortcuts.rows.junk.keys'),
        )}
        disabled={props.disabled}
        onClick={props.onJunk}
      >
        {props.junk ? t('reader.junk') : t('reader.notJunk')}
      </button>
      <button
        type="button"
        aria-label={t('actions.move')}
        title={withKey(t('actions.move'), 'v')}
        disabled={props.disabled}
        onClick={props.onMove}
      >
        {t('actions.moveText')}
      </button>
      <button
        type="button"
        aria-label={undo}
        title={withKey(undo, 'z')}
        disabled={props.undo === null}
        onClick={props.onUndo}
      >
        {t('actions.undo')}
      </button>
    </div>
  );
}
