// The first screen the server of one person draws into `/` (main/server/first-screen.ts,
// renderer/src/first-screen/render.tsx), in Chromium against the real server over a real
// Dovecot: the person's rows are in the page before any script runs (a browser with
// scripts off shows them, laid out as the app lays them out); the app then takes the
// answers from the page instead of asking, and replaces the markup with the same rows, live.
// It is drawn only for a signed-in browser whose view it is, and nothing a subject holds can
// break out of the page.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMail } from '../support/mail.js';
import { sameTimeZone } from '../../main/server/first-screen.js';
import { startBrowser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
/** A subject that would end the answers' script element, and replacement patterns. */
const HOSTILE = `</script><script>document.title='pwned'</script> $& $' <!-- <b>bold</b>`;
const SUBJECTS = [
  HOSTILE,
  'Report draft attached',
  'Weekly newsletter',
  'Lunch on Friday?',
  'Quarterly report',
];
const LIVE_LIST = '.list-scroll:not(.list-static)';
const LIVE_ROW = `${LIVE_LIST} .row:not(.row-placeholder)`;

describe('the first screen, drawn by the server (Chromium)', () => {
  let s: ServedInbox;
  let base: string;
  let cookie: string;

  /** `/` as a browser with this cookie header asks for it. */
  const page = (headers: Record<string, string>) =>
    fetch(`${base}/`, { headers }).then(async (r) => ({
      html: await r.text(),
      cacheControl: r.headers.get('cache-control'),
    }));

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await startServedInbox();
    await s.dovecot.loadMaildir('INBOX', [
      { raw: makeMail({ subject: HOSTILE, date: new Date(Date.UTC(2024, 2, 5, 10)) }) },
    ]);
    await s.api('sync.run', {});
    base = new URL(s.signIn).origin;
    const signedIn = await fetch(s.signIn, { redirect: 'manual' });
    cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  });

  afterAll(async () => {
    await s?.close();
  });

  const rowSubjects = (p: Page, rows: string) =>
    p.locator(`${rows} .row-subject`).allTextContents();

  it('shows the rows before any script runs, laid out as the app lays them out', async () => {
    const browser = await startBrowser({ javaScript: false });
    try {
      const p = await browser.context.newPage();
      await p.goto(s.signIn);
      expect(await rowSubjects(p, '.first-screen .list-static')).toEqual(SUBJECTS);
      // The folders beside them, and nothing in it can be used until the app has taken over.
      expect(await p.locator('.first-screen .pane-folders').textContent()).toContain('Inbox');
      expect(await p.locator('.first-screen').getAttribute('inert')).not.toBeNull();
      // Rows one under another, each of the app's height; none overlap.
      const boxes = await p
        .locator('.list-static .row')
        .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().top));
      expect(boxes.slice(1).map((top, i) => top - boxes[i]!)).toEqual(Array(4).fill(76));
      expect(await p.title()).toBe('Maildock');
      await p.screenshot({ path: path.join(ARTIFACTS, 'first-screen-no-script.png') });
    } finally {
      await browser.close();
    }
  });

  it('lays a narrower window out as the app does: the folders in a drawer, then one pane', async () => {
    const browser = await startBrowser({ javaScript: false });
    try {
      const p = await browser.context.newPage();
      await p.goto(s.signIn);
      const shown = (pane: string) => p.locator(`.first-screen .pane-${pane}`).isVisible();
      const listWidth = () =>
        p.locator('.first-screen .pane-list').evaluate((e) => e.getBoundingClientRect().width);
      expect([await shown('folders'), await shown('list'), await shown('reader')]).toEqual([
        true,
        true,
        true,
      ]);
      await p.setViewportSize({ width: 900, height: 700 });
      expect([await shown('folders'), await shown('list'), await shown('reader')]).toEqual([
        false,
        true,
        true,
      ]);
      await p.setViewportSize({ width: 600, height: 700 });
      expect([await shown('folders'), await shown('list'), await shown('reader')]).toEqual([
        false,
        true,
        false,
      ]);
      expect(await listWidth()).toBe(600);
      await p.screenshot({ path: path.join(ARTIFACTS, 'first-screen-narrow-no-script.png') });
    } finally {
      await browser.close();
    }
  });

  it('is taken over by the app as it is, from the answers in the page, and made live', async () => {
    const browser = await startBrowser();
    try {
      const p = await browser.context.newPage();
      const asked: string[] = [];
      p.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/')) asked.push(url.pathname);
      });
      const said: string[] = [];
      p.on('console', (m) => said.push(m.text()));
      // The folders' pane the server drew: still the same element once the app has run.
      await p.addInitScript({
        content: `document.addEventListener('DOMContentLoaded', () => {
          window.__drawnFolders = document.querySelector('.pane-folders');
        });`,
      });
      await p.goto(s.signIn);
      await expect.poll(() => rowSubjects(p, LIVE_LIST)).toEqual(SUBJECTS);
      // Hydrated, not drawn again: no mismatch, the server's elements kept, no longer inert.
      expect(said.filter((m) => m.includes('first screen'))).toEqual([]);
      expect(
        await p.evaluate(`window.__drawnFolders === document.querySelector('.pane-folders')`),
      ).toBe(true);
      expect(await p.locator('.first-screen').getAttribute('inert')).toBeNull();
      // The first screen's answers came with the page: none of its calls went out.
      for (const method of ['account.list', 'mailbox.list', 'message.list']) {
        expect(asked).not.toContain(`/api/${method}`);
      }
      expect(await p.title()).not.toBe('pwned');
      // Live: a row opens the message.
      await p.locator(LIVE_ROW, { hasText: 'Lunch on Friday?' }).click();
      await expect
        .poll(() => p.locator('.reader').textContent())
        .toContain('Shall we meet at noon?');
      // The app told the server this browser's view: the defaults, in its time zone.
      const view = (await browser.context.cookies()).find((c) => c.name === 'maildock-view');
      expect(view?.value).toMatch(/^tz=/);
      expect(view?.sameSite).toBe('Strict');
    } finally {
      await browser.close();
    }
  });

  it('is drawn anew by the app on a first visit from another time zone, then not drawn', async () => {
    // The server writes dates in its own zone until the browser has said its own; this
    // browser is 14 hours from UTC and 12 from the next: no zone writes its dates alike.
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const far = sameTimeZone(zone, 'Pacific/Kiritimati') ? 'Etc/GMT+12' : 'Pacific/Kiritimati';
    const browser = await startBrowser({ timeZone: far });
    try {
      const p = await browser.context.newPage();
      const said: string[] = [];
      p.on('console', (m) => said.push(m.text()));
      await p.goto(s.signIn);
      await expect.poll(() => rowSubjects(p, LIVE_LIST)).toEqual(SUBJECTS);
      // The rows' dates as the browser writes them, whatever the server drew.
      const written = await p.evaluate(
        `[...document.querySelectorAll('.row-date')].map((t) => [t.getAttribute('datetime'), t.textContent])`,
      );
      for (const [iso, text] of written as [string, string][]) {
        const day = new Date(iso).toLocaleDateString('en-US', { timeZone: far, day: 'numeric' });
        expect(text).toContain(` ${day},`);
      }
      expect(said.some((m) => m.includes('the first screen was drawn anew'))).toBe(true);
      // Its zone is said now: the next page comes without a first screen drawn in another.
      const view = (await browser.context.cookies()).find((c) => c.name === 'maildock-view');
      expect(decodeURIComponent(view!.value)).toBe(`tz=${far}`);
      const next = await p.goto(`${base}/`);
      expect(await next!.text()).not.toContain('class="first-screen"');
    } finally {
      await browser.close();
    }
  });

  it('is drawn only for the signed-in browser whose view it is', async () => {
    const drawn = await page({ cookie });
    expect(drawn.html).toContain('class="first-screen" inert');
    expect(drawn.html).toContain('id="maildock-first-answers"');
    expect(drawn.cacheControl).toBe('no-store');
    // Nothing of the mail without the session.
    const outside = await page({});
    expect(outside.html).not.toContain('Quarterly report');
    expect(outside.html).not.toContain('maildock-first-answers');
    expect(outside.cacheControl).toBe('no-cache');
    // A view of its own (a theme, compact rows…), or another time zone: the page as before.
    for (const view of ['plain=1&tz=UTC', 'tz=Pacific%2FKiritimati']) {
      const other = await page({ cookie: `${cookie}; maildock-view=${view}` });
      expect(other.html).not.toContain('first-screen');
    }
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const same = await page({ cookie: `${cookie}; maildock-view=tz=${encodeURIComponent(zone)}` });
    expect(same.html).toContain('class="first-screen" inert');
  });

  it('speaks the language the browser asks for', async () => {
    const german = await page({ cookie, 'accept-language': 'fr;q=0.9, de-AT, en;q=0.5' });
    expect(german.html).toMatch(/<html lang="de"/);
    expect(german.html).toContain('Posteingang');
  });

  it('keeps a subject that would end the answers’ script inside it', async () => {
    const { html } = await page({ cookie });
    const script =
      /<script type="application\/json" id="maildock-first-answers">(.*?)<\/script>/s.exec(html);
    const answers = JSON.parse(script![1]!) as { method: string; envelope: unknown }[];
    expect(JSON.stringify(answers)).toContain(HOSTILE);
    expect(html).not.toContain("<script>document.title='pwned'</script>");
  });
});
