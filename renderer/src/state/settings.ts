// The UI's own settings, kept in this browser's storage (like the theme and pane widths).
import { useCallback, useState } from 'react';
import { safeGet, safeSet } from '../ui/theme.js';

const THREADS = 'maildock.threads';

/** Conversation view: one row per conversation in folder lists. Off by default. */
export function useThreadsSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => safeGet(THREADS) === '1');
  const set = useCallback((v: boolean) => {
    safeSet(THREADS, v ? '1' : '0');
    setOn(v);
  }, []);
  return [on, set];
}
