// Where a selection may be moved: its account's folders, or the paths all its accounts
// share. The Move dialog lists these; a drop on the sidebar's folder goes by them too.
import type { Mailbox } from '../../../common/types.js';
import type { MoveTarget } from '../state/use-actions.js';
import { folderName } from './folder-name.js';

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
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((m) => ({ label: m.role ? folderName(m) : m.path, target: { mailboxId: m.id } }));
  }
  const paths = accounts.map(
    (id) => new Set(mailboxes.filter((m) => m.accountId === id).map((m) => m.path)),
  );
  const shared = [...(paths[0] ?? [])].filter((p) => paths.every((s) => s.has(p)));
  return shared.sort().map((path) => ({ label: path, target: { path } }));
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
