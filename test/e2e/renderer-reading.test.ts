// Reading in the web UI, end to end against a private Dovecot: conversation view (one row
// per conversation, the whole conversation in the reader, its messages from Sent as well),
// "always load remote content from this sender" and taking that back, moving to a folder
// with `v` (the server has it there after a sync), and the shortcuts list with `?`.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../support/processes.js';
import { makeMail } from '../support/mail.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const day = (d: number, h = 10) => new Date(Date.UTC(2024, 2, d, h));

describe('reading in the web UI', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    const { dovecot, images } = served;
    const carol = 'Carol Hill <carol@example.test>';
    await dovecot.loadMaildir('INBOX', [
      {
        raw: makeMail({
          messageId: '<trip-1@example.test>',
          from: carol,
          subject: 'Trip plans',
          date: day(5),
          text: 'Shall we go in May?',
        }),
        flags: ['\\Seen'],
      },
      {
        raw: makeMail({
          messageId: '<trip-3@example.test>',
          from: carol,
          subject: 'Re: Trip plans',
          inReplyTo: '<trip-2@example.test>',
          references: ['<trip-1@example.test>', '<trip-2@example.test>'],
          date: day(7),
          text: 'Booked the train.',
        }),
      },
      {
        raw: makeMail({
          from: 'Shop News <news@shop.example.test>',
          subject: 'Another newsletter',
          date: day(4, 12),
          text: 'Text version.',
          html: `<h1>Second issue</h1><img src="${images.base}/second.png" width="80" height="20" alt="Banner">`,
        }),
        flags: ['\\Seen'],
      },
    ]);
    await dovecot.loadMaildir('Sent', [
      {
        raw: makeMail({
          messageId: '<trip-2@example.test>',
          to: carol,
          subject: 'Re: Trip plans',
          inReplyTo: '<trip-1@example.test>',
          references: ['<trip-1@example.test>'],
          date: day(6),
          text: 'May works for me.',
        }),
        flags: ['\\Seen'],
      },
    ]);
    await dovecot.loadMaildir('Projects', [{ raw: makeMail({ subject: 'Project kickoff' }) }]);
    await served.api('sync.run', {});
    browser = await startBrowser();
  });

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await served?.close();
  });

  beforeEach(async () => {
    expect(pageErrors).toEqual([]);
    for (const p of browser.context.pages()) await p.close();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(served.signIn);
    // Each test starts from the flat list, whatever the one before left in the settings.
    await page.evaluate("localStorage.removeItem('maildock.threads')");
    await page.reload();
    await expect.poll(() => page.locator('.row').count()).toBe(7);
  });

  const frame = () => page.frameLocator('iframe.mail-frame');
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const open = async (subject: string) => {
    await page.locator('.row', { has: page.locator('.row-subject', { hasText: subject }) }).click();
  };

  it('shows a conversation as one row and whole in the reader, and opening it marks it read', async () => {
    await page.getByLabel('Conversations').check();
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toEqual([
        'Re: Trip plans',
        'Another newsletter',
        'Report draft attached',
        'Weekly newsletter',
        'Lunch on Friday?',
        'Quarterly report',
      ]);
    const row = page.locator('.row').first();
    expect(await row.locator('.row-thread').textContent()).toBe('2');
    expect(await row.getAttribute('class')).toContain('unread');
    await row.click();
    const reader = page.locator('.conversation');
    await expect.poll(() => reader.locator('.conversation-count').textContent()).toBe('3 messages');
    // The read ones are a line each (the reply from Sent among them); the newest is open.
    await expect.poll(() => reader.locator('.conversation-item').count()).toBe(3);
    expect(await reader.locator('.conversation-line').count()).toBe(2);
    expect(await reader.locator('.conversation-folder').allTextContents()).toEqual(['Sent']);
    await expect.poll(() => reader.locator('.plain-body').count()).toBe(1);
    expect(await reader.locator('.plain-body').textContent()).toContain('Booked the train.');
    await reader.locator('.conversation-line', { hasText: 'May works' }).click();
    await expect.poll(() => reader.locator('.plain-body').count()).toBe(2);
    expect(await reader.locator('.plain-body').allTextContents()).toEqual([
      expect.stringContaining('May works for me.'),
      expect.stringContaining('Booked the train.'),
    ]);
    await shot('reading-1-conversation');
    await expect.poll(async () => await row.getAttribute('class')).not.toContain('unread');
    await served.api('sync.run', {});
    const unseen = await served.dovecot.doveadm(
      'search',
      '-u',
      served.dovecot.user,
      'mailbox',
      'INBOX',
      'UNSEEN',
      'HEADER',
      'Subject',
      'Trip',
    );
    expect(unseen.trim()).toBe('');
    // The setting is remembered.
    await page.reload();
    await expect.poll(() => page.locator('.row').count()).toBe(6);
    // Archiving a conversation row archives its messages here; its reply in Sent stays.
    await page.locator('.row').first().click();
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('.row').count()).toBe(5);
    await served.api('sync.run', {});
    const search = (box: string) =>
      served.dovecot
        .doveadm('search', '-u', served.dovecot.user, 'mailbox', box, 'HEADER', 'Subject', 'Trip')
        .then((out) => out.trim().split('\n').filter(Boolean).length);
    expect([await search('INBOX'), await search('Archive'), await search('Sent')]).toEqual([
      0, 2, 1,
    ]);
    await page.keyboard.press('z');
    await expect.poll(() => page.locator('.row').count()).toBe(6);
    await page.getByLabel('Conversations').uncheck();
    await expect.poll(() => page.locator('.row').count()).toBe(7);
  });

  it('loads remote content always from a sender once asked, and blocks it again', async () => {
    const { images } = served;
    await open('Another newsletter');
    await expect.poll(() => frame().locator('h1').textContent()).toBe('Second issue');
    await sleep(300);
    expect(images.hits('/second.png')).toBe(0);
    await page.getByRole('button', { name: 'Always from news@shop.example.test' }).click();
    await expect.poll(() => images.hits('/second.png'), { timeout: 10_000 }).toBe(1);
    // Another message of the same sender shows its images without asking.
    const logo = images.hits('/logo.png');
    await open('Weekly newsletter');
    await expect.poll(() => images.hits('/logo.png'), { timeout: 10_000 }).toBe(logo + 1);
    // Tracking pixels stay out even so.
    expect(images.hits('/track/open')).toBe(0);
    expect(await page.getByRole('button', { name: 'Load images' }).count()).toBe(0);
    await shot('reading-2-remote-allowed-for-sender');
    await page.getByRole('button', { name: 'Block it again' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Load images' }).count()).toBe(1);
    await open('Another newsletter');
    await expect.poll(() => frame().locator('h1').textContent()).toBe('Second issue');
    await sleep(300);
    expect(images.hits('/second.png')).toBe(1);
  });

  it('moves a message to a folder with v, and the server has it there after a sync', async () => {
    await open('Lunch on Friday?');
    await page.locator('.list-scroll').focus();
    await page.keyboard.press('v');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // The focus is in the folder's name at once, and stays there while a sync renders the
    // app anew (the dialog is neither reopened nor remounted).
    await page.evaluate(`document.querySelector('.move-filter').dataset.probe = 'kept'`);
    await served.api('sync.run', {});
    await sleep(300);
    expect(await page.evaluate(`document.activeElement?.dataset.probe ?? null`)).toBe('kept');
    await page.keyboard.type('proj');
    await expect.poll(() => dialog.getByRole('option').allTextContents()).toEqual(['Projects']);
    await shot('reading-3-move-dialog');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .not.toContain('Lunch on Friday?');
    await served.api('sync.run', {});
    const moved = await served.dovecot.doveadm(
      'search',
      '-u',
      served.dovecot.user,
      'mailbox',
      'Projects',
      'HEADER',
      'Subject',
      'Lunch',
    );
    expect(moved.trim()).not.toBe('');
    // Undo brings it back here (and to the server's Inbox with the next sync).
    await page.keyboard.press('z');
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toContain('Lunch on Friday?');
  });

  it('saves an attachment byte for byte, and opens a PDF in a tab of its own', async () => {
    await open('Report draft attached');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('draft.pdf');
    const saved = await readFile((await file.path())!);
    expect(saved.equals(Buffer.from('%PDF-1.4\n'.repeat(300)))).toBe(true);
    const tab = page.context().waitForEvent('page');
    await page.getByRole('button', { name: 'Open' }).click();
    const opened = await tab;
    await expect.poll(() => opened.url()).toMatch(/^blob:/);
    // The tab cannot reach back into the app.
    expect(await opened.evaluate('window.opener')).toBeNull();
    await opened.close();
  });

  it('lists every shortcut with ?, and Escape closes the list', async () => {
    await page.locator('.list-scroll').focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const keys = await dialog.locator('kbd').allTextContents();
    for (const k of ['j / k', 'c', 'r', 'a', 'f', 'e', '#, Delete, Backspace', 'Shift+J', 'v', '?'])
      expect(keys).toContain(k);
    await shot('reading-4-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  // Last: it starts the service's watcher (push), which the tests above do not expect.
  it('asks before notifying, then tells of new mail while the app is in the background', async () => {
    const origin = new URL(served.signIn).origin;
    // Chromium asks the person; here the test answers yes for them.
    await browser.context.grantPermissions(['notifications'], { origin });
    await page.reload();
    await expect.poll(() => page.locator('.row').count()).toBe(7);
    // Every notification the app makes, as the browser makes it (the real one, recorded),
    // and the app in the background: the window has lost the focus.
    await page.evaluate(`(() => {
      window.__notes = [];
      const Real = window.Notification;
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          window.__notes.push(this);
        }
      };
      document.hasFocus = () => false;
    })()`);
    const before = (await served.api('sync.state', {})) as { lastSyncAt: string | null }[];
    await served.t.svc.watch({ pollMs: 60_000 });
    // The watcher's first pass brings what the tests above moved back by undo: let it end.
    await expect
      .poll(async () => {
        const now = (await served.api('sync.state', {})) as { lastSyncAt: string | null }[];
        return now[0]!.lastSyncAt !== before[0]!.lastSyncAt;
      })
      .toBe(true);
    await sleep(500);
    await page.evaluate('window.__notes.length = 0');
    await served.dovecot.append(
      'INBOX',
      makeMail({ subject: 'Fresh news', from: 'Zed <z@example.test>' }),
    );
    await expect
      .poll(() => page.evaluate('window.__notes.map((n) => n.body)'), { timeout: 10_000 })
      .toEqual(['A new message in your Inbox']);
    await expect.poll(() => page.locator('.row-subject').allTextContents()).toContain('Fresh news');
    // Clicking it opens that folder.
    await page.evaluate('window.__notes[0].onclick()');
    await expect.poll(() => page.locator('.pane-title').textContent()).toContain('Inbox');
  });
});
