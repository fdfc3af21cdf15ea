// The sidebar's folder editing: which menu is open and where (a folder's, or an account's
// "+"), which dialog it led to (import and export included), and the calls each dialog
// makes. A new folder is on the server or local (kept on this computer only): "+" asks
// which, and a subfolder is of its parent's kind. The folder list itself is read again on
// the core's mailbox.changed event (state/use-folders.ts), and at once after a change made
// here.
import { useRef, useState, type ReactNode } from 'react';
import type { Account, Mailbox } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import {
  deletedWith,
  folderActions,
  moveTargets,
  type FolderAction,
} from '../state/folder-tree.js';
import { FolderMenu, type MenuAt } from './FolderMenu.js';
import { folderName } from './folder-name.js';
import { Menu } from './Menu.js';
import {
  ExportDialog,
  FolderDeleteDialog,
  FolderMoveDialog,
  FolderNameDialog,
  ImportDialog,
} from './lazy.js';

type Open =
  | { kind: 'menu'; folder: Mailbox; at: MenuAt; from: HTMLElement | null }
  | { kind: 'newMenu'; account: Account; at: MenuAt; from: HTMLElement | null }
  | { kind: 'create'; account: Account; parent: Mailbox | null; local: boolean }
  | { kind: 'move'; folder: Mailbox; to?: Mailbox }
  | { kind: 'rename' | 'delete' | 'import' | 'export'; folder: Mailbox };

export interface FolderEditing {
  /** The folder's context menu, at a point or under the element it was opened from. */
  openMenu(folder: Mailbox, at: MenuAt, from: HTMLElement | null): void;
  /** The account's "+" menu: a new folder on the server, or a new local folder. */
  openNewMenu(account: Account, at: MenuAt, from: HTMLElement | null): void;
  /** Whether the account's "+" menu is open. */
  newMenuOpen(accountId: number): boolean;
  /**
   * Dragging a folder onto another: `canDrop` says whether it may go there; a drop opens the
   * Move dialog with that parent picked, so nothing moves without a confirmation.
   */
  drag: {
    start(folder: Mailbox): void;
    canDrop(target: Mailbox): boolean;
    drop(target: Mailbox): void;
    end(): void;
  };
  /** The menu or dialog that is open, to render. */
  layer: ReactNode;
}

