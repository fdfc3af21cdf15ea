// Undo reaches only what its own window did: two browser sessions on one `maildock serve`.
// One archives; the other, freshly loaded, has nothing to undo (its button is disabled and
// `z` sends nothing), while the first's button names the archive and takes it back.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type Browser } from './browser.js';
import { startServedInbox, type ServedInbox } from './served.js';

describe('undo in two sessions', () => {
  let served: ServedInbox;
  let first: Browser;
  let second: Browser;

  beforeAll(async () => {
    served = await startServedInbox();
    [first, second] = await Promise.all([startBrowser(), startBrowser()]);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await served?.close();
  });

  const subjects = (page: Page) => page.locator('.row-subject').allTextContents();
  const undoButton = (page: Page) =>
    page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button').last();

  async function load(browser: Browser, rows: number): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count()).toBe(rows);
    return page;
  }

  it('undoes in the session that archived, and nothing in another one', async () => {
    const mine = await load(first, 4);
    expect(await undoButton(mine).getAttribute('aria-label')).toBe('Nothing to undo');
    expect(await undoButton(mine).isDisabled()).toBe(true);
    await mine.locator('.row', { hasText: 'Lunch on Friday?' }).click();
    await expect.poll(() => mine.locator('.reader-subject').textContent()).toBe('Lunch on Friday?');
    await mine.keyboard.press('e');
    await expect.poll(() => subjects(mine)).not.toContain('Lunch on Friday?');
    await expect
      .poll(() => undoButton(mine).getAttribute('aria-label'))
      .toBe('Undo: moved 1 message to Archive');
    expect(await undoButton(mine).getAttribute('title')).toBe(
      'Undo: moved 1 message to Archive (z)',
    );

    // A fresh load elsewhere: nothing of its own to undo, so neither button nor key acts.
    const other = await load(second, 3);
    const undoCalls: string[] = [];
    other.on('request', (r) => {
      if (r.url().includes('/api/action.undo')) undoCalls.push(r.url());
    });
    expect(await subjects(other)).not.toContain('Lunch on Friday?');
    expect(await undoButton(other).isDisabled()).toBe(true);
    expect(await undoButton(other).getAttribute('aria-label')).toBe('Nothing to undo');
    await other.locator('body').click({ position: { x: 5, y: 5 } });
    await other.keyboard.press('z');
    await other.keyboard.press('Control+z');
    // Keys are handled in order: once `?` has opened the shortcuts, z and Ctrl+Z were seen.
    await other.keyboard.press('?');
    await expect.poll(() => other.getByRole('dialog').count()).toBe(1);
    await other.keyboard.press('Escape');
    // Still archived: nothing was taken back behind the first session.
    await other.reload();
    await expect.poll(() => other.locator('.row').count()).toBe(3);
    expect(undoCalls).toEqual([]);

    // The first session's undo still takes its own archive back.
    await undoButton(mine).click();
    await expect.poll(() => subjects(mine)).toContain('Lunch on Friday?');
    await expect.poll(() => undoButton(mine).isDisabled()).toBe(true);
    await other.reload();
    await expect.poll(() => other.locator('.row').count()).toBe(4);
  });
});
