// One entry of the sidebar's folder list: a button that shows the folder, with its unread
// count, its context menu (right click, the context-menu key, Shift+F10), and drag and drop
// (folders onto folders, another way to Move; messages from the list onto a folder).
import { useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from '../i18n/index.js';

export function FolderItem(props: {
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
