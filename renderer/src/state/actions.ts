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

export function callFor(action: MailAction, selected: readonly MessageSummary[]): ActionCall {
  switch (action) {
    case 'flag':
      // Flag unless every one is flagged already: a mixed selection ends all flagged.
      return {
        method: 'message.mark',
        input: { flagged: !selected.every((m) => has(m, '\\Flagged')) },
      };
    case 'read':
      // Mark unread when all are read, else read: `u` on an opened message makes it unread.
      return { method: 'message.mark', input: { read: !selected.every((m) => has(m, '\\Seen')) } };
    case 'archive':
      return { method: 'message.move', input: { role: 'archive' } };
    case 'trash':
      return { method: 'message.delete', input: {} };
  }
}

/** True when the action takes the messages out of the list being shown. */
export const leavesList = (action: MailAction): boolean =>
  action === 'archive' || action === 'trash';
