// What a mail action does to a selection, decided without React so it can be unit-tested:
// a toggle (flag, read) looks at every selected message, so one press gives the whole
// selection the same state rather than flipping each message on its own.
import type { MessageSummary } from '../../../common/types.js';

export type MailAction = 'flag' | 'read' | 'archive' | 'trash';

/** The contract call an action becomes, with the selection's ids filled in by the caller. */
export type ActionCall =
  | { method: 'message.mark'; input: { read?: boolean; flagged?: boolean } }
  | { method: 'message.move'; input: { role: 'archive' } }
  | { method: 'message.delete'; input: Record<string, never> };

const has = (m: MessageSummary, flag: string) => m.flags.includes(flag);
/** A conversation row is read when none of its messages here is unread. */
const isRead = (m: MessageSummary & { threadUnread?: number | undefined }) =>
  m.threadUnread !== undefined ? m.threadUnread === 0 : has(m, '\\Seen');

export function callFor(
  action: MailAction,
  selected: readonly (MessageSummary & { threadUnread?: number | undefined })[],
): ActionCall {
  switch (action) {
    case 'flag':
      // Flag unless every one is flagged already: a mixed selection ends all flagged.
      return {
        method: 'message.mark',
        input: { flagged: !selected.every((m) => has(m, '\\Flagged')) },
      };
    case 'read':
      // Mark unread when all are read, else read: `u` on an opened message makes it unread.
      return { method: 'message.mark', input: { read: !selected.every(isRead) } };
    case 'archive':
      return { method: 'message.move', input: { role: 'archive' } };
    case 'trash':
      return { method: 'message.delete', input: {} };
  }
}

/**
 * Junk (true) or not junk (false) for the selection: not junk when every message is in a
 * Junk folder already, as in the Junk folder's own list; else junk.
 */
export const marksJunk = (
  selected: readonly { mailboxId: number }[],
  junkFolders: ReadonlySet<number>,
): boolean => !selected.every((m) => junkFolders.has(m.mailboxId));

/** True when the action takes the messages out of the list being shown. */
export const leavesList = (action: MailAction): boolean =>
  action === 'archive' || action === 'trash';
