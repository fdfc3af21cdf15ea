// Accounts and their folders, with unread counts, and the unified Inbox on top. The arrow
// keys move between the folders; the order is state/folder-order.ts's, which [ and ] walk.
// Each account has "New folder"; each folder a context menu (right click, the context-menu
// key, Shift+F10) to add a subfolder, rename, move or delete it. Folders and messages from
// the list can be dragged onto a folder.
import {
  useState,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { isWithin } from '../../../common/folder-paths.js';
import type { Account, Mailbox } from '../../../common/types.js';
import { orderedMailboxes as ordered } from '../state/folder-order.js';
import type { ListSource } from '../state/use-list.js';
import { useTranslation } from '../i18n/index.js';
import { AccountOffline } from './AccountOffline.js';
import { folderName } from './folder-name.js';
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

const depth = (m: Mailbox) => (m.delimiter ? m.path.split(m.delimiter).length - 1 : 0);

function Item(props: {
  label: string;
  unread: number;
  active: boolean;
  depth?: number;
  onClick(): void;
  /** The folder's context menu: at the pointer, or under the folder from the keyboard. */
  onMenu?(at: { x: number; y: number }, from: HTMLElement): void;
  /** Drag and drop of folders (another way to Move). */
  drag?: { draggable: boolean; start(): void; canDrop(): boolean; drop(): void; end(): void };
  /** Messages dragged from the list (moved at once, as the Move dialog would). */
  messageDrop?: { canDrop(): boolean; drop(): void } | undefined;
}) {
  const { t } = useTranslation();
  const { onMenu, drag, messageDrop } = props;
  const [target, setTarget] = useState(false);
  const under = (el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + 16, y: r.bottom };
  };
  return (
    <li>
      <button
        type="button"
        className={`folder depth-${Math.min(props.depth ?? 0, 5)}${target ? ' drop-target' : ''}`}
        draggable={drag?.draggable || undefined}
        {...(drag
          ? {
              onDragStart: (e: DragEvent<HTMLButtonElement>) => {
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', props.label);
                drag.start();
              },
              onDragEnd: drag.end,
              onDragOver: (e: DragEvent<HTMLButtonElement>) => {
                if (!drag.canDrop() && !messageDrop?.canDrop()) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                setTarget(true);
              },
              onDragLeave: () => setTarget(false),
              onDrop: (e: DragEvent<HTMLButtonElement>) => {
                e.preventDefault();
                setTarget(false);
                if (messageDrop?.canDrop()) messageDrop.drop();
                else drag.drop();
              },
            }
          : {})}
        aria-current={props.active ? 'true' : undefined}
        aria-haspopup={onMenu ? 'menu' : undefined}
        onClick={props.onClick}
        onContextMenu={
          onMenu &&
          ((e: MouseEvent<HTMLButtonElement>) => {
            e.preventDefault();
            // The context-menu key gives a contextmenu event with no pointer position.
            const keyboard = e.clientX === 0 && e.clientY === 0;
            onMenu(
              keyboard ? under(e.currentTarget) : { x: e.clientX, y: e.clientY },
              e.currentTarget,
            );
          })
        }
        onKeyDown={
          onMenu &&
          ((e: KeyboardEvent<HTMLButtonElement>) => {
            if (!(e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10'))) return;
            e.preventDefault();
            e.stopPropagation();
            onMenu(under(e.currentTarget), e.currentTarget);
          })
        }
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
  /** A folder was created, renamed, moved or deleted here. */
  onFoldersChanged?(): void;
  /** Dropping messages from the list on a folder. */
  messageDrop?: { canDrop(to: Mailbox): boolean; drop(to: Mailbox): void };
}) {
  const { t } = useTranslation();
  const inboxes = props.mailboxes.filter((m) => m.role === 'inbox');
  const editing = useFolderEditing({
    accounts: props.accounts,
    mailboxes: props.mailboxes,
    onChanged: () => props.onFoldersChanged?.(),
    onDeleted: (gone) => {
      const shown =
        props.source?.kind === 'mailbox'
          ? props.mailboxes.find((m) => m.id === (props.source as { mailboxId: number }).mailboxId)
          : undefined;
      if (!shown || shown.accountId !== gone.accountId) return;
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
          <div className="account-head">
            <h2 className="account-name" title={account.email}>
              {account.name || account.email}
            </h2>
            <button
              type="button"
              className="account-new-folder"
              aria-label={t('folders.newFolderIn', { account: account.name || account.email })}
              title={t('folders.newFolder')}
              onClick={() => editing.newFolder(account)}
            >
              +
            </button>
          </div>
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
                onMenu={(at, from) => editing.openMenu(m, at, from)}
                drag={{
                  draggable: m.role === null,
                  start: () => editing.drag.start(m),
                  canDrop: () => editing.drag.canDrop(m),
                  drop: () => editing.drag.drop(m),
                  end: editing.drag.end,
                }}
                messageDrop={
                  props.messageDrop && {
                    canDrop: () => props.messageDrop!.canDrop(m),
                    drop: () => props.messageDrop!.drop(m),
                  }
                }
              />
            ))}
          </ul>
        </section>
      ))}
      {editing.layer}
    </div>
  );
}
