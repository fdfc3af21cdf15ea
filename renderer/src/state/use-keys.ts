// The app's keyboard: j/k move through the list, Enter opens the message in the reader,
// / goes to the search field, Escape leaves it; s, u, e and # act on the selection, z (and
// Ctrl/⌘+Z, outside a field) undoes; v moves to a folder, ? lists every key; r, a and f
// answer the open message (reply, reply all, forward), c writes a new one. Keys typed into
// a field are the field's.
import { useEffect, useRef } from 'react';
import type { UiAction } from '../../../common/types.js';

/** One function per action of the contract's list (the desktop menu asks for them too). */
export type KeyActions = Record<UiAction, () => void>;

function within(target: EventTarget | null, selector: string): boolean {
  const el = target as HTMLElement | null;
  return !!el && typeof el.closest === 'function' && el.closest(selector) !== null;
}
const typing = (t: EventTarget | null) =>
  within(t, 'input, textarea, select, [contenteditable="true"]');
/** Enter on a button or link is that control's own. */
const control = (t: EventTarget | null) => within(t, 'button, a[href], summary');

export function handleKey(e: KeyboardEvent, actions: KeyActions): boolean {
  if (typing(e.target)) return false;
  // Ctrl/⌘+Z is the platform's undo; in a field (above) it stays the field's own.
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') {
    actions.undo();
    return true;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  switch (e.key) {
    case 'j':
      actions.next();
      return true;
    case 'k':
      actions.previous();
      return true;
    case 'Enter':
      if (control(e.target)) return false;
      actions.open();
      return true;
    case '/':
      actions.search();
      return true;
    case 's':
      actions.flag();
      return true;
    case 'u':
      actions.read();
      return true;
    case 'e':
      actions.archive();
      return true;
    // '#' is Shift+3 on most layouts: the character counts, not the key.
    case '#':
      actions.trash();
      return true;
    case 'z':
      actions.undo();
      return true;
    case 'v':
      actions.move();
      return true;
    case '?':
      actions.help();
      return true;
    case 'r':
      actions.reply();
      return true;
    case 'a':
      actions.replyAll();
      return true;
    case 'f':
      actions.forward();
      return true;
    case 'c':
      actions.compose();
      return true;
    default:
      return false;
  }
}

export function useKeys(actions: KeyActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(e, latest.current)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
