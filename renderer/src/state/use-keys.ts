// The app's keyboard: j/k move through the list, Enter opens the message in the reader,
// / goes to the search field, Escape leaves it. Keys typed into a field are the field's.
import { useEffect, useRef } from 'react';

export interface KeyActions {
  next(): void;
  previous(): void;
  open(): void;
  search(): void;
}

function within(target: EventTarget | null, selector: string): boolean {
  const el = target as HTMLElement | null;
  return !!el && typeof el.closest === 'function' && el.closest(selector) !== null;
}
const typing = (t: EventTarget | null) =>
  within(t, 'input, textarea, select, [contenteditable="true"]');
/** Enter on a button or link is that control's own. */
const control = (t: EventTarget | null) => within(t, 'button, a[href], summary');

export function handleKey(e: KeyboardEvent, actions: KeyActions): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return false;
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
