// Accounts and their folders, with unread counts, and the unified Inbox on top. The arrow
// keys move between the folders; the order is state/folder-order.ts's, which [ and ] walk.
import type { KeyboardEvent, ReactNode } from 'react';
import type { Account, Mailbox } from '../../../common/types.js';
import { orderedMailboxes as ordered } from '../state/folder-order.js';
import type { ListSource } from '../state/use-list.js';
import { useTranslation } from '../i18n/index.js';
import { AccountOffline } from './AccountOffline.js';
import { folderName } from './folder-name.js';

function arrows(e: KeyboardEvent<HTMLElement>) {
  const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
  if (!step) return;
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>('button.folder')];
  const at = all.indexOf(document.activeElement as HTMLElement);
  const next = all[at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + step))];
  if (!next) return;
  e.preventDefault();
  next.focus();
}

const depth = (m: Mailbox) => (m.delimiter ? m.path.split(m.delimiter).length - 1 : 0);

function Item(props: {
  label: string;
  unread: number;
  active: boolean;
  depth?: number;
  onClick(): void;
}) {
  const { t } = useTranslation();
  return (
    <li>
      <button
        type="button"
        className={`folder depth-${Math.min(props.depth ?? 0, 5)}`}
        aria-current={props.active ? 'true' : undefined}
        onClick={props.onClick}
      >
        <span className="folder-name">{props.label}</span>
        {props.unread > 0 ? (
          <span className="badge" aria-label={t('folders.unread', { count: props.unread })}>
            {props.unread}
          </span>
        ) : null}
      </button>
    </li>
  );
}

export function Sidebar(props: {
  accounts: Account[];
  mailboxes: Mailbox[];
  source: ListSource | null;
  onSelect(source: Exclude<ListSource, { kind: 'search' }>): void;
  /** Entries above the folders (the Outbox and Drafts). */
  top?: ReactNode;
}) {
  const { t } = useTranslation();
  const inboxes = props.mailboxes.filter((m) => m.role === 'inbox');
  const unified = props.source?.kind === 'unified';
  return (
    // The folders' buttons are reachable by Tab; the arrows only add a quicker way.
    <div className="sidebar" onKeyDown={arrows}>
      {props.top}
      {inboxes.length > 0 ? (
        <ul className="folders">
          <Item
            label={t('places.allInboxes')}
            unread={inboxes.reduce((n, m) => n + m.unread, 0)}
            active={unified}
            onClick={() =>
              props.onSelect({ kind: 'unified', mailboxIds: inboxes.map((m) => m.id) })
            }
          />
        </ul>
      ) : null}
      {props.accounts.map((account) => (
        <section key={account.id} className="account">
          <h2 className="account-name" title={account.email}>
            {account.name || account.email}
          </h2>
          <AccountOffline accountId={account.id} />
          <ul className="folders">
            {ordered(props.mailboxes.filter((m) => m.accountId === account.id)).map((m) => (
              <Item
                key={m.id}
                label={folderName(m)}
                unread={m.unread}
                depth={depth(m)}
                active={props.source?.kind === 'mailbox' && props.source.mailboxId === m.id}
                onClick={() => props.onSelect({ kind: 'mailbox', mailboxId: m.id })}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
