// How the panes share the width the mailbox has (the window's, less a docked compose):
// wide, the folders beside the list and the reader; medium, the folders in a drawer;
// narrow, one pane at a time, the reader in the list's place while a message is open.
import { useEffect, useState, type RefObject } from 'react';
import { useServerFirstScreen } from '../first-screen/context.js';

export type PaneLayout = 'wide' | 'medium' | 'narrow';

/** The reader never gets less than this beside the list: below it, one pane at a time. */
export const READER_MIN = 360;
export const LIST_MIN = 260;
export const FOLDERS_MIN = 140;
export const DIVIDER = 5;
/** Under this width one pane shows at a time. */
export const NARROW_BELOW = 760;
/** From this width the folders stay beside the list. */
export const WIDE_FROM = 1100;

export function layoutFor(width: number): PaneLayout {
  if (width < NARROW_BELOW) return 'narrow';
  return width < WIDE_FROM ? 'medium' : 'wide';
}

/**
 * The largest a pane may be dragged to in this width, so the reader keeps READER_MIN:
 * `others` is what the other resizable pane takes (0 when it is in the drawer).
 */
export function paneMax(width: number, others: number, limit: number): number {
  return Math.max(0, Math.min(limit, width - others - READER_MIN - 2 * DIVIDER));
}

/** The layout for the element's width, followed as it changes. */
export function usePaneLayout(ref: RefObject<HTMLElement | null>): {
  layout: PaneLayout;
  width: number;
} {
  // The server's first screen is drawn wide (first-screen/render.tsx), and the page's first
  // render takes it over as it is; the width is measured once it has.
  const drawn = useServerFirstScreen();
  const [width, setWidth] = useState(() =>
    typeof window === 'undefined' || drawn ? WIDE_FROM : window.innerWidth,
  );
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1];
      if (box) setWidth(Math.round(box.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return { layout: layoutFor(width), width };
}

/** How much of a message a row of the list shows: three lines, or one compact line. */
export type Density = 'comfortable' | 'compact';

/** A stored value as a density; anything unknown is the default. */
export const densityOf = (stored: string | null): Density =>
  stored === 'compact' ? 'compact' : 'comfortable';

/** The virtual list's fixed row height for a density (the CSS of `.row` says the same). */
export const rowHeight = (density: Density): number => (density === 'compact' ? 32 : 76);
