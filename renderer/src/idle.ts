// Work that can wait for a moment when the page has nothing else to do: the browser's idle
// callback where there is one (a short timeout elsewhere, as in jsdom).
export function whenIdle(fn: () => void): void {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => fn());
  else setTimeout(fn, 50);
}
