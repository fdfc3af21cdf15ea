// Notifications of new mail in the served UI, through the browser's Notification API: only
// while the page is not in front, and only once the user said yes. The desktop app makes
// its own from the main process (a click there must also bring the window back), in
// English (common/mail-words.ts); this page says it in the UI's language.
import type { Mailbox } from '../../../common/types.js';
import { i18n } from '../i18n/index.js';
import { folderName } from '../ui/folder-name.js';

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks once, from a click (browsers refuse a request that no gesture made). */
export async function askToNotify(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** "A new message in your Inbox", "3 new messages in Lists". */
export function newMailText(count: number, mailbox: Mailbox | undefined): string {
  const where = mailbox
    ? mailbox.role === 'inbox'
      ? i18n.t('notify.yourInbox')
      : folderName(mailbox)
    : i18n.t('notify.yourMail');
  return i18n.t('notify.newMail', { count, where });
}

export function notifyNewMail(
  count: number,
  mailbox: Mailbox | undefined,
  onClick: () => void,
): Notification | null {
  if (notifyPermission() !== 'granted' || count <= 0) return null;
  if (document.visibilityState === 'visible' && document.hasFocus()) return null;
  const n = new Notification(i18n.t('app.name'), {
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
