// The toolbar over the list: the same actions as the keys, for the pointer and for screen
// readers (each button is named, with its key in the tooltip). Disabled with no selection;
// Undo names what it would take back, and is disabled when this window has done nothing.
import type { MailAction } from '../state/actions.js';
import { undoLabel, type OwnAction } from '../state/use-actions.js';

const BUTTONS: { action: MailAction; label: string; text: string; key: string }[] = [
  { action: 'flag', label: 'Flag or unflag', text: 'Flag', key: 's' },
  { action: 'read', label: 'Mark read or unread', text: 'Read or unread', key: 'u' },
  { action: 'archive', label: 'Archive', text: 'Archive', key: 'e' },
  { action: 'trash', label: 'Delete', text: 'Delete', key: '#' },
];

export function ActionBar(props: {
  disabled: boolean;
  onAction(action: MailAction): void;
  onMove(): void;
  onUndo(): void;
  undo: OwnAction | null;
}) {
  const undo = props.undo ? undoLabel(props.undo) : 'Nothing to undo';
  return (
    <div className="action-bar" role="toolbar" aria-label="Message actions">
      {BUTTONS.map((b) => (
        <button
          key={b.action}
          type="button"
          aria-label={b.label}
          title={`${b.label} (${b.key})`}
          disabled={props.disabled}
          onClick={() => props.onAction(b.action)}
        >
          {b.text}
        </button>
      ))}
      <button
        type="button"
        aria-label="Move to a folder"
        title="Move to a folder (v)"
        disabled={props.disabled}
        onClick={props.onMove}
      >
        Move…
      </button>
      <button
        type="button"
        aria-label={undo}
        title={`${undo} (z)`}
        disabled={props.undo === null}
        onClick={props.onUndo}
      >
        Undo
      </button>
    </div>
  );
}
