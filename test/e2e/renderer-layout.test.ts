// The web UI at four window widths (1440, 1024, 800 and 500 px) in Chromium, against the real
// server and a synced Inbox: nothing reaches past the window's right edge (the page does not
// scroll sideways, and no element shows beyond the edge), and every control can be clicked
// (playwright refuses to click what is hidden or covered): open a message and, where it took
// the list's place, go back; open settings from the gear and from the sync status; open
// compose and close it; open the folder drawer (or, wide, use the folder pane) and switch
// folders. Then the keys for folders and conversations. Screenshots land in test/e2e/artifacts/.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { OVERFLOW } from './overflow.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

describe('the web UI in narrow and wide windows', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    browser = await startBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const rows = () => page.getByRole('listbox').getByRole('option');
  const title = () => page.locator('.pane-list .pane-title').textContent();
  const overflow = () => page.evaluate(OVERFLOW) as Promise<string[]>;
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const drawer = () => page.getByRole('dialog', { name: 'Folders' });
  const foldersButton = () => page.getByRole('button', { name: 'Folders', exact: true });
  const focusIn = (selector: string) =>
    page.evaluate(`document.activeElement?.closest(${JSON.stringify(selector)}) !== null`);

  async function open(width: number): Promise<void> {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(served.signIn);
    await expect.poll(() => rows().count()).toBe(4);
    await expect.poll(() => title()).toContain('All inboxes');
  }

  for (const width of [1440, 1024, 800, 500]) {
    it(`at ${width} px nothing overflows and every control is reachable`, async () => {
      await open(width);
      const narrow = width < 760;
      const wide = width >= 1100;
      expect(await overflow()).toEqual([]);
      await shot(`layout-${width}-list`);

      // A message: beside the list, or in its place with a way back.
      await page.locator('.row', { hasText: 'Quarterly report' }).click();
      await expect
        .poll(() => page.locator('.reader-subject').textContent())
        .toBe('Quarterly report');
      expect(await overflow()).toEqual([]);
      await shot(`layout-${width}-reader`);
      if (narrow) {
        expect(await page.getByRole('listbox').isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Back to All inboxes' }).click();
        await expect.poll(() => page.getByRole('listbox').isVisible()).toBe(true);
        expect(await page.locator('.pane-reader').isVisible()).toBe(false);
      } else {
        expect(await page.getByRole('listbox').isVisible()).toBe(true);
        const reader = await page.locator('.pane-reader').boundingBox();
        expect(reader!.width).toBeGreaterThanOrEqual(360);
        expect(await page.getByRole('button', { name: /^Back to/ }).count()).toBe(0);
        // The list's divider goes no further than leaves the reader its minimum.
        await page.getByRole('separator', { name: 'Resize the message list' }).focus();
        for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowRight');
        const squeezed = await page.locator('.pane-reader').boundingBox();
        expect(squeezed!.width).toBeGreaterThanOrEqual(360);
        expect(await overflow()).toEqual([]);
        await page.evaluate(`localStorage.removeItem('maildock.panes')`);
      }

      // Settings, from the gear and from the sync status.
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.waitFor();
      expect(await overflow()).toEqual([]);
      await shot(`layout-${width}-settings`);
      await settings.getByRole('button', { name: 'Close' }).click();
      await settings.waitFor({ state: 'hidden' });
      await page.locator('.sync-button').click();
      await settings.waitFor();
      await settings.getByRole('button', { name: 'Close' }).click();
      await settings.waitFor({ state: 'hidden' });

      // Compose, opened and closed.
      await page.getByRole('button', { name: 'Compose', exact: true }).click();
      const closeCompose = page.getByRole('button', { name: 'Close and keep as draft' });
      await closeCompose.waitFor();
      expect(await overflow()).toEqual([]);
      await shot(`layout-${width}-compose`);
      await closeCompose.click();
      await closeCompose.waitFor({ state: 'hidden' });

      // Another folder: from the folder pane when wide, else from the drawer.
      if (wide) {
        expect(await foldersButton().count()).toBe(0);
        await page
          .getByRole('navigation', { name: 'Folders' })
          .getByRole('button', { name: /^Archive/ })
          .click();
        await expect.poll(() => title()).toBe('Archive');
        return;
      }
      expect(await page.locator('.pane-folders').count()).toBe(0);
      await foldersButton().click();
      await drawer().waitFor();
      // The focus moves into the drawer, on the folder being shown.
      await expect.poll(() => focusIn('dialog.drawer')).toBe(true);
      expect(await page.evaluate(`document.activeElement.textContent`)).toContain('All inboxes');
      expect(await overflow()).toEqual([]);
      await shot(`layout-${width}-drawer`);
      await drawer()
        .getByRole('button', { name: /^Archive/ })
        .click();
      await drawer().waitFor({ state: 'hidden' });
      await expect.poll(() => title()).toBe('Archive');
      // ... and back to the button that opened it.
      await expect.poll(() => focusIn('.folders-button')).toBe(true);

      // Escape closes it, and so do a click beside it and its Close button.
      await foldersButton().click();
      await drawer().waitFor();
      await page.keyboard.press('Escape');
      await drawer().waitFor({ state: 'hidden' });
      await foldersButton().click();
      await drawer().getByRole('button', { name: 'Close' }).click();
      await drawer().waitFor({ state: 'hidden' });
      await foldersButton().click();
      await drawer().waitFor();
      await page.mouse.click(width - 10, 400);
      await drawer().waitFor({ state: 'hidden' });
      expect(await title()).toBe('Archive');
    });
  }

  /** Keys typed to the page, not to a field. */
  async function keys(...pressed: string[]): Promise<void> {
    await page.evaluate(`document.activeElement?.blur()`);
    for (const key of pressed) await page.keyboard.press(key);
  }

  it('goes to folders with g and a letter, steps through them with [ and ], and switches conversations with t', async () => {
    await open(1440);
    await keys('g', 'a');
    await expect.poll(() => title()).toBe('Archive');
    // From a folder of the account, g i is that account's Inbox.
    await keys('g', 'i');
    await expect.poll(() => title()).toMatch(/^Inbox/);
    await keys(']');
    await expect.poll(() => title()).toBe('Drafts');
    await keys('[', '[');
    await expect.poll(() => title()).toMatch(/^All inboxes/);
    await keys('g', 't');
    await expect.poll(() => title()).toBe('Sent');
    await keys('g', 'Shift+#');
    await expect.poll(() => title()).toBe('Trash');
    await keys('g', 'd');
    await expect.poll(() => title()).toBe('Drafts');
    // No folder here is the starred one: g s searches for flagged mail.
    await keys('g', 's');
    await expect.poll(() => title()).toBe('Search: is:flagged');
    // Outside an account's folder, g i is the unified Inbox.
    await keys('g', 'i');
    await expect.poll(() => title()).toMatch(/^All inboxes/);
    await expect.poll(() => rows().count()).toBe(4);
    // A g that waits too long is forgotten: the a after it is reply all, with nothing open,
    // so ] steps from All inboxes to the Inbox (from the Archive it would reach Junk).
    await keys('g');
    await page.waitForTimeout(1700);
    await keys('a', ']');
    await expect.poll(() => title()).toMatch(/^Inbox/);
    await keys('[');
    await expect.poll(() => title()).toMatch(/^All inboxes/);

    const conversations = page.getByRole('checkbox', { name: 'Conversations' });
    const before = await conversations.isChecked();
    await keys('t');
    await expect.poll(() => conversations.isChecked()).toBe(!before);
    await keys('t');
    await expect.poll(() => conversations.isChecked()).toBe(before);

    await keys('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const listed of ['g then i', 'g then a', '[ / ]', 't', 'Escape or Backspace']) {
      expect(await help.getByRole('rowheader', { name: listed, exact: true }).count()).toBe(1);
    }
    await help.getByRole('button', { name: 'Close' }).click();
  });

  /** axe's serious and critical violations on the page (the mail's own frame left out). */
  async function audit(view: string): Promise<string[]> {
    if ((await page.evaluate('typeof window.axe')) === 'undefined') await page.evaluate(AXE_SOURCE);
    const found = (await page.evaluate(
      `axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((r) => r.violations)`,
    )) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    return found
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${view}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('in a narrow window the reader in the list’s place and the drawer pass axe', async () => {
    await open(500);
    const found = await audit('list');
    await page.locator('.row', { hasText: 'Weekly newsletter' }).click();
    await expect
      .poll(() => page.locator('.reader-subject').textContent())
      .toBe('Weekly newsletter');
    found.push(...(await audit('reader')));
    await foldersButton().click();
    await drawer().waitFor();
    found.push(...(await audit('drawer')));
    await page.keyboard.press('Escape');
    expect(found).toEqual([]);
  });

  it('in a narrow window opens a message in the list’s place and goes back with Escape or Backspace', async () => {
    await open(500);
    await keys('j', 'Enter');
    await expect.poll(() => page.locator('.reader-subject').isVisible()).toBe(true);
    expect(await page.getByRole('listbox').isVisible()).toBe(false);
    await keys('Escape');
    await expect.poll(() => page.getByRole('listbox').isVisible()).toBe(true);
    // Moving through the list opens nothing: the reader stays out of the way.
    await keys('j');
    expect(await page.locator('.pane-reader').isVisible()).toBe(false);
    await keys('Enter');
    await expect
      .poll(() => page.locator('.reader-subject').textContent())
      .toBe('Weekly newsletter');
    await keys('Backspace');
    await expect.poll(() => page.getByRole('listbox').isVisible()).toBe(true);
    // The keyboard is back in the list, on the message that was open.
    await expect.poll(() => focusIn('[role="listbox"]')).toBe(true);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Lunch on Friday?');
  });
});
