// The figures taken in Chromium: first rows after a page load, frames while scrolling the
// list, and search from Enter to results; with `profile`, a CPU profile of the page during
// the scroll and the searches and a trace of its long tasks (Chrome DevTools Protocol,
// through playwright's CDP session).
import type { BrowserContext, Page } from 'playwright-core';
import { startBrowser } from '../../test/e2e/browser.js';
import {
  armSearch,
  FIRST_ROWS_INIT,
  FIRST_ROWS_RESULT,
  ROW,
  scrollScript,
  type FirstRows,
  type ScrollResult,
  type SearchResult,
} from './probes.js';
import type { CpuProfile } from './profile.js';
import { longTaskPhases, startTrace, type TraceEvent } from './trace.js';

/** A new page per run, each loading the app from its address, as a user opening it. */
export async function firstRows(
  context: BrowserContext,
  base: string,
  runs: number,
): Promise<FirstRows[]> {
  const out: FirstRows[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.addInitScript({ content: FIRST_ROWS_INIT });
    await page.goto(base);
    out.push((await page.evaluate(FIRST_ROWS_RESULT)) as FirstRows);
    await page.close();
  }
  return out;
}

/**
 * `/` as a signed-in browser asks for it, from the request to its last byte, on this
 * process's clock: the server's drawing of the first screen is in it, where it draws one.
 */
export async function pageServed(base: string, token: string, runs: number): Promise<number[]> {
  const signIn = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
  const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/`, { headers: { cookie } });
    await res.text();
    out.push(performance.now() - t);
  }
  return out;
}

/** A page with the app open and its first rows in. */
export async function openApp(context: BrowserContext, base: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: FIRST_ROWS_INIT });
  await page.goto(base);
  await page.evaluate(FIRST_ROWS_RESULT);
  return page;
}

async function profiled<T>(
  page: Page,
  profile: boolean,
  run: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile | null; trace: string | null }> {
  if (!profile) return { result: await run(), profile: null, trace: null };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const stopTrace = await startTrace(cdp);
  const result = await run();
  const trace = longTaskPhases(await stopTrace());
  const { profile: p } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return { result, profile: p as unknown as CpuProfile, trace };
}

export function scroll(
  page: Page,
  rows: number,
  perFrame: number,
  profile: boolean,
  unit: 'rows' | 'px' = 'rows',
): Promise<{ result: ScrollResult; profile: CpuProfile | null; trace: string | null }> {
  return profiled(page, profile, async () => {
    await page.evaluate(`document.querySelector('.list-scroll').scrollTop = 0`);
    return (await page.evaluate(scrollScript(rows, perFrame, 180_000, unit))) as ScrollResult;
  });
}

/**
 * How long a new browser is left to finish its own start before the sign-in link is opened.
 * Chromium's start-up (its GPU, network and renderer processes) goes on after the launch
 * returns, and on 2 cores it takes about 450 ms off a page opened at once. A person opening
 * the link has a browser running already.
 */
export const SETTLE_MS = 3_000;

/**
 * Cold: a browser of its own per run (a new profile: no cache, no cookie), opening the
 * sign-in link as a person does the first time; from navigation start until the first rows
 * are painted. `settled`: the browser is first left alone for SETTLE_MS on a blank page, as a
 * browser already running; else the link is opened the moment the browser has launched.
 */
export async function coldSignIn(
  link: string,
  runs: number,
  settled: boolean,
): Promise<FirstRows[]> {
  const out: FirstRows[] = [];
  for (let i = 0; i < runs; i++) {
    const browser = await startBrowser();
    try {
      const page = await browser.context.newPage();
      if (settled) await settle(page);
      await page.addInitScript({ content: FIRST_ROWS_INIT });
      await page.goto(link);
      out.push((await page.evaluate(FIRST_ROWS_RESULT)) as FirstRows);
    } finally {
      await browser.close();
    }
  }
  return out;
}

async function settle(page: Page): Promise<void> {
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, SETTLE_MS));
}

/**
 * One cold sign-in as above (settled), under a CPU profile and a DevTools trace taken from before the
 * navigation: where the page's start spends its time. Tracing slows the page, so this run
 * is not one of the figures.
 */
export async function tracedColdSignIn(
  link: string,
): Promise<{ profile: CpuProfile; events: TraceEvent[]; summary: string; rows: FirstRows }> {
  const browser = await startBrowser();
  try {
    const page = await browser.context.newPage();
    await settle(page);
    await page.addInitScript({ content: FIRST_ROWS_INIT });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const stopTrace = await startTrace(cdp);
    await page.goto(link);
    const rows = (await page.evaluate(FIRST_ROWS_RESULT)) as FirstRows;
    const events = await stopTrace();
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.detach();
    return {
      profile: profile as unknown as CpuProfile,
      events,
      summary: longTaskPhases(events),
      rows,
    };
  } finally {
    await browser.close();
  }
}

/** Back to the folder: Escape in the field, then the folder's rows, all of them in. */
async function leaveSearch(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  // Polled in the page: waitForFunction would need eval, which the app's CSP refuses.
  await page.evaluate(`(async () => {
    const back = () => !document.querySelector('.pane-title').textContent.startsWith('Search:') &&
      document.querySelector(${JSON.stringify(ROW)}) !== null &&
      document.querySelector('.row-placeholder') === null;
    while (!back()) await new Promise((r) => setTimeout(r, 10));
  })()`);
}

/** Each query `runs` times: `/`, the query typed, Enter; timed from the Enter key. */
export function search(
  page: Page,
  queries: Record<string, string>,
  runs: number,
  profile: boolean,
): Promise<{
  result: Record<string, SearchResult[]>;
  profile: CpuProfile | null;
  trace: string | null;
}> {
  return profiled(page, profile, async () => {
    const out: Record<string, SearchResult[]> = {};
    for (const [kind, query] of Object.entries(queries)) {
      out[kind] = [];
      for (let i = 0; i < runs; i++) {
        await page.evaluate(armSearch(query));
        await page.keyboard.press('/');
        await page.keyboard.type(query);
        await page.keyboard.press('Enter');
        out[kind].push((await page.evaluate('window.__bench.search')) as SearchResult);
        await leaveSearch(page);
      }
    }
    return out;
  });
}
