// The gear in the top bar that opens settings.
import './settings.css';

export function SettingsButton(props: { onOpen(): void }) {
  return (
    <button
      type="button"
      className="settings-button"
      aria-label="Settings"
      title="Settings"
      onClick={props.onOpen}
    >
      <span className="settings-gear" aria-hidden="true" />
    </button>
  );
}
