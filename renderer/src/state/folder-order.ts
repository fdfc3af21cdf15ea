// The sidebar's entries in the order it shows them, which is also the order `[` and `]`
// walk, and where `g` and a letter go: a folder of a role in the account being read.
import type { Account, Mailbox, MailboxRole, UiAction } from '../../../common/types.js';
import type { SendingViewName } from '../compose/SendingNav.js';

/** What the list pane shows: a sidebar entry. */
export type Place =
  | { kind: 'sending'; view: SendingViewName }
  | { kind: 'unified'; mailboxIds: number[] }
  | { kind: 'mailbox'; mailboxId: number };

const ROLE_ORDER: Partial<Record<MailboxRole, number>> = {
  inbox: 0,
  drafts: 1,
  sent: 2,
  archive: 3,
  flagged: 4,
  all: 5,
  junk: 6,
  trash: 7,
};

/** The folders of a role first, then the others by path, then the local folders (shown last). */
export function orderedMailboxes(mailboxes: readonly Mailbox[]): Mailbox[] {
  const rank = (m: Mailbox) => (m.local ? 10 : m.role ? (ROLE_ORDER[m.role] ?? 8) : 9);
  return [...mailboxes].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** Every entry of the sidebar, top to bottom. */
export function sidebarPlaces(
  accounts: readonly Account[],
  mailboxes: readonly Mailbox[],
): Place[] {
  const inboxes = mailboxes.filter((m) => m.role === 'inbox').map((m) => m.id);
  return [
    { kind: 'sending', view: 'outbox' },
    { kind: 'sending', view: 'drafts' },
    ...(inboxes.length ? [{ kind: 'unified', mailboxIds: inboxes } as const] : []),
    ...accounts.flatMap((a) =>
      orderedMailboxes(mailboxes.filter((m) => m.accountId === a.id)).map((m): Place => ({
        kind: 'mailbox',
        mailboxId: m.id,
      })),
    ),
  ];
}

export function samePlace(a: Place | null, b: Place | null): boolean {
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'sending') return b.kind === 'sending' && a.view === b.view;
  if (a.kind === 'mailbox') return b.kind === 'mailbox' && a.mailboxId === b.mailboxId;
  return true;
}

/** The entry `delta` steps from `current`, stopping at either end; the first one from none. */
export function stepPlace(places: readonly Place[], current: Place | null, delta: 1 | -1) {
  if (places.length === 0) return null;
  const at = places.findIndex((p) => samePlace(p, current));
  if (at < 0) return places[0]!;
  return places[Math.min(places.length - 1, Math.max(0, at + delta))]!;
}

/** Where `g` then a letter goes, and the action of each. */
export const GO_ACTIONS = {
  inbox: 'goInbox',
  sent: 'goSent',
  drafts: 'goDrafts',
  archive: 'goArchive',
  flagged: 'goFlagged',
  trash: 'goTrash',
} as const satisfies Record<string, UiAction>;
export type GoTarget = keyof typeof GO_ACTIONS;
type GoAction = (typeof GO_ACTIONS)[GoTarget];

/** One function per go-to action, each calling `go` with its target. */
export function goActions(go: (target: GoTarget) => void): Record<GoAction, () => void> {
  const out = {} as Record<GoAction, () => void>;
  for (const [target, action] of Object.entries(GO_ACTIONS) as [GoTarget, GoAction][]) {
    out[action] = () => go(target);
  }
  return out;
}

/**
 * The folder of that role in the account being read (the shown folder's, else the open
 * message's, else the first account's). `g i` outside one account's folder is the unified
 * Inbox. Archive falls back to All mail (where Gmail's archived mail lives); Starred, where
 * no folder has the role, is a search for flagged mail. Null: nowhere to go.
 */
export function goPlace(
  target: GoTarget,
  ctx: {
    accounts: readonly Account[];
    mailboxes: readonly Mailbox[];
    current: Place | null;
    openAccountId: number | null;
  },
): Place | { kind: 'search'; query: string } | null {
  const { mailboxes, current } = ctx;
  const shown =
    current?.kind === 'mailbox' ? mailboxes.find((m) => m.id === current.mailboxId) : undefined;
  if (target === 'inbox' && !shown) {
    const inboxes = mailboxes.filter((m) => m.role === 'inbox').map((m) => m.id);
    return inboxes.length ? { kind: 'unified', mailboxIds: inboxes } : null;
  }
  const accountId = shown?.accountId ?? ctx.openAccountId ?? ctx.accounts[0]?.id;
  const own = mailboxes.filter((m) => m.accountId === accountId);
  const roles: MailboxRole[] = target === 'archive' ? ['archive', 'all'] : [target];
  for (const role of roles) {
    const m = own.find((x) => x.role === role);
    if (m) return { kind: 'mailbox', mailboxId: m.id };
  }
  if (target === 'flagged') return { kind: 'search', query: 'is:flagged' };
  return null;
}
