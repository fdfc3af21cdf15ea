// Accessibility of the web UI's main views, checked by axe-core in Chromium against the real
// server and a synced Inbox: a folder open with nothing selected (the reader's empty state),
// a plain-text and an HTML message in the reader, search results, and the dark theme. No
// violation of impact "serious" or "critical" may remain; the others are printed. Then the
// keyboard: Enter puts the focus in the reader, Tab reaches the list, the search field is named.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { startServedInbox, type ServedInbox } from './served.js';

describe('accessibility of the web UI (axe-core in Chromium)', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await startServedInbox();
    browser = await startBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const rows = () => page.getByRole('listbox').getByRole('option');

  // The mail itself sits in a sandboxed frame without scripts, where axe cannot run; its
  // content is the sender's, not the UI's.
  const audit = (view: string) => seriousViolations(page, view);

  it('has no serious or critical violations in the main views', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => rows().count()).toBe(4);
    await page.getByRole('button', { name: /^Inbox/ }).click();
    await expect.poll(() => page.locator('.pane-title').textContent()).toContain('Inbox');
    await expect.poll(() => rows().count()).toBe(4);
    await expect.poll(() => page.locator('.reader').textContent()).toContain('No message selected');
    const found = await audit('folder open, nothing selected');

    await page.locator('.row', { hasText: 'Quarterly report' }).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Quarterly report');
    found.push(...(await audit('plain-text message in the reader')));

    await page.locator('.row', { hasText: 'Weekly newsletter' }).click();
    await expect
      .poll(() => page.frameLocator('iframe.mail-frame').locator('h1').textContent())
      .toBe('Hello from the newsletter');
    found.push(...(await audit('HTML message in the reader')));

    await page.getByRole('searchbox', { name: 'Search mail' }).fill('from:alice report');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toEqual(['Report draft attached', 'Quarterly report']);
    found.push(...(await audit('search results')));

    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('searchbox', { name: 'Search mail' }).press('Escape');
    await expect.poll(() => rows().count()).toBe(4);
    found.push(...(await audit('folder, dark theme')));
    await page.getByLabel('Theme').selectOption('light');

    expect(found).toEqual([]);
  });

  it('moves the focus as a keyboard user expects', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => rows().count()).toBe(4);
    // The search field is named for assistive technology, not only by its placeholder.
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search mail' }).count()).toBe(1);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.reader-subject').count()).toBe(1);
    await expect
      .poll(() => page.evaluate(`document.activeElement?.closest('.reader') !== null`))
      .toBe(true);

    // From the top of the page, Tab alone reaches the message list, and it is named.
    await page.evaluate(`document.activeElement?.blur()`);
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(
        `document.activeElement?.getAttribute('role') === 'listbox'`,
      )) as boolean;
    }
    expect(reached).toBe(true);
    expect(await page.evaluate(`document.activeElement.getAttribute('aria-label')`)).toBeTruthy();
  });
});
