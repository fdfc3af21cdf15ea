// Where a selection may be moved: its account's folders, or the paths all its accounts
// share. The Move dialog lists these; a drop on the sidebar's folder goes by them too.
// Local folders are targets like any other (the core copies the messages from and to the
// server), listed after the server's folders under "Local Folders".
import type { Mailbox } from '../../../common/types.js';
import type { MoveTarget } from '../state/use-actions.js';
import { folderPathLabel } from './folder-name.js';

export type { MoveTarget };

export interface MoveChoice {
  label: string;
  target: MoveTarget;
}

/** What the selection may be moved to: its account's folders, or the paths all its accounts share. */
export function moveChoices(
  mailboxes: readonly Mailbox[],
  accountIds: readonly number[],
  from: ReadonlySet<number>,
): MoveChoice[] {
  const accounts = [...new Set(accountIds)];
  if (accounts.length === 1) {
    return mailboxes
      .filter((m) => m.accountId === accounts[0] && !from.has(m.id))
      .sort((a, b) => Number(a.local) - Number(b.local) || a.path.localeCompare(b.path))
      .map((m) => ({ label: folderPathLabel(m), target: { mailboxId: m.id } }));
  }
  // A path is shared only when it is a local folder in every account or a server folder in
  // every one: a server's own "Local Folders/…" is not the local folder of that path.
  const key = (m: Mailbox) => `${m.local ? 'local' : 'server'}:${m.path}`;
  const keys = accounts.map((id) => new Set(mailboxes.filter((m) => m.accountId === id).map(key)));
  const shared = mailboxes.filter(
    (m) => m.accountId === accounts[0] && keys.every((s) => s.has(key(m))),
  );
  return shared
    .sort(
      (a, b) =>
        Number(a.local) - Number(b.local) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    )
    .map((m) => ({ label: m.local ? folderPathLabel(m) : m.path, target: { path: m.path } }));
}

/** Where messages dropped on the sidebar's folder `to` go: the Move dialog's rules, else null. */
export function dropChoice(
  mailboxes: readonly Mailbox[],
  messages: readonly { accountId: number; mailboxId: number }[],
  to: Mailbox,
): MoveChoice | null {
  const choices = moveChoices(
    mailboxes,
    messages.map((m) => m.accountId),
    new Set(messages.map((m) => m.mailboxId)),
  );
  return (
    choices.find((c) =>
      'mailboxId' in c.target ? c.target.mailboxId === to.id : c.target.path === to.path,
    ) ?? null
  );
}
