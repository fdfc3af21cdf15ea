// Light, dark or the system's choice: a data-theme attribute on <html> that styles.css
// reads; "system" leaves it to prefers-color-scheme. Remembered in localStorage.
export type Theme = 'light' | 'dark' | 'system';
export const THEME_KEY = 'maildock.theme';

export function storedTheme(): Theme {
  const v = safeGet(THEME_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  safeSet(THEME_KEY, theme);
}

/** Storage can be unavailable (private modes, a full quota): preferences are then not kept. */
export function safeGet(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

const storedListeners = new Set<() => void>();

/** Told after each preference is stored (first-screen/view-cookie.ts follows them). */
export function onStored(fn: () => void): () => void {
  storedListeners.add(fn);
  return () => storedListeners.delete(fn);
}

export function safeSet(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // not kept; the app works the same
  }
  for (const fn of storedListeners) fn();
}
