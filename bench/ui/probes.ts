// What runs inside the page to time it, as JavaScript source: a function's own source would
// not do, since the TypeScript loader may add helpers to it that the page does not have.
// Every time is the page's own clock (performance.now(), from the navigation's start).
//
// "Painted" is taken as the first task after the frame that holds the change: a
// requestAnimationFrame callback runs just before the frame's style, layout and paint, and
// a message posted from it is handled once they are done.

const AFTER_PAINT = `
  const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(null);
  }));`;

/** A message row; a placeholder stands for a row whose page has not arrived. */
export const ROW = '.list-scroll .row:not(.row-placeholder)';
/** A row of the app's own list: not one of the server's first screen, drawn before the app ran. */
export const LIVE_ROW = '.list-scroll:not(.list-static) .row:not(.row-placeholder)';

/**
 * Init script: resolves `__bench.firstRows` once the first message rows are painted, and
 * the app's own rows (`live`: the same where the server drew no first screen).
 */
export const FIRST_ROWS_INIT = `(() => {
  ${AFTER_PAINT}
  performance.setResourceTimingBufferSize(100000);
  const bench = (window.__bench = {});
  bench.firstRows = new Promise((resolve) => {
    let first = null;
    const mo = new MutationObserver(() => {
      if (!first && document.querySelector(${JSON.stringify(ROW)})) {
        const inDom = performance.now();
        const drawn = document.querySelector('.first-screen') !== null;
        first = afterPaint().then((painted) => ({ inDom, painted, drawn }));
      }
      if (!first || !document.querySelector(${JSON.stringify(LIVE_ROW)})) return;
      mo.disconnect();
      afterPaint().then((live) => first.then((r) => resolve({ ...r, live })));
    });
    mo.observe(document, { childList: true, subtree: true });
  });
})()`;

export interface FirstRows {
  inDom: number;
  painted: number;
  /** The rows first painted were the server's first screen (the app's replaced them). */
  drawn: boolean;
  /** The app's own rows painted: clickable from here. */
  live: number;
  domContentLoaded: number;
  firstContentfulPaint: number | null;
  /** Each API request before the rows: path, start and end of the response. */
  api: { path: string; start: number; end: number }[];
}

export const FIRST_ROWS_RESULT = `window.__bench.firstRows.then((r) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const api = performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/api/') && e.startTime < r.painted)
    .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));
  return { ...r, domContentLoaded: nav.domContentLoadedEventEnd, firstContentfulPaint: fcp ? fcp.startTime : null, api };
})`;

export interface ScrollResult {
  /** rAF to rAF: what the display shows (60 Hz here, so 16.7 ms at best). */
  intervals: number[];
  /** From the frame's start to the end of its paint: the main thread's work per frame. */
  work: number[];
  longTasks: number[];
  /** Frames where the list could not move on: its end reached before the next page came. */
  stalled: number;
  /** Frames painted with a placeholder in view (a row whose page had not arrived). */
  placeholderFrames: number;
  rowsScrolled: number;
  rowsInDom: number;
}

/**
 * Scrolls `.list-scroll` by `perFrame` rows each frame until `rows` rows have passed; with
 * `unit` 'px', by `perFrame` pixels until `rows` pixels have (a wheel's pace, not a row's).
 */
export function scrollScript(
  rows: number,
  perFrame: number,
  timeoutMs: number,
  unit: 'rows' | 'px' = 'rows',
): string {
  return `(async () => {
  ${AFTER_PAINT}
  const list = document.querySelector('.list-scroll');
  const rowHeight = list.querySelector('.row').offsetHeight;
  const longTasks = [];
  const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); });
  po.observe({ type: 'longtask' });
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const start = list.scrollTop;
  const unit = ${unit === 'px' ? 1 : 'rowHeight'};
  const goal = start + ${rows} * unit;
  const intervals = [];
  const work = [];
  let stalled = 0;
  let placeholderFrames = 0;
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    const v = list.getBoundingClientRect();
    return r.bottom > v.top && r.top < v.bottom;
  };
  let last = await frame();
  const end = performance.now() + ${timeoutMs};
  while (list.scrollTop < goal - 1 && performance.now() < end) {
    const before = list.scrollTop;
    list.scrollTop = Math.min(goal, before + ${perFrame} * unit);
    if (list.scrollTop <= before) stalled++;
    let painted;
    const t = await new Promise((r) => requestAnimationFrame((ts) => {
      painted = new Promise((done) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => done(performance.now());
        ch.port2.postMessage(null);
      });
      r(ts);
    }));
    intervals.push(t - last);
    last = t;
    work.push((await painted) - t);
    if ([...list.querySelectorAll('.row-placeholder')].some(inView)) placeholderFrames++;
  }
  await afterPaint();
  po.disconnect();
  return {
    intervals, work, longTasks, stalled, placeholderFrames,
    rowsScrolled: Math.round((list.scrollTop - start) / rowHeight),
    rowsInDom: list.querySelectorAll('.row').length,
  };
})()`;
}

export interface SearchResult {
  ms: number;
  /** The message.search request: from its start to its response's end. */
  requestMs: number | null;
  rows: number;
  /** The empty or error state shown instead of rows, if any. */
  state: string | null;
  /** An empty or error state was painted before the answer came (a wrong "no results"). */
  earlyState: boolean;
}

/**
 * Arms `__bench.search`: from the Enter key's event time to the results painted. Results are
 * what the list shows once the search's answer is in: rows that were not there before, or
 * the empty state. Checked in each frame's requestAnimationFrame, so what is seen there is
 * what that frame paints.
 */
export function armSearch(query: string): string {
  return `(() => {
  const old = new Set(document.querySelectorAll('.row'));
  window.__bench.search = new Promise((resolve) => {
    const onKey = (e) => {
      if (e.key !== 'Enter') return;
      window.removeEventListener('keydown', onKey, true);
      const t0 = e.timeStamp;
      let earlyState = false;
      const answer = () => performance.getEntriesByType('resource').find(
        (x) => x.name.endsWith('/api/message.search') && x.startTime >= t0 && x.responseEnd > 0);
      const check = () => {
        const pane = document.querySelector('.list-pane');
        const title = pane && pane.querySelector('.pane-title').textContent;
        if (!title || !title.startsWith('Search: ' + ${JSON.stringify(query)})) return null;
        if (pane.querySelector('.state-loading')) return null;
        const state = pane.querySelector('.state-empty, .state-error');
        const req = answer();
        if (!req) {
          if (state) earlyState = true;
          return null;
        }
        const rows = [...pane.querySelectorAll('.row:not(.row-placeholder)')];
        if (!rows.some((r) => !old.has(r)) && !state) return null;
        return { req, rows: rows.length, state: state ? state.textContent : null };
      };
      const frame = () => requestAnimationFrame(() => {
        const seen = check();
        if (!seen) return frame();
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve({
          ms: performance.now() - t0,
          requestMs: seen.req.responseEnd - seen.req.startTime,
          rows: seen.rows,
          state: seen.state,
          earlyState,
        });
        ch.port2.postMessage(null);
      });
      frame();
    };
    window.addEventListener('keydown', onKey, true);
  });
})()`;
}
