// Accounts and their folders, with unread counts, and the unified Inbox on top.
import type { ReactNode } from 'react';
import type { Account, Mailbox, MailboxRole } from '../../../common/types.js';
import type { ListSource } from '../state/use-list.js';
import { AccountOffline } from './AccountOffline.js';

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

function ordered(mailboxes: Mailbox[]): Mailbox[] {
  const rank = (m: Mailbox) => (m.role ? (ROLE_ORDER[m.role] ?? 8) : 9);
  return [...mailboxes].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

const depth = (m: Mailbox) => (m.delimiter ? m.path.split(m.delimiter).length - 1 : 0);

function Item(props: {
  label: string;
  unread: number;
  active: boolean;
  depth?: number;
  onClick(): void;
}) {
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
          <span className="badge" aria-label={`${props.unread} unread`}>
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
  onSelect(source: ListSource): void;
  /** Entries above the folders (the Outbox and Drafts). */
  top?: ReactNode;
}) {
  const inboxes = props.mailboxes.filter((m) => m.role === 'inbox');
  const unified = props.source?.kind === 'unified';
  return (
    <div className="sidebar">
      {props.top}
      {inboxes.length > 0 ? (
        <ul className="folders">
          <Item
            label="All inboxes"
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
                label={m.role === 'inbox' ? 'Inbox' : m.name}
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
