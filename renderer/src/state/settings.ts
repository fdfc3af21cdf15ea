// The UI's own settings, kept in this browser's storage (like the theme and pane widths).
import { useCallback, useState, useSyncExternalStore } from 'react';
import { densityOf, type Density } from './layout.js';
import { safeGet, safeSet } from '../ui/theme.js';

export const THREADS_KEY = 'maildock.threads';
export const DENSITY_KEY = 'maildock.density';

/** Conversation view: one row per conversation in folder lists. Off by default. */
export const threadsOn = (): boolean => safeGet(THREADS_KEY) === '1';

export function useThreadsSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(threadsOn);
  const set = useCallback((v: boolean) => {
    safeSet(THREADS_KEY, v ? '1' : '0');
    setOn(v);
  }, []);
  return [on, set];
}

// One value for the whole page: the settings dialog changes it, the list follows at once.
const densityListeners = new Set<() => void>();
const subscribeDensity = (fn: () => void) => {
  densityListeners.add(fn);
  return () => densityListeners.delete(fn);
};
// Kept here too, so the choice holds for this page even where storage is unavailable.
let densityNow: Density | null = null;
const readDensity = (): Density => (densityNow ??= densityOf(safeGet(DENSITY_KEY)));

/** The message list's rows: three lines (the default) or one compact line. */
export function useDensity(): [Density, (d: Density) => void] {
  const density = useSyncExternalStore(subscribeDensity, readDensity, readDensity);
  const set = useCallback((d: Density) => {
    densityNow = d;
    safeSet(DENSITY_KEY, d);
    for (const fn of densityListeners) fn();
  }, []);
  return [density, set];
}
