// A context menu (right click, the context-menu key, Shift+F10): a menu of menuitems, the
// first one focused on opening, the arrows, Home and End move between them, Enter or Space
// picks one, Escape, Tab or a click elsewhere closes it. The opener puts the focus back.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useEscape } from './escape.js';

export interface MenuAt {
  x: number;
  y: number;
}

export interface MenuItem<K extends string> {
  key: K;
  label: string;
  danger?: boolean;
}

export function Menu<K extends string>(props: {
  /** The menu's accessible name. */
  label: string;
  items: readonly MenuItem<K>[];
  at: MenuAt;
  onPick(key: K): void;
  /** Closed without a pick. */
  onClose(): void;
  className?: string;
}) {
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
    top: Math.max(0, Math.min(props.at.y, window.innerHeight - 34 * props.items.length - 8)),
  };
  return createPortal(
    <ul
      ref={ref}
      className={`folder-menu ${props.className ?? ''}`.trim()}
      role="menu"
      aria-label={props.label}
      style={style}
      onKeyDown={onKeyDown}
    >
      {props.items.map((item) => (
        <li key={item.key} role="none">
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={item.danger ? 'danger' : undefined}
            onClick={() => props.onPick(item.key)}
          >
            {item.label}
          </button>
        </li>
      ))}
    </ul>,
    document.body,
  );
}