export function useFolderEditing(props: {
  accounts: readonly Account[];
  mailboxes: readonly Mailbox[];
  onChanged(): void;
  /** A folder and its subfolders are gone (the list may have shown one of them). */
  onDeleted(folder: Mailbox): void;
  /** Messages were imported into a folder (the list may show it). */
  onImported(folder: Mailbox): void;
}): FolderEditing {
  const { t } = useTranslation();
  const client = useClient();
  const [open, setOpen] = useState<Open | null>(null);
  const dragged = useRef<Mailbox | null>(null);
  const close = () => setOpen(null);
  const accountName = (id: number) => {
    const a = props.accounts.find((x) => x.id === id);
    return a ? a.name || a.email : '';
  };
  const done = async (work: Promise<unknown>) => {
    await work;
    setOpen(null);
    props.onChanged();
  };

  const pick = (folder: Mailbox, from: HTMLElement | null, action: FolderAction) => {
    // The dialog gives the focus back to what had it when it opened: the folder, not the
    // menu that is about to go.
    from?.focus();
    if (action === 'newSubfolder') {
      const account = props.accounts.find((a) => a.id === folder.accountId);
      if (account) setOpen({ kind: 'create', account, parent: folder, local: folder.local });
    } else setOpen({ kind: action, folder });
  };

  let layer: ReactNode = null;
  if (open?.kind === 'menu') {
    const { folder, from } = open;
    layer = (
      <FolderMenu
        folder={folderName(folder)}
        actions={folderActions(folder)}
        at={open.at}
        onPick={(action) => pick(folder, from, action)}
        onClose={() => {
          setOpen(null);
          from?.focus();
        }}
      />
    );
  } else if (open?.kind === 'newMenu') {
    const { account, from } = open;
    layer = (
      <Menu
        label={t('folders.newFolderIn', { account: accountName(account.id) })}
        items={[
          { key: 'server', label: t('localFolders.newServerFolder') },
          { key: 'local', label: t('localFolders.newLocalFolder') },
        ]}
        at={open.at}
        onPick={(key) => {
          // The dialog gives the focus back to the "+" it was opened from.
          from?.focus();
          setOpen({ kind: 'create', account, parent: null, local: key === 'local' });
        }}
        onClose={() => {
          setOpen(null);
          from?.focus();
        }}
      />
    );
  } else if (open?.kind === 'create') {
    const { account, parent, local } = open;
    layer = (
      <FolderNameDialog
        title={
          parent
            ? t('folders.createSubTitle', { folder: folderName(parent) })
            : local
              ? t('localFolders.createTitle', { account: accountName(account.id) })
              : t('folders.createTitle', { account: accountName(account.id) })
        }
        note={local ? t('localFolders.createNote') : undefined}
        initial=""
        submit={t('folders.create')}
        busyLabel={t('folders.creating')}
        onSubmit={(name) =>
          done(
            client.call('mailbox.create', {
              accountId: account.id,
              name,
              ...(parent ? { parentId: parent.id } : {}),
              ...(local ? { local: true } : {}),
            }),
          )
        }
        onClose={close}
      />
    );
  } else if (open?.kind === 'rename') {
    const { folder } = open;
    layer = (
      <FolderNameDialog
        title={t('folders.renameTitle', { folder: folder.name })}
        initial={folder.name}
        submit={t('folders.save')}
        busyLabel={t('folders.saving')}
        onSubmit={(name) => done(client.call('mailbox.rename', { id: folder.id, name }))}
        onClose={close}
      />
    );
  } else if (open?.kind === 'move') {
    const { folder } = open;
    layer = (
      <FolderMoveDialog
        folder={folder}
        accountName={accountName(folder.accountId)}
        targets={moveTargets(props.mailboxes, folder)}
        initial={open.to}
        onMove={(parentId) => done(client.call('mailbox.rename', { id: folder.id, parentId }))}
        onClose={close}
      />
    );
  } else if (open?.kind === 'delete') {
    const { folder } = open;
    const counts = deletedWith(props.mailboxes, folder);
    layer = (
      <FolderDeleteDialog
        folder={folder}
        messages={counts.messages}
        subfolders={counts.subfolders}
        onDelete={async () => {
          await done(client.call('mailbox.delete', { id: folder.id }));
          props.onDeleted(folder);
        }}
        onClose={close}
      />
    );
  } else if (open?.kind === 'import') {
    const { folder } = open;
    layer = (
      <ImportDialog
        folder={folder}
        onImported={() => {
          props.onChanged();
          props.onImported(folder);
        }}
        onClose={close}
      />
    );
  } else if (open?.kind === 'export') {
    const { folder } = open;
    layer = (
      <ExportDialog
        title={t('transfer.exportFolderTitle', { folder: folderName(folder) })}
        what={{ mailboxId: folder.id }}
        onClose={close}
      />
    );
  }

  return {
    openMenu: (folder, at, from) => setOpen({ kind: 'menu', folder, at, from }),
    openNewMenu: (account, at, from) => setOpen({ kind: 'newMenu', account, at, from }),
    newMenuOpen: (accountId) => open?.kind === 'newMenu' && open.account.id === accountId,
    drag: {
      start: (folder) => {
        dragged.current = folder.role === null ? folder : null;
      },
      canDrop: (target) => {
        const folder = dragged.current;
        return !!folder && moveTargets(props.mailboxes, folder).some((m) => m?.id === target.id);
      },
      drop: (target) => {
        const folder = dragged.current;
        dragged.current = null;
        if (folder) setOpen({ kind: 'move', folder, to: target });
      },
      end: () => {
        dragged.current = null;
      },
    },
    layer,
  };
}
