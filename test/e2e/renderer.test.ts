// The web UI end to end: a private Dovecot with a few messages, synced by the real service
// behind the real HTTP server, and the built renderer in headless Chromium. What a user
// does: sign in through the printed link, see the Inbox, open an HTML message (sanitized,
// sandboxed, remote images held back until asked), search with an operator, mistype a
// search. Screenshots of each view land in test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import { sleep } from '../support/processes.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import type { ImageServer } from './image-server.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

describe('the web UI in Chromium', () => {
  let served: ServedInbox;
  let images: ImageServer;
  let browser: Browser;
  let signIn: string;
  let page: Page;
  let violations: string[];
  let pageErrors: string[];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    ({ images, signIn } = served);
    browser = await startBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  beforeEach(async () => {
    violations = [];
    pageErrors = [];
    for (const p of browser.context.pages()) await p.close();
    page = await browser.context.newPage();
    // Every CSP violation of the app's page, as the browser reports it to the page itself.
    await page.addInitScript({
      content:
        'window.__csp = []; document.addEventListener("securitypolicyviolation", ' +
        '(e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI), true);',
    });
    page.on('console', (m: ConsoleMessage) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  // Parsing a hostile message's markup (to sanitize it) makes Chromium report its onerror
  // attribute as a blocked inline handler, even in an inert document: CSP as the second
  // lock, nothing ran. Any other kind of violation fails a test.
  const unexpected = () =>
    violations.filter((v) => !v.startsWith('Executing inline event handler'));
  const reported = async () =>
    ((await page.evaluate('window.__csp')) as string[]).filter(
      (v) => v !== 'script-src-attr inline',
    );
  const rows = () => page.getByRole('listbox').getByRole('option');
  const frame = () => page.frameLocator('iframe.mail-frame');
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });

  async function openInbox(): Promise<void> {
    await page.goto(signIn);
    // The token left the address bar for a cookie.
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => rows().count()).toBe(4);
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toEqual([
        'Report draft attached',
        'Weekly newsletter',
        'Lunch on Friday?',
        'Quarterly report',
      ]);
  }

  async function openNewsletter(): Promise<void> {
    await page.locator('.row', { hasText: 'Weekly newsletter' }).click();
    await expect.poll(() => frame().locator('h1').textContent()).toBe('Hello from the newsletter');
  }

  it('signs in, reads, loads images on request and searches', async () => {
    // The first screen's calls, each made once: by the page's first script (boot.ts), their
    // answers taken by the app for its own calls rather than asked for again. Asked for, here:
    // this browser's view is said to be its own, so the server draws no first screen with the
    // answers in it (first-screen.test.ts has that way).
    await page
      .context()
      .addCookies([{ name: 'maildock-view', value: 'plain=1', url: new URL(signIn).origin }]);
    const firstCalls: string[] = [];
    page.on('request', (r) => {
      const method = /\/api\/(account\.list|mailbox\.list|message\.list)$/.exec(r.url())?.[1];
      if (method) firstCalls.push(`${method} ${r.postData()}`);
    });
    await openInbox();
    expect(firstCalls.slice(0, 3).sort()).toEqual([
      'account.list {}',
      'mailbox.list {}',
      'message.list {"role":"inbox","offset":0,"limit":200,"threads":false,"count":true}',
    ]);
    expect(firstCalls.filter((c) => c.startsWith('message.list'))).toHaveLength(1);
    expect(await page.evaluate('window.maildockEarly')).toEqual([]);
    await expect
      .poll(() => page.getByRole('button', { name: /All inboxes/ }).textContent())
      .toContain('4');
    await shot('1-inbox');

    await openNewsletter();
    const iframe = page.locator('iframe.mail-frame');
    expect(await iframe.getAttribute('sandbox')).toBe('allow-same-origin');
    // Sanitized: no script, no handler, no form; the remote image is there but loads nothing.
    expect(await frame().locator('script, form, input, button, [onerror]').count()).toBe(0);
    expect(await frame().locator('img[alt="Shop logo"]').getAttribute('src')).toBeNull();
    expect(await page.title()).toBe('Maildock');
    await expect
      .poll(() =>
        page.getByRole('status').filter({ hasText: 'Remote content was blocked' }).count(),
      )
      .toBe(1);
    await sleep(500);
    expect(images.total()).toBe(0);
    await shot('2-html-blocked');

    await page.getByRole('button', { name: 'Load images' }).click();
    await expect.poll(() => images.hits('/logo.png'), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() =>
        frame()
          .locator('img[alt="Shop logo"]')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(1);
    // The tracking pixel stays out even now, and the form never posted anything.
    expect(images.hits('/track/open')).toBe(0);
    expect(images.hits('/steal')).toBe(0);
    await shot('3-html-images-loaded');

    // A link shows its real target before anything opens; declined, nothing opens. (The
    // confirm blocks the click until answered, so it is answered from the listener.)
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await frame().getByText('https://looks-safe.example.test/').click();
    expect(asked).toContain('https://real.example.test/offer');
    expect(browser.context.pages()).toHaveLength(1);

    await page.keyboard.press('/');
    await page.keyboard.type('from:alice report');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.pane-title').textContent())
      .toContain('Search: from:alice report');
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toEqual(['Report draft attached', 'Quarterly report']);
    expect(
      (await page.locator('.row-snippet mark').allTextContents()).map((s) => s.toLowerCase()),
    ).toContain('report');
    await shot('4-search-results');

    await page.getByRole('searchbox').fill('from:alice -');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(ERROR_TEXT.SEARCH_SYNTAX);
    expect(await alert.locator('mark').textContent()).toBe('-');
    await shot('5-search-syntax-error');

    expect(unexpected()).toEqual([]);
    expect(await reported()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('runs no eval or inline code; keys, plain text, selection', async () => {
    await openInbox();

    // j/k move the selection without opening (so marking read) anything; Enter opens.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (const key of ['j', 'j', 'j', 'j', 'j', 'k']) await page.keyboard.press(key);
    await expect
      .poll(() => page.locator('.row.selected .row-subject').allTextContents())
      .toEqual(['Lunch on Friday?']);
    expect(await page.locator('.reader-subject').count()).toBe(0);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Quarterly report');
    // Enter moved the keyboard into the reader.
    await expect.poll(() => page.locator('.reader:focus').count()).toBe(1);

    // Plain text: the link is a link, the quote folded.
    const body = page.locator('.plain-body');
    expect(await body.getByRole('link', { name: 'https://intranet.example.test/q1' }).count()).toBe(
      1,
    );
    expect(await body.locator('details.quote').getAttribute('open')).toBeNull();
    expect(await body.locator('summary').textContent()).toContain('Quoted text (2 lines)');

    // Multi-select: Ctrl adds one, Shift takes a range; the reader says how many.
    await page.locator('.row', { hasText: 'Report draft attached' }).click();
    await page.locator('.row', { hasText: 'Lunch on Friday?' }).click({ modifiers: ['Shift'] });
    expect(await page.locator('.row.selected').count()).toBe(3);
    await page.locator('.row', { hasText: 'Quarterly report' }).click({ modifiers: ['Control'] });
    await expect.poll(() => page.locator('.reader').textContent()).toContain('4 messages selected');

    // Attachments show their name, type and size.
    await page.locator('.row', { hasText: 'Report draft attached' }).click();
    await expect
      .poll(() => page.locator('.attachment').textContent())
      .toMatch(/draft\.pdf.*application\/pdf.*KB/);

    // No CSP violation so far but the sanitizer's parse of the newsletter (j passed over it):
    // no eval, no inline script or style.
    expect(unexpected()).toEqual([]);
    expect(await reported()).toEqual([]);
    await openNewsletter();
    expect(await frame().locator('script, form, [onerror]').count()).toBe(0);

    await page.getByLabel('Theme').selectOption('dark');
    await shot('6-dark-theme');

    await page.getByRole('searchbox').fill('subject:"never closed');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(ERROR_TEXT.SEARCH_SYNTAX);

    expect(unexpected()).toEqual([]);
    expect(await reported()).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(images.hits('/track/open')).toBe(0);

    // Without the session cookie the page says how to sign in, in ERROR_TEXT's words.
    await browser.context.clearCookies();
    await page.reload();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(ERROR_TEXT.UNAUTHORIZED);
    await shot('8-signed-out');
  });
});
