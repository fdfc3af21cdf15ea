// "Move to…": the folders the selection can go to, filtered as one types; arrows and Enter
// pick one. Messages of several accounts can go only to a folder every one of them has,
// named by its path.
import { useMemo, useState } from 'react';
import type { Mailbox } from '../../../common/types.js';
import { useTranslation } from '../i18n/index.js';
import { Dialog } from './Dialog.js';
import { folderName } from './folder-name.js';

import type { MoveTarget } from '../state/use-actions.js';

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

export function MoveDialog(props: {
  choices: MoveChoice[];
  count: number;
  onMove(target: MoveTarget, label: string): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [at, setAt] = useState(0);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? props.choices.filter((c) => c.label.toLowerCase().includes(f)) : props.choices;
  }, [filter, props.choices]);
  const active = Math.min(at, Math.max(0, shown.length - 1));
  const pick = (c: MoveChoice | undefined) => c && props.onMove(c.target, c.label);
  return (
    <Dialog
      title={t('move.title', { count: props.count })}
      onClose={props.onClose}
      className="move-dialog"
    >
      <input
        type="search"
        className="move-filter"
        aria-label={t('move.filter')}
        placeholder={t('move.filter')}
        value={filter}
        data-autofocus
        role="combobox"
        aria-expanded="true"
        aria-controls="move-choices"
        aria-activedescendant={shown[active] ? `move-choice-${active}` : undefined}
        onChange={(e) => {
          setFilter(e.target.value);
          setAt(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setAt(Math.min(shown.length - 1, active + 1));
          else if (e.key === 'ArrowUp') setAt(Math.max(0, active - 1));
          else if (e.key === 'Enter') pick(shown[active]);
          else return;
          e.preventDefault();
        }}
      />
      {shown.length === 0 ? (
        <p className="move-none" role="status">
          {props.choices.length === 0 ? t('move.noShared') : t('move.noMatch')}
        </p>
      ) : (
        <ul
          id="move-choices"
          className="move-choices"
          role="listbox"
          aria-label={t('move.folders')}
        >
          {shown.map((c, i) => (
            <li
              key={c.label}
              id={`move-choice-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setAt(i)}
              onClick={() => pick(c)}
            >
              {c.label}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
