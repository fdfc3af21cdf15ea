// The reader in Chromium against a private Dovecot: HTML mail keeps its own look while
// remote content is blocked (inline styles and <style> apply, blocked images keep their
// box) and calls nobody until the user loads remote content; and a long conversation
// opens at the message that was clicked, not at its first.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/processes.js';
import { makeMail } from '../support/mail.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const day = (d: number, h = 10) => new Date(Date.UTC(2024, 4, d, h));

/** Its stylesheet wrapped in an HTML comment, as many templates still do. */
const RECEIPT =
  '<!doctype html><html><head><style><!--\n.total { color: rgb(0, 128, 0); font-weight: 700 }\n--></style></head>' +
  '<body><p id="thanks" style="color: rgb(200, 0, 0)">Thank you for your order</p>' +
  '<p class="total">Total: 12.00</p></body></html>';

/** Every way a stylesheet can reach out, each under its own path of the image server. */
const NEWSLETTER = (base: string) =>
  '<html><head><style>' +
  `@import url("${base}/import.css");` +
  `.hero { color: rgb(0, 0, 255); background: url(${base}/hero-bg.png); height: 60px }` +
  `@font-face { font-family: Brand; src: url(${base}/brand.woff2) format("woff2") }` +
  `.brand { font-family: Brand, sans-serif; background-image: image-set("${base}/set.png" 1x) }` +
  '</style></head><body>' +
  '<div class="hero" id="hero">Big sale</div>' +
  `<p class="brand" id="brand" style="color: rgb(10, 20, 30); background-image: url('${base}/inline-bg.png')">Brand text</p>` +
  `<img id="banner" src="${base}/banner.png" width="300" height="100" alt="Banner">` +
  `<img id="sized" src="${base}/sized.png" style="width: 200px; height: 50px" alt="Sized">` +
  '</body></html>';

const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];
/** Long enough that two of them fill the reader: the first cannot share the screen. */
const filler = (n: string) =>
  Array.from({ length: 40 }, (_v, i) => `Line ${i + 1} of part ${n}.`).join('\n');

