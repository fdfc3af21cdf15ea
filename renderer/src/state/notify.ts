// Notifications of new mail in the served UI, through the browser's Notification API: only
// while the page is not in front, and only once the user said yes. The desktop app makes
// its own from the main process (a click there must also bring the window back).
import { newMailText } from '../../../common/mail-words.js';
import type { Mailbox } from '../../../common/types.js';

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks once, from a click (browsers refuse a request that no gesture made). */
export async function askToNotify(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

export { newMailText };

export function notifyNewMail(
  count: number,
  mailbox: Mailbox | undefined,
  onClick: () => void,
): Notification | null {
  if (notifyPermission() !== 'granted' || count <= 0) return null;
  if (document.visibilityState === 'visible' && document.hasFocus()) return null;
  const n = new Notification('Maildock', {
    body: newMailText(count, mailbox),
    tag: `maildock-new-${mailbox?.id ?? 0}`,
  });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
  return n;
}
