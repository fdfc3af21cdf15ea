// The gear in the top bar that opens settings.
import { useTranslation } from '../i18n/index.js';
import './settings.css';

export function SettingsButton(props: { onOpen(): void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="settings-button"
      aria-label={t('topbar.settings')}
      title={t('topbar.settings')}
      onClick={props.onOpen}
    >
      <span className="settings-gear" aria-hidden="true" />
    </button>
  );
}
