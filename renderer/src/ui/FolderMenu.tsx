// A folder's context menu (right click, the context-menu key, Shift+F10): a menu of
// menuitems, the first one focused on opening, the arrows, Home and End move between them,
// Enter or Space picks one, Escape, Tab or a click elsewhere closes it, and the focus goes
// back to the folder unless a dialog takes it.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from '../i18n/index.js';
import type { FolderAction } from '../state/folder-tree.js';
import { useEscape } from './escape.js';

export interface MenuAt {
  x: number;
  y: number;
}

export function FolderMenu(props: {
  folder: string;
  actions: FolderAction[];
  at: MenuAt;
  onPick(action: FolderAction): void;
  /** Closed without a pick: the focus goes back to the folder. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLUListElement>(null);
  useEscape(props.onClose);
  const items = () => [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    items()[0]?.focus();
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) props.onClose();
    };
    document.addEventListener('pointerdown', away, true);
    return () => document.removeEventListener('pointerdown', away, true);
    // Opened once per mount.
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    // The menu's keys are its own: neither the sidebar's arrows nor the app's letters.
    e.stopPropagation();
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => all[(i + all.length) % all.length]?.focus();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(all.length - 1);
    else if (e.key === 'Tab') props.onClose();
    else return;
    e.preventDefault();
  };

  // Kept inside the window: a menu opened near the bottom or the right edge opens upwards
  // or leftwards.
  const style = {
    left: Math.max(0, Math.min(props.at.x, window.innerWidth - 200)),
    top: Math.max(0, Math.min(props.at.y, window.innerHeight - 40 * props.actions.length - 8)),
  };
  return createPortal(
    <ul
      ref={ref}
      className="folder-menu"
      role="menu"
      aria-label={t('folders.menu', { folder: props.folder })}
      style={style}
      onKeyDown={onKeyDown}
    >
      {props.actions.map((action) => (
        <li key={action} role="none">
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={action === 'delete' ? 'danger' : undefined}
            onClick={() => props.onPick(action)}
          >
            {t(`folders.${action}`)}
          </button>
        </li>
      ))}
    </ul>,
    document.body,
  );
}
