// Accounts and their folders, with unread counts, and the unified Inbox on top. The arrow
// keys move between the folders; the order is state/folder-order.ts's, which [ and ] walk.
// Each account has "+" (a new folder, or a new local folder, AccountFolders.tsx); each folder
// a context menu (right click, the context-menu key, Shift+F10) to add a subfolder, rename,
// move or delete it. Folders and messages from the list can be dragged onto a folder.
import type { KeyboardEvent, ReactNode } from 'react';
import { isWithin } from '../../../common/folder-paths.js';
import type { Account, Mailbox } from '../../../common/types.js';
import type { ListSource } from '../state/use-list.js';
import { useTranslation } from '../i18n/index.js';
import { AccountFolders } from './AccountFolders.js';
import { FolderItem } from './FolderItem.js';
import { useFolderEditing } from './use-folder-editing.js';

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

export function Sidebar(props: {
  accounts: Account[];
  mailboxes: Mailbox[];
  source: ListSource | null;
  onSelect(source: Exclude<ListSource, { kind: 'search' }>): void;
  /** Entries above the folders (the Outbox and Drafts). */
  top?: ReactNode;
  /** A folder was created, renamed, moved or deleted here. */
  onFoldersChanged?(): void;
  /** Messages were imported into a folder here. */
  onMessagesImported?(folder: Mailbox): void;
  /** Dropping messages from the list on a folder. */
  messageDrop?: { canDrop(to: Mailbox): boolean; drop(to: Mailbox): void };
}) {
  const { t } = useTranslation();
  const inboxes = props.mailboxes.filter((m) => m.role === 'inbox');
  const editing = useFolderEditing({
    accounts: props.accounts,
    mailboxes: props.mailboxes,
    onChanged: () => props.onFoldersChanged?.(),
    onImported: (folder) => props.onMessagesImported?.(folder),
    onDeleted: (gone) => {
      const shown =
        props.source?.kind === 'mailbox'
          ? props.mailboxes.find((m) => m.id === (props.source as { mailboxId: number }).mailboxId)
          : undefined;
      if (!shown || shown.accountId !== gone.accountId || shown.local !== gone.local) return;
      if (!isWithin(shown.path, gone.path, gone.delimiter)) return;
      const inbox = inboxes.find((m) => m.accountId === gone.accountId);
      if (inbox) props.onSelect({ kind: 'mailbox', mailboxId: inbox.id });
    },
  });
  const unified = props.source?.kind === 'unified';
  return (
    // The folders' buttons are reachable by Tab; the arrows only add a quicker way.
    <div className="sidebar" onKeyDown={arrows}>
      {props.top}
      {inboxes.length > 0 ? (
        <ul className="folders">
          <FolderItem
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
        <AccountFolders
          key={account.id}
          account={account}
          mailboxes={props.mailboxes.filter((m) => m.accountId === account.id)}
          source={props.source}
          onSelect={props.onSelect}
          editing={editing}
          messageDrop={props.messageDrop}
        />
      ))}
      {editing.layer}
    </div>
  );
}
