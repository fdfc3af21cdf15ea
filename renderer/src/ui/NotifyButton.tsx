// Asks for desktop notifications of new mail, from a click (browsers refuse a request no
// gesture made); once answered it gives way to a quiet word on the state.
import { useEffect, useState } from 'react';
import { useServerFirstScreen } from '../first-screen/context.js';
import { askToNotify, notifyPermission, type NotifyPermission } from '../state/notify.js';
import { useTranslation } from '../i18n/index.js';

export function NotifyButton() {
  const { t } = useTranslation();
  // The server knows no browser's permission: its first screen shows none, and the page's
  // first render takes that over before it asks the browser.
  const drawn = useServerFirstScreen();
  const [permission, setPermission] = useState<NotifyPermission>(() =>
    drawn ? 'unsupported' : notifyPermission(),
  );
  useEffect(() => {
    if (!drawn) setPermission(notifyPermission());
  }, [drawn]);
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
