// Keeps one element at the top of its scrolling pane while the content around it settles.
// A conversation opens at the clicked message, but the messages open above it and its own
// body load after it was first placed, and each would push it down out of view.
import { useLayoutEffect, type RefObject } from 'react';

/** What the user does to take over the scrolling. */
const TAKE_OVER = ['wheel', 'touchstart', 'pointerdown', 'keydown'] as const;

function scrollParent(el: HTMLElement): HTMLElement | null {
  const win = el.ownerDocument.defaultView;
  for (let p = el.parentElement; p && win; p = p.parentElement) {
    if (/auto|scroll/.test(win.getComputedStyle(p).overflowY)) return p;
  }
  return null;
}

/**
 * Scrolls `target` to the top of its pane (the pane to its own top when `toStart`, so that
 * what is above the first message stays in view) and keeps it there as sizes change, until
 * the user scrolls, clicks or types in the pane.
 */
export function usePinToTop(target: RefObject<HTMLElement | null>, toStart: boolean): void {
  useLayoutEffect(() => {
    const item = target.current;
    const pane = item ? scrollParent(item) : null;
    const win = item?.ownerDocument.defaultView;
    if (!item || !pane || !win) return;
    const offset = () => item.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    let pinned = 0;
    const align = () => {
      pane.scrollTop = toStart ? 0 : pane.scrollTop + offset();
      pinned = offset();
    };
    // A scroll that moved the item (not one of ours, nor the browser's scroll anchoring,
    // which keeps it in place) is the user's: wheels over a message's frame only show so.
    const onScroll = () => {
      if (Math.abs(offset() - pinned) > 2) release();
    };
    const observer = new win.ResizeObserver(align);
    const release = () => {
      observer.disconnect();
      pane.removeEventListener('scroll', onScroll);
      for (const type of TAKE_OVER) pane.removeEventListener(type, release);
    };
    align();
    if (item.parentElement) observer.observe(item.parentElement);
    observer.observe(pane);
    pane.addEventListener('scroll', onScroll, { passive: true });
    for (const type of TAKE_OVER) pane.addEventListener(type, release, { passive: true });
    return release;
  }, [target, toStart]);
}
