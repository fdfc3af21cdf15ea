// Compose as a docked pane, end to end (private Dovecot and Postfix, the real service behind
// the real HTTP server, Chromium): the mailbox stays usable while a message is being written
// and the draft goes on saving; Escape closes the topmost thing only; Discard asks once; an
// untouched reply closes without a word and leaves no draft; the quote of a reply is edited
// in the editor and arrives as edited, in the HTML and in the text part.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeMail } from '../support/mail.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { BOB, startServedMail, waitForFolder, type ServedMail } from './served-mail.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

describe('the docked compose pane', () => {
  let served: ServedMail;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedMail({ delaySeconds: 1 });
    await served.dovecot.append(
      'INBOX',
      makeMail({
        from: `Bob Receiver <${BOB.email}>`,
        to: `Alice Sender <${served.alice}>`,
        subject: 'Lunch menu',
        date: new Date(Date.UTC(2024, 2, 5, 9)),
        text: 'Soup and bread on Tuesday.',
      }),
    );
    await served.api('sync.run', {});
    browser = await startBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  beforeEach(async () => {
    for (const p of browser.context.pages()) await p.close();
    page = await browser.context.newPage();
    pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count()).toBe(2);
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const pane = () => page.getByRole('dialog');
  const prompt = () => page.getByRole('alertdialog');
  const editor = () => pane().getByRole('textbox', { name: 'Message text' });
  const drafts = async () =>
    ((await served.api('draft.list', {})) as { subject: string | null }[]).map((d) => d.subject);

  async function newMessage(subject: string, text: string): Promise<void> {
    await page.getByRole('button', { name: 'Compose' }).click();
    await pane().waitFor();
    await pane().getByRole('combobox', { name: 'To', exact: true }).fill(BOB.email);
    await page.keyboard.press('Enter');
    await pane().getByLabel('Subject').fill(subject);
    await editor().click();
    await page.keyboard.type(text);
  }

  async function reply(): Promise<void> {
    await page.locator('.row', { hasText: 'Plans for Friday' }).click();
    await page
      .getByRole('toolbar', { name: 'Answer' })
      .getByRole('button', { name: 'Reply', exact: true })
      .click();
    await expect
      .poll(() => pane().locator('.chip-text').allTextContents())
      .toEqual(['Bob Receiver']);
    await editor().waitFor();
  }

  async function sentToBob(before: number): Promise<Awaited<ReturnType<typeof simpleParser>>> {
    const inbox = await waitForFolder(served, BOB, 'INBOX', before + 1);
    expect(inbox).toHaveLength(before + 1);
    return simpleParser(inbox.at(-1)!);
  }

  it('leaves the mailbox usable while writing; minimized and back, the draft sends as typed', async () => {
    const before = (await served.folder(BOB, 'INBOX')).length;
    await newMessage('While reading', 'First line.');

    // The list and the reader answer with the pane open (a modal would make them inert).
    await page.locator('.row', { hasText: 'Lunch menu' }).click({ timeout: 5000 });
    await expect
      .poll(() => page.locator('.reader').textContent())
      .toContain('Soup and bread on Tuesday.');
    await page.locator('.row', { hasText: 'Plans for Friday' }).click({ timeout: 5000 });
    await expect
      .poll(() => page.locator('.reader').textContent())
      .toContain('Shall we meet at noon?');
    await shot('compose-docked-1-reading');
    // Meanwhile the draft saved itself.
    await expect
      .poll(() => pane().locator('.save-state').textContent(), { timeout: 15_000 })
      .toBe('Saved');
    expect(await drafts()).toContain('While reading');

    // Minimized to its title bar, then restored as it was.
    await pane().getByRole('button', { name: 'Minimize' }).click();
    expect(await editor().isVisible()).toBe(false);
    expect(await pane().getByRole('heading', { name: 'New message' }).isVisible()).toBe(true);
    await shot('compose-docked-2-minimized');
    // Its bar opens it again, as the Restore button does.
    await pane().getByRole('heading', { name: 'New message' }).click();
    await editor().waitFor();
    await pane().getByRole('button', { name: 'Minimize' }).click();
    await pane().getByRole('button', { name: 'Restore' }).click();
    await pane().getByRole('button', { name: 'Enlarge', exact: true }).click();
    expect((await pane().boundingBox())!.width).toBeGreaterThan(1300);
    await shot('compose-docked-3-large');
    await pane().getByRole('button', { name: 'Dock', exact: true }).click();
    await editor().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Second line.');
    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    await pane().waitFor({ state: 'detached' });

    const got = await sentToBob(before);
    expect(got.subject).toBe('While reading');
    expect(got.text?.trim()).toBe('First line. Second line.');
    expect(await drafts()).not.toContain('While reading');
    expect(pageErrors).toEqual([]);
  });

  it('Escape closes the Send later menu only; the next Escape asks, once', async () => {
    await newMessage('Escape order', 'Not yet.');
    await pane().getByRole('button', { name: 'Send later…' }).click();
    const menu = pane().getByRole('group', { name: 'Send later' });
    await menu.waitFor();

    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await prompt().count()).toBe(0);
    expect(await pane().isVisible()).toBe(true);

    await page.keyboard.press('Escape');
    await prompt().waitFor();
    expect(await prompt().count()).toBe(1);
    // Escape on the prompt is "keep writing": the prompt goes, the pane stays.
    await page.keyboard.press('Escape');
    await prompt().waitFor({ state: 'detached' });
    expect(await pane().isVisible()).toBe(true);

    // Discard asks once, and once answered nothing else asks.
    await pane().getByRole('button', { name: 'Discard' }).click();
    expect(await prompt().count()).toBe(1);
    await prompt().getByRole('button', { name: 'Discard' }).click();
    await pane().waitFor({ state: 'detached' });
    expect(await prompt().count()).toBe(0);
    await expect.poll(drafts).not.toContain('Escape order');
    expect(pageErrors).toEqual([]);
  });

  it('closes an untouched reply without asking and keeps no draft of it', async () => {
    await reply();
    await page.keyboard.press('Escape');
    await pane().waitFor({ state: 'detached', timeout: 5000 });
    expect(await prompt().count()).toBe(0);

    // Changed, saved, changed back: closing it still asks nothing and its draft goes.
    await reply();
    await page.keyboard.type('x');
    await expect
      .poll(() => pane().locator('.save-state').textContent(), { timeout: 15_000 })
      .toBe('Saved');
    expect(await drafts()).toContain('Re: Plans for Friday');
    await page.keyboard.press('Backspace');
    await pane().getByRole('button', { name: 'Close and keep as draft' }).click();
    await pane().waitFor({ state: 'detached', timeout: 5000 });
    expect(await prompt().count()).toBe(0);
    await expect.poll(drafts).not.toContain('Re: Plans for Friday');
    expect(pageErrors).toEqual([]);
  });

  it('edits a word inside the quote of a reply; it arrives edited', async () => {
    const before = (await served.folder(BOB, 'INBOX')).length;
    await reply();
    await editor().locator('blockquote').waitFor();
    await page.keyboard.type('One is better.');
    // Double-click "noon" inside the quote, as a writer would, and type over it.
    const box = (await page.evaluate(`(() => {
      const quote = document.querySelector('.editor-content blockquote');
      const walker = document.createTreeWalker(quote, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf('noon');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 4);
        const r = range.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }
      return null;
    })()`)) as { x: number; y: number };
    await page.mouse.dblclick(box.x, box.y);
    await expect
      .poll(() => page.evaluate('getSelection().toString()') as Promise<string>)
      .toBe('noon');
    await page.keyboard.type('one');
    await expect.poll(() => editor().locator('blockquote').textContent()).toContain('at one?');
    await page.keyboard.press('Control+Enter');
    await pane().waitFor({ state: 'detached' });

    const got = await sentToBob(before);
    expect(got.subject).toBe('Re: Plans for Friday');
    expect(got.inReplyTo).toMatch(/^<test-/);
    expect(got.text).toContain('One is better.');
    expect(got.text).toContain('wrote:\n\n> Shall we meet at one?\n> Bob');
    // The core adds no second, unedited quote.
    expect(got.text).not.toContain('noon');
    expect(got.html).toMatch(
      /<blockquote>\s*<p>Shall we meet at one\?<br>Bob<\/p>\s*<\/blockquote>/,
    );
    expect(got.html).not.toContain('noon');
    expect(pageErrors).toEqual([]);
  });

  it('takes the whole width of a narrow window, still minimized to a bar over the list', async () => {
    await page.setViewportSize({ width: 600, height: 800 });
    try {
      await newMessage('Narrow', 'Small screen.');
      const box = (await pane().boundingBox())!;
      expect(box.x).toBe(0);
      expect(box.width).toBe(600);
      await shot('compose-docked-4-narrow');
      await pane().getByRole('button', { name: 'Minimize' }).click();
      const bar = (await pane().boundingBox())!;
      expect(bar.height).toBeLessThan(80);
      expect(bar.y + bar.height).toBe(800);
      await shot('compose-docked-5-narrow-minimized');
      await pane().getByRole('button', { name: 'Close and keep as draft' }).click();
      await pane().waitFor({ state: 'detached' });
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
    await expect.poll(drafts).toContain('Narrow');
    expect(pageErrors).toEqual([]);
  });
});
