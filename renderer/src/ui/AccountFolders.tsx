// One account in the sidebar: its name with "+" (a menu: a new folder on the server, or a
// new local folder), its folders nested by path, and its local folders after them under a
// "Local Folders" heading. The heading is no folder (nothing to open or drop on); the local
// folders are a list of their own labelled by it, nested in the account's list, so a screen
// reader hears them as one group under that name.
import { useId } from 'react';
import type { Account, Mailbox } from '../../../common/types.js';
import { orderedMailboxes } from '../state/folder-order.js';
import type { ListSource } from '../state/use-list.js';
import { useTranslation } from '../i18n/index.js';
import { AccountOffline } from './AccountOffline.js';
import { FolderItem } from './FolderItem.js';
import { folderName } from './folder-name.js';
import type { FolderEditing } from './use-folder-editing.js';

const depth = (m: Mailbox) => (m.delimiter ? m.path.split(m.delimiter).length - 1 : 0);

export function AccountFolders(props: {
  account: Account;
  /** The account's folders, server and local. */
  mailboxes: readonly Mailbox[];
  source: ListSource | null;
  onSelect(source: { kind: 'mailbox'; mailboxId: number }): void;
  editing: FolderEditing;
  messageDrop?: { canDrop(to: Mailbox): boolean; drop(to: Mailbox): void } | undefined;
}) {
  const { t } = useTranslation();
  const { account, editing, messageDrop } = props;
  const localHead = useId();
  const name = account.name || account.email;
  const all = orderedMailboxes(props.mailboxes);
  const local = all.filter((m) => m.local);

  const item = (m: Mailbox) => (
    <FolderItem
      key={m.id}
      // A local folder's own name; its path's "Local Folders/" is the heading above it.
      label={m.local ? m.name : folderName(m)}
      unread={m.unread}
      // Local folders sit one level under their heading, as the root is the path's first level.
      depth={depth(m)}
      active={props.source?.kind === 'mailbox' && props.source.mailboxId === m.id}
      onClick={() => props.onSelect({ kind: 'mailbox', mailboxId: m.id })}
      onMenu={(at, from) => editing.openMenu(m, at, from)}
      drag={{
        draggable: m.role === null,
        start: () => editing.drag.start(m),
        canDrop: () => editing.drag.canDrop(m),
        drop: () => editing.drag.drop(m),
        end: editing.drag.end,
      }}
      messageDrop={
        messageDrop && { canDrop: () => messageDrop.canDrop(m), drop: () => messageDrop.drop(m) }
      }
    />
  );

  return (
    <section className="account">
      <div className="account-head">
        <h2 className="account-name" title={account.email}>
          {name}
        </h2>
        <button
          type="button"
          className="account-new-folder"
          aria-label={t('folders.newFolderIn', { account: name })}
          title={t('folders.newFolder')}
          aria-haspopup="menu"
          aria-expanded={editing.newMenuOpen(account.id)}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            editing.openNewMenu(account, { x: r.left, y: r.bottom }, e.currentTarget);
          }}
        >
          +
        </button>
      </div>
      <AccountOffline accountId={account.id} />
      <ul className="folders">
        {all.filter((m) => !m.local).map(item)}
        {local.length > 0 ? (
          <li className="folder-group">
            <h3 className="folder-group-name" id={localHead}>
              {t('localFolders.root')}
            </h3>
            <ul className="folders" aria-labelledby={localHead}>
              {local.map(item)}
            </ul>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
