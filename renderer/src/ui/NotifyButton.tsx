// Asks for desktop notifications of new mail, from a click (browsers refuse a request no
// gesture made); once answered it gives way to a quiet word on the state.
import { useState } from 'react';
import { askToNotify, notifyPermission, type NotifyPermission } from '../state/notify.js';

export function NotifyButton() {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  if (permission === 'unsupported' || permission === 'granted') return null;
  if (permission === 'denied') {
    return (
      <span
        className="notify-state"
        title="Allow notifications for this site to be told of new mail"
      >
        Notifications off
      </span>
    );
  }
  return (
    <button
      type="button"
      className="notify-button"
      onClick={() => void askToNotify().then(setPermission)}
    >
      Notify me of new mail
    </button>
  );
}
