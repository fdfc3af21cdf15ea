// What a message row's context menu offers for the messages it acts on, decided without
// React: mark read or unread and flag or unflag as the toolbar's toggles would do them, and
// export to files.
import type { MessageSummary } from '../../../common/types.js';
import { callFor } from './actions.js';

export type RowMenuKey =
  | 'open'
  | 'reply'
  | 'forward'
  | 'markRead'
  | 'markUnread'
  | 'flag'
  | 'unflag'
  | 'archive'
  | 'move'
  | 'export'
  | 'delete';

/** The menu's items in order; open, reply and forward only for one message. */
export function rowMenuKeys(
  messages: readonly (MessageSummary & { threadUnread?: number | undefined })[],
): RowMenuKey[] {
  if (messages.length === 0) return [];
  const one = messages.length === 1 ? (['open', 'reply', 'forward'] as const) : [];
  const read = callFor('read', messages).input as { read?: boolean };
  const flag = callFor('flag', messages).input as { flagged?: boolean };
  return [
    ...one,
    read.read === false ? 'markUnread' : 'markRead',
    flag.flagged === false ? 'unflag' : 'flag',
    'archive',
    'move',
    'export',
    'delete',
  ];
}