describe('the reader', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    const { dovecot, images } = served;
    await dovecot.loadMaildir('Styled', [
      {
        raw: makeMail({ subject: 'Your receipt', date: day(1), text: 'Receipt', html: RECEIPT }),
      },
      {
        raw: makeMail({
          subject: 'Styled newsletter',
          date: day(2),
          text: 'Newsletter',
          html: NEWSLETTER(images.base),
        }),
      },
    ]);
    const ids = NUMBERS.map((n) => `<plan-${n}@example.test>`);
    await dovecot.loadMaildir(
      'Thread',
      NUMBERS.map((n, i) => ({
        raw: makeMail({
          messageId: ids[i]!,
          from: i % 2 ? 'Dan Reed <dan@example.test>' : 'Erin Cole <erin@example.test>',
          subject: i ? 'Re: The plan' : 'The plan',
          date: day(10 + i),
          ...(i ? { inReplyTo: ids[i - 1]!, references: ids.slice(0, i) } : {}),
          text: `Step ${n}.\n${filler(n)}`,
        }),
        // The third is unread, so it opens too, above the clicked one.
        flags: i === 2 ? [] : ['\\Seen'],
      })),
    );
    // Templates that size themselves by the window: in a conversation each frame is as tall
    // as its message, and must not chase its own height.
    const tall = ['<tall-1@example.test>', '<tall-2@example.test>'];
    await dovecot.loadMaildir(
      'Tall',
      [
        '<style>html, body { height: 100% }</style><p>Sized by percent</p>',
        '<style>body { min-height: 100vh }</style><p>Sized by viewport</p>',
      ].map((html, i) => ({
        raw: makeMail({
          messageId: tall[i]!,
          subject: i ? 'Re: Tall' : 'Tall',
          date: day(20 + i),
          ...(i ? { inReplyTo: tall[0]!, references: [tall[0]!] } : {}),
          text: 'Tall',
          html,
        }),
      })),
    );
    await served.api('sync.run', {});
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(served.signIn);
  });

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await served?.close();
  });

  const frame = () => page.frameLocator('iframe.mail-frame');
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const folder = async (name: string, rows: number) => {
    await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
    await expect.poll(() => page.locator('.row').count()).toBe(rows);
  };
  /** The computed colour of an element of the message's frame. */
  const colour = (selector: string) =>
    frame()
      .locator(selector)
      .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color);
  const box = async (selector: string) => {
    const b = await frame().locator(selector).boundingBox();
    return b && { width: Math.round(b.width), height: Math.round(b.height) };
  };

  it('applies the styles of a message with nothing remote, and shows no banner', async () => {
    await folder('Styled', 2);
    await page.locator('.row', { hasText: 'Your receipt' }).click();
    await expect.poll(() => frame().locator('#thanks').textContent()).toContain('Thank you');
    await expect.poll(() => colour('#thanks')).toBe('rgb(200, 0, 0)');
    await expect.poll(() => colour('.total')).toBe('rgb(0, 128, 0)');
    expect(await page.locator('.remote-bar').count()).toBe(0);
    await shot('reader-1-receipt');
  });

  it('keeps styles and image boxes while remote content is blocked, and fetches nothing', async () => {
    const { images } = served;
    await folder('Styled', 2);
    await page.locator('.row', { hasText: 'Styled newsletter' }).click();
    await expect.poll(() => frame().locator('#hero').textContent()).toBe('Big sale');
    await expect.poll(() => colour('#hero')).toBe('rgb(0, 0, 255)');
    await expect.poll(() => colour('#brand')).toBe('rgb(10, 20, 30)');
    // The blocked images hold their place, so the layout around them does not collapse.
    await expect.poll(() => box('#banner')).toEqual({ width: 300, height: 100 });
    await expect.poll(() => box('#sized')).toEqual({ width: 200, height: 50 });
    const bar = page.locator('.remote-bar');
    await expect.poll(() => bar.isVisible()).toBe(true);
    expect(await bar.textContent()).toMatch(/Remote content was blocked/);
    // Backgrounds, @import, fonts and image-set() call nobody either.
    await sleep(1000);
    expect(images.total()).toBe(0);
    await shot('reader-2-newsletter-blocked');

    await page.getByRole('button', { name: 'Load images' }).click();
    await expect
      .poll(() => ['/banner.png', '/sized.png', '/hero-bg.png', '/inline-bg.png'].map(images.hits))
      .toEqual([1, 1, 1, 1]);
    expect(await colour('#hero')).toBe('rgb(0, 0, 255)');
    await shot('reader-3-newsletter-loaded');
  });

  it('fits each frame of a conversation to its message, even one sized by the window', async () => {
    await folder('Tall', 2);
    await page.locator('.row', { hasText: 'Re: Tall' }).click();
    const frames = page.locator('iframe.mail-frame');
    await expect.poll(() => frames.count()).toBe(2);
    await expect.poll(() => frame().first().locator('p').textContent()).toBe('Sized by percent');
    await sleep(1000);
    for (const f of await frames.all()) {
      expect((await f.boundingBox())!.height).toBeLessThan(400);
    }
    await shot('reader-4-window-sized');
  });

  /** Where the conversation's messages are, relative to the top of the reader's view. */
  interface Placed {
    top: number;
    bottom: number;
    open: boolean;
    /** The "Step …" its open body starts with; null while it is a line or loading. */
    body: string | null;
  }
  const layout = () =>
    page.evaluate<Placed[]>(`(() => {
      const reader = document.querySelector('.reader').getBoundingClientRect();
      return [...document.querySelectorAll('.conversation-item')].map((item) => {
        const r = item.getBoundingClientRect();
        const text = item.querySelector('.plain-body')?.textContent ?? '';
        return {
          top: Math.round(r.top - reader.top),
          bottom: Math.round(r.bottom - reader.top),
          open: item.classList.contains('open'),
          body: /Step \\w+/.exec(text)?.[0] ?? null,
        };
      });
    })()`);

  it('opens a conversation at the clicked message, expanded and at the top', async () => {
    await folder('Thread', 7);
    await page.locator('.row', { hasText: 'Step six' }).click();
    await expect.poll(() => page.locator('.conversation-count').textContent()).toBe('7 messages');
    // The clicked (6th), the unread (3rd) and the last are open, each with its text.
    await expect
      .poll(async () => (await layout()).map((m) => m.body))
      .toEqual([null, null, 'Step three', null, null, 'Step six', 'Step seven']);
    // Give late layout (the messages above growing as they load) the chance to move it.
    await sleep(500);
    const items = await layout();
    const sixth = items[5]!;
    expect(sixth.open).toBe(true);
    expect(Math.abs(sixth.top)).toBeLessThanOrEqual(12);
    expect(sixth.bottom).toBeGreaterThan(sixth.top + 200);
    // The first message is out of view above, not at the top.
    expect(items[0]!.bottom).toBeLessThanOrEqual(0);
    await shot('reader-5-conversation-at-clicked');
    // The user's own scrolling is not fought.
    await page.locator('.reader').hover();
    await page.mouse.wheel(0, -20_000);
    await sleep(300);
    expect((await layout())[0]!.top).toBeGreaterThan(0);
  });
});
