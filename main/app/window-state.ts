// The main window's size and place, remembered across launches in a small file of the
// app's own. What comes back is checked: a window is never restored off every screen (a
// monitor unplugged since), smaller than usable or larger than the screen it lands on.
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowPlace {
  /** Absent: let the system centre the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const MIN_SIZE = { width: 720, height: 480 } as const;
export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
/** How much of the window must be on a screen for its place to be kept. */
const VISIBLE = { width: 160, height: 80 };

const savedSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type SavedWindow = z.infer<typeof savedSchema>;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Where to open the window, from what was saved (anything; null on a first launch) and the screens' work areas. */
export function restorePlace(saved: unknown, screens: readonly Rect[]): WindowPlace {
  const parsed = savedSchema.safeParse(saved);
  const primary = screens[0];
  const fit = (w: number, h: number, area: Rect | undefined) => ({
    width: Math.max(MIN_SIZE.width, Math.min(w, area?.width ?? w)),
    height: Math.max(MIN_SIZE.height, Math.min(h, area?.height ?? h)),
  });
  if (!parsed.success) {
    return { ...fit(DEFAULT_SIZE.width, DEFAULT_SIZE.height, primary), maximized: false };
  }
  const s = parsed.data;
  const home = screens.find((area) => {
    const o = overlap(s, area);
    return o.width >= VISIBLE.width && o.height >= VISIBLE.height;
  });
  const size = fit(s.width, s.height, home ?? primary);
  if (!home) return { ...size, maximized: s.maximized };
  // Inside its screen: a window larger than the screen now was shrunk above.
  const x = Math.min(Math.max(s.x, home.x), home.x + home.width - size.width);
  const y = Math.min(Math.max(s.y, home.y), home.y + home.height - size.height);
  return { x, y, ...size, maximized: s.maximized };
}

export function savePlace(bounds: Rect, maximized: boolean): SavedWindow {
  return {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized,
  };
}
