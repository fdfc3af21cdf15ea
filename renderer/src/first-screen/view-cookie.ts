// This browser's view of the first screen, told to the server in a cookie
// (common/first-screen.ts): the server draws the first screen only where it is the one the
// app will show. It draws the defaults, so any preference of the first screen's own (a
// theme, compact rows, conversations, a language picked, pane widths) makes it `plain`;
// and the rows' dates are written in the server's time zone, so the browser's is told.
import { formatViewCookie, VIEW_COOKIE } from '../../../common/first-screen.js';
import { LANGUAGE_KEY } from '../i18n/index.js';
import { DENSITY_KEY, THREADS_KEY } from '../state/settings.js';
import { PANES_KEY } from '../ui/Panes.js';
import { onStored, safeGet, THEME_KEY } from '../ui/theme.js';

/** Whether every preference the first screen shows is at its default. */
export function defaultView(get: (key: string) => string | null = safeGet): boolean {
  const unset = (key: string, dflt: string) => (get(key) ?? dflt) === dflt;
  return (
    unset(THEME_KEY, 'system') &&
    unset(DENSITY_KEY, 'comfortable') &&
    unset(THREADS_KEY, '0') &&
    unset(LANGUAGE_KEY, 'system') &&
    get(PANES_KEY) === null
  );
}

function write(doc: Document): void {
  const value = formatViewCookie({
    plain: !defaultView(),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  doc.cookie = `${VIEW_COOKIE}=${value}; path=/; max-age=31536000; samesite=strict`;
}

/** Writes the cookie now and again whenever a preference is stored. */
export function followView(doc: Document = document): void {
  write(doc);
  onStored(() => write(doc));
}
