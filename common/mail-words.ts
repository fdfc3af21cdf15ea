// The sentence of a new-mail notification, the same from the browser's Notification API
// (the served UI) and from the desktop app's main process.

export interface NamedMailbox {
  role: string | null;
  name: string;
}

export function newMailText(count: number, mailbox: NamedMailbox | undefined): string {
  const where = mailbox ? (mailbox.role === 'inbox' ? 'your Inbox' : mailbox.name) : 'your mail';
  return count === 1 ? `A new message in ${where}` : `${count} new messages in ${where}`;
}
