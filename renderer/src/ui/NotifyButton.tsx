// Asks for desktop notifications of new mail, from a click (browsers refuse a request no
// gesture made); once answered it gives way to a quiet word on the state.
import { useState } from 'react';
import { askToNotify, notifyPermission, type NotifyPermission } from '../state/notify.js';
import { useTranslation } from '../i18n/index.js';

export function NotifyButton() {
  const { t } = useTranslation();
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  if (permission === 'unsupported' || permission === 'granted') return null;
  if (permission === 'denied') {
    return (
      <span className="notify-state" title={t('topbar.notifyOffTitle')}>
        {t('topbar.notifyOff')}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="notify-button"
      onClick={() => void askToNotify().then(setPermission)}
    >
      {t('topbar.notifyAsk')}
    </button>
  );
}
