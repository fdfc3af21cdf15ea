// The mail actions in the web UI end to end: the same private Dovecot, service, HTTP server
// and Chromium as renderer.test.ts. Opening marks read, `s` flags, `e` archives, `#`
// deletes, `z` takes the last delete back; the list follows at once, and after a sync
// through the API the server holds the same flags and folders (read back over IMAP).
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DovecotServer } from '../support/dovecot.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

describe('mail actions in the web UI', () => {
  let dovecot: DovecotServer;
  let served: ServedInbox;
  let browser: Browser;
  let signIn: string;
  let api: (method: string, body: unknown) => Promise<unknown>;
  let page: Page;

  beforeAll(async () => {
    served = await startServedInbox();
    ({ dovecot, signIn, api } = served);
    browser = await startBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const subjects = () => page.locator('.row-subject').allTextContents();
  const row = (subject: string) => page.locator('.row', { hasText: subject });
  async function open(subject: string): Promise<void> {
    await row(subject).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe(subject);
  }

  /** Subjects and flags of a folder on the server, read over IMAP. */
  async function onServer(folder: string): Promise<Record<string, string[]>> {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    c.on('error', () => undefined);
    await c.connect();
    const out: Record<string, string[]> = {};
    try {
      const lock = await c.getMailboxLock(folder);
      try {
        for await (const m of c.fetch('1:*', { envelope: true, flags: true })) {
          out[m.envelope?.subject ?? ''] = [...(m.flags ?? [])].sort();
        }
      } catch {
        // An empty folder has no 1:* to fetch.
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
    return out;
  }

  it('marks, flags, archives, deletes and undoes, and the server agrees after a sync', async () => {
    await page.goto(signIn);
    await expect.poll(() => page.locator('.row').count()).toBe(4);
    expect(await page.locator('.row.unread').count()).toBe(4);
    // The toolbar names its buttons; with nothing selected they wait.
    const toolbar = page.getByRole('toolbar', { name: 'Message actions' });
    for (const name of ['Flag or unflag', 'Mark read or unread', 'Archive', 'Delete', 'Undo']) {
      expect(await toolbar.getByRole('button', { name }).count()).toBe(1);
    }
    expect(await toolbar.getByRole('button', { name: 'Archive' }).isDisabled()).toBe(true);

    // Opening marks read; `s` flags.
    await open('Quarterly report');
    await expect.poll(() => row('Quarterly report').getAttribute('class')).not.toContain('unread');
    await page.keyboard.press('s');
    await expect.poll(() => row('Quarterly report').locator('.mark-flag').count()).toBe(1);
    await expect.poll(() => page.getByRole('status').allTextContents()).not.toEqual([]);

    // `e` archives: the row leaves the Inbox at once, and the notice offers Undo.
    await open('Lunch on Friday?');
    await page.keyboard.press('e');
    await expect
      .poll(subjects)
      .toEqual(['Report draft attached', 'Weekly newsletter', 'Quarterly report']);
    expect(await page.locator('.action-notice').getByRole('button', { name: 'Undo' }).count()).toBe(
      1,
    );

    // `#` deletes; opening an unread message then marks it read, which undo passes over:
    // `z` brings back the deleted one. Then `#` deletes the other.
    await open('Weekly newsletter');
    await page.keyboard.press('#');
    await expect.poll(subjects).toEqual(['Report draft attached', 'Quarterly report']);
    await open('Report draft attached');
    await expect
      .poll(() => row('Report draft attached').getAttribute('class'))
      .not.toContain('unread');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('z');
    await expect
      .poll(subjects)
      .toEqual(['Report draft attached', 'Weekly newsletter', 'Quarterly report']);
    expect(await row('Report draft attached').getAttribute('class')).not.toContain('unread');
    await open('Report draft attached');
    await page.keyboard.press('#');
    await expect.poll(subjects).toEqual(['Weekly newsletter', 'Quarterly report']);
    await page.screenshot({ path: path.join(ARTIFACTS, '9-actions.png'), animations: 'disabled' });

    // The changes reach the server with the next sync.
    const summary = (await api('sync.run', {})) as { errors: unknown[] };
    expect(summary.errors).toEqual([]);
    const inboxNow = await onServer('INBOX');
    expect(Object.keys(inboxNow).sort()).toEqual(['Quarterly report', 'Weekly newsletter']);
    expect(inboxNow['Quarterly report']).toEqual(['\\Flagged', '\\Seen']);
    expect(inboxNow['Weekly newsletter']).toContain('\\Seen');
    expect(Object.keys(await onServer('Archive'))).toEqual(['Lunch on Friday?']);
    expect(Object.keys(await onServer('Trash'))).toEqual(['Report draft attached']);
  });
});
