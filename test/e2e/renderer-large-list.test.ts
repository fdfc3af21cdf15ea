// The message list at 100,000 messages, through the preload bridge. The Electron binary
// cannot run here, so a fake `window.maildock` (the preload's shape: invoke and on) stands
// in for it and answers from generated rows; the renderer, Chromium and the page's CSP are
// real. What a user would notice: the folder opens at once, the DOM holds only the rows in
// view however far one scrolls, and scrolling keeps the frame rate.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type Browser } from './browser.js';
import { ensureRendererBuilt, RENDERER_DIST, ROOT } from './build.js';
import { serveStatic } from './static-server.js';

const TOTAL = 100_000;

/** Runs in the page before the app: the preload's bridge, answering from generated rows. */
const FAKE_BRIDGE = `(() => {
  const TOTAL = ${TOTAL};
  const calls = [];
  const summary = (id) => ({
    id, accountId: 1, mailboxId: 1, mailbox: 'INBOX', uid: id, messageId: null, threadId: null,
    subject: 'Message number ' + id, from: [{ name: 'Sender ' + (id % 97), address: 's' + (id % 97) + '@example.test' }],
    to: [], cc: [], date: new Date(Date.UTC(2020, 0, 1) + id * 60000).toISOString(),
    flags: id % 3 ? ['\\\\Seen'] : [], size: 1000, snippet: 'Snippet of message ' + id,
    hasAttachments: id % 5 === 0, bodyState: 'ready',
  });
  const answers = {
    'account.list': () => [{ id: 1, email: 'big@example.test', name: 'Big', createdAt: '2020-01-01T00:00:00.000Z',
      imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'big' }, smtp: null, identities: [] }],
    'mailbox.list': () => [{ id: 1, accountId: 1, path: 'INBOX', name: 'INBOX', delimiter: '/', role: 'inbox',
      uidValidity: '1', uidNext: TOTAL + 1, highestModseq: null, total: TOTAL, unread: Math.floor(TOTAL / 3), local: false }],
    'message.list': ({ before, offset, limit, count }) => {
      calls.push('message.list:' + (offset ?? 'before ' + before));
      const top = Math.min(TOTAL, (before ?? TOTAL + 1) - 1) - (offset ?? 0);
      const messages = [];
      for (let id = top; id > 0 && messages.length < limit; id--) messages.push(summary(id));
      return {
        messages,
        nextBefore: messages.length === limit ? messages[messages.length - 1].id : null,
        total: count === false ? null : TOTAL,
      };
    },
  };
  window.__bridgeCalls = calls;
  window.maildock = {
    async invoke(method, input) {
      calls.push(method);
      const answer = answers[method];
      return answer ? { ok: true, value: answer(input) } : { ok: false, error: { code: 'NOT_FOUND', message: method } };
    },
    on() { return () => {}; },
  };
})();`;

/** Scrolls the list through its whole height in steps, one per frame; frame times in ms. */
const SCROLL_THROUGH = `(async () => {
  const list = document.querySelector('.list-scroll');
  const frames = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    list.scrollTop += list.clientHeight * 3;
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return { frames, rows: document.querySelectorAll('.row').length };
})()`;

describe('the message list at 100,000 messages (a fake preload bridge stands in for Electron)', () => {
  let browser: Browser;
  let site: { base: string; close(): Promise<void> };

  beforeAll(async () => {
    await ensureRendererBuilt();
    site = await serveStatic(RENDERER_DIST);
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('opens quickly, keeps the DOM small and scrolls smoothly to the last message', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript({ content: FAKE_BRIDGE });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const started = Date.now();
    await page.goto(site.base);
    await page.locator('.row').first().waitFor();
    const firstRows = Date.now() - started;
    expect(await page.locator('.row-subject').first().textContent()).toBe(
      `Message number ${TOTAL}`,
    );
    // The transport is the bridge: no HTTP call was made for the API.
    expect(await page.evaluate('window.__bridgeCalls.includes("message.list")')).toBe(true);

    // The scrollbar stands for the whole folder at once: its height is every row's.
    expect(await page.locator('.pane-count').textContent()).toBe(TOTAL.toLocaleString('en-US'));
    const heights = (await page.evaluate(
      `(() => { const l = document.querySelector('.list-scroll'); return [l.scrollHeight, l.clientHeight]; })()`,
    )) as [number, number];
    expect(heights[0]).toBe(TOTAL * 76);

    // Dragged to the end: the last page comes in one request by offset, none in between.
    const jumpStart = Date.now();
    await page.evaluate(`window.__bridgeCalls.length = 0;
      document.querySelector('.list-scroll').scrollTop = 1e9`);
    await expect
      .poll(() => page.locator('.row-subject').last().textContent())
      .toBe('Message number 1');
    const jump = Date.now() - jumpStart;
    const pages = (await page.evaluate(
      `window.__bridgeCalls.filter((c) => c.startsWith('message.list:'))`,
    )) as string[];
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.length).toBeLessThanOrEqual(3);
    expect(pages.every((c) => Number(c.split(':')[1]) >= TOTAL - 600)).toBe(true);
    await page.evaluate(`document.querySelector('.list-scroll').scrollTop = 0`);
    const { frames, rows } = (await page.evaluate(SCROLL_THROUGH)) as {
      frames: number[];
      rows: number;
    };
    frames.sort((a, b) => a - b);
    const median = frames[Math.floor(frames.length / 2)]!;
    const p95 = frames[Math.floor(frames.length * 0.95)]!;
    // Only the rows in view (about a dozen at this height) plus the overscan are in the DOM,
    // placeholders included while their pages arrive.
    expect(rows).toBeLessThan(60);
    // Headless frames come at 60 Hz: most steps must fit one or two frames on this machine.
    expect(median).toBeLessThan(50);

    console.log(
      `100k list: first rows ${firstRows} ms, the last rows ${jump} ms after a jump to the end, ` +
        `scroll frame median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ${rows} rows in the DOM`,
    );

    // j at the very end stays on the last message.
    await page.evaluate(`document.querySelector('.list-scroll').scrollTop = 1e9`);
    const last = page.locator('.row').filter({
      has: page.locator('.row-subject', { hasText: /^Message number 1$/ }),
    });
    await last.click();
    await page.keyboard.press('j');
    await expect
      .poll(() => page.locator('.row.selected .row-subject').allTextContents())
      .toEqual(['Message number 1']);
    await page.screenshot({ path: path.join(ROOT, 'test/e2e/artifacts/7-large-list-end.png') });
    expect(errors).toEqual([]);
  });
});
