// Desktop notifications of new mail, through the browser's Notification API (Electron
// serves the same one). Only while the app is not in front, and only once the user said yes.
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

export function newMailText(count: number, mailbox: Mailbox | undefined): string {
  const where = mailbox ? (mailbox.role === 'inbox' ? 'your Inbox' : mailbox.name) : 'your mail';
  return count === 1 ? `A new message in ${where}` : `${count} new messages in ${where}`;
}

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
