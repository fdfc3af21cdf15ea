// The message list as Thunderbird and Gmail users expect it, end to end over a real core and
// Dovecot with 304 messages in the Inbox: j/k move the cursor without marking anything read,
// and the listbox names it (aria-activedescendant, posinset/setsize of the whole list) far
// down; o opens; Delete, e and Backspace take the open message away and the next one opens;
// Ctrl+A selects the list; the row menu works from the keyboard; a row dragged onto a folder
// moves there; compact rows fit many more in 900 px; axe finds nothing serious, light or dark;
// Shift+J and the toolbar's Junk move the selection to Junk, and in the Junk folder both say
// not junk.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMail } from '../support/mail.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const BULK = 300;
const TOTAL = BULK + 4;

interface Row {
  id: number;
  subject: string;
  flags: string[];
}
interface Box {
  id: number;
  path: string;
}

describe('the message list’s triage', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  let boxes: Box[];

  beforeAll(async () => {
    served = await startServedInbox();
    await served.dovecot.loadMaildir(
      'INBOX',
      Array.from({ length: BULK }, (_, i) => ({
        raw: makeMail({
          subject: `Bulk message ${i + 1}`,
          date: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000),
          text: `Body ${i + 1}`,
        }),
      })),
    );
    await served.dovecot.doveadm('mailbox', 'create', '-u', served.dovecot.user, 'Projects');
    const summary = (await served.api('sync.run', {})) as { errors: unknown[] };
    expect(summary.errors).toEqual([]);
    boxes = (await served.api('mailbox.list', {})) as Box[];
    browser = await startBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const boxId = (p: string) => boxes.find((b) => b.path === p)!.id;
  /** A folder's messages as the core has them, in the list's order. */
  const inFolder = async (p: string) =>
    (
      (await served.api('message.list', { mailboxId: boxId(p), limit: 1000 })) as {
        messages: Row[];
      }
    ).messages;
  const seen = (rows: Row[]) =>
    rows.filter((m) => m.flags.includes('\\Seen')).map((m) => m.subject);
  const listbox = () => page.getByRole('listbox');
  const reader = () => page.locator('.reader-subject').textContent();
  const attr = (selector: string, name: string) =>
    page.locator(selector).first().getAttribute(name);

  it('moves, opens, deletes, archives and selects by key, and says where the cursor is', async () => {
    const subjects = (await inFolder('INBOX')).map((m) => m.subject);
    expect(subjects.length).toBe(TOTAL);
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.pane-count').textContent()).toBe(String(TOTAL));

    // Far down with j (and one k back): nothing opens, nothing is marked read.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 120; i++) await page.keyboard.press('j');
    await page.keyboard.press('k');
    await expect
      .poll(() => page.locator('.row.cursor .row-subject').textContent())
      .toBe(subjects[118]);
    expect(await page.locator('.reader-subject').count()).toBe(0);
    expect(seen(await inFolder('INBOX'))).toEqual([]);

    // The listbox names the cursor's row, which says its place in the whole list.
    const active = await listbox().getAttribute('aria-activedescendant');
    expect(active).toBeTruthy();
    const cursorRow = page.locator(`[id="${active}"]`);
    expect(await cursorRow.getAttribute('class')).toContain('cursor');
    expect(await cursorRow.getAttribute('aria-posinset')).toBe('119');
    expect(await cursorRow.getAttribute('aria-selected')).toBe('true');
    const sizes = await listbox()
      .getByRole('option')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('aria-setsize'), Number(e.getAttribute('aria-posinset'))]),
      );
    expect(sizes.length).toBeLessThan(60);
    expect(new Set(sizes.map(([size]) => size))).toEqual(new Set([String(TOTAL)]));
    const positions = sizes.map(([, at]) => at as number).sort((a, b) => a - b);
    expect(positions.at(-1)! - positions[0]!).toBe(positions.length - 1);
    // Each rendered row's place is its subject's place in the core's list.
    const placed = await listbox()
      .getByRole('option')
      .evaluateAll((els) =>
        els.map((e) => [
          Number(e.getAttribute('aria-posinset')),
          e.querySelector('.row-subject')?.textContent,
        ]),
      );
    for (const [at, subject] of placed) expect(subject).toBe(subjects[(at as number) - 1]);

    // o opens the cursor's message, which is then read.
    await page.keyboard.press('o');
    await expect.poll(reader).toBe(subjects[118]);
    await expect.poll(async () => seen(await inFolder('INBOX'))).toEqual([subjects[118]]);

    // Delete, e and Backspace: each time the next message (the one below) opens.
    await page.keyboard.press('Delete');
    await expect.poll(reader).toBe(subjects[119]);
    await page.keyboard.press('e');
    await expect.poll(reader).toBe(subjects[120]);
    await page.keyboard.press('Backspace');
    await expect.poll(reader).toBe(subjects[121]);
    expect(await page.locator('.action-notice').getByRole('button', { name: 'Undo' }).count()).toBe(
      1,
    );
    await expect
      .poll(async () => (await inFolder('Trash')).map((m) => m.subject).sort())
      .toEqual([subjects[118], subjects[120]].sort());
    expect((await inFolder('Archive')).map((m) => m.subject)).toEqual([subjects[119]]);
    await expect.poll(() => page.locator('.pane-count').textContent()).toBe(String(TOTAL - 3));
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-triage-keys.png') });

    // Ctrl+A in the list selects the whole list.
    await listbox().focus();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.locator('.reader').textContent()).toMatch(/\d+ messages selected/);
    const rendered = await listbox().getByRole('option').count();
    expect(await page.locator('.row.selected').count()).toBe(rendered);
  });

  it('has a row menu that works from the keyboard', async () => {
    const top = (await inFolder('INBOX'))[0]!.subject;
    await page.locator('.list-scroll').evaluate((el) => (el.scrollTop = 0));
    const row = page.locator('.row', { hasText: top }).first();
    await row.click();
    await expect.poll(reader).toBe(top);
    await expect.poll(() => row.getAttribute('class')).not.toContain('unread');

    await listbox().focus();
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Actions for the message' });
    await expect.poll(() => menu.count()).toBe(1);
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      'Open',
      'Reply',
      'Forward',
      'Mark unread',
      'Flag',
      'Archive',
      'Move to…',
      'Export…',
      'Delete',
    ]);
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toBe('Open');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => menu.count()).toBe(0);
    await expect.poll(() => row.getAttribute('class')).toContain('unread');
    expect(seen(await inFolder('INBOX'))).not.toContain(top);
    await expect
      .poll(() => page.evaluate(`document.activeElement?.getAttribute('role')`))
      .toBe('listbox');

    // The menu key opens it too; Escape closes it, and the keyboard is back in the list.
    await page.keyboard.press('ContextMenu');
    await expect.poll(() => menu.count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-triage-menu.png') });
    expect(await seriousViolations(page, 'row menu open')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expect
      .poll(() => page.evaluate(`document.activeElement?.getAttribute('role')`))
      .toBe('listbox');
  });

  it('moves a message dragged onto a folder', async () => {
    const second = (await inFolder('INBOX'))[1]!.subject;
    await page
      .locator('.row', { hasText: second })
      .first()
      .dragTo(page.locator('.sidebar button.folder', { hasText: 'Projects' }));
    await expect
      .poll(async () => (await inFolder('Projects')).map((m) => m.subject))
      .toEqual([second]);
    await expect.poll(() => page.locator('.row', { hasText: second }).count()).toBe(0);
  });

  it('shows many more rows when compact, and axe finds nothing serious, light or dark', async () => {
    const visible = () =>
      page.locator('.list-scroll').evaluate((list) => {
        const box = list.getBoundingClientRect();
        return [...list.querySelectorAll('[role="option"]')].filter((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= box.top && b.bottom <= box.bottom;
        }).length;
      });
    const threeLines = await visible();
    expect(threeLines).toBeGreaterThanOrEqual(8);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'This app' }).click();
    await page.getByRole('radio', { name: 'Compact: one line a message' }).check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(visible).toBeGreaterThanOrEqual(threeLines * 2);
    expect(await attr('.list-scroll', 'class')).toContain('list-compact');
    // The cursor row far down is named in compact rows too.
    await listbox().focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press('j');
    const active = await listbox().getAttribute('aria-activedescendant');
    expect(await page.locator(`[id="${active}"]`).getAttribute('aria-posinset')).toBe('41');
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-triage-compact.png') });
    const found = await seriousViolations(page, 'compact list, light');

    await page.getByLabel('Theme').selectOption('dark');
    found.push(...(await seriousViolations(page, 'compact list, dark')));
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-triage-compact-dark.png') });
    await page.getByLabel('Theme').selectOption('light');
    expect(found).toEqual([]);
  });

  it('marks the selection as junk with Shift+J and the toolbar, and not junk from the Junk folder', async () => {
    /** The Junk folder's subjects through the API (Maildock makes the folder on first use). */
    const junked = async () => {
      const all = (await served.api('mailbox.list', {})) as (Box & {
        role: string | null;
        name: string;
      })[];
      const junk = all.find((b) => b.role === 'junk' || b.name === 'Junk');
      if (!junk) return [];
      const r = (await served.api('message.list', { mailboxId: junk.id, limit: 1000 })) as {
        messages: Row[];
      };
      return r.messages.map((m) => m.subject).sort();
    };
    const [first, second] = (await inFolder('INBOX')).map((m) => m.subject) as [string, string];
    await page.locator('.list-scroll').evaluate((el) => (el.scrollTop = 0));
    await page.locator('.row', { hasText: first }).first().click();
    await expect.poll(reader).toBe(first);

    // Shift+J: to Junk with the undo notice, and the next message opens in its place.
    await listbox().focus();
    await page.keyboard.press('Shift+J');
    await expect
      .poll(() => page.locator('.action-notice').textContent())
      .toContain('Moved 1 message to Junk');
    await expect.poll(junked).toEqual([first]);
    await expect.poll(reader).toBe(second);

    // The toolbar's button does the same for the selection.
    const toolbar = page.getByRole('toolbar', { name: 'Message actions' });
    const junk = toolbar.getByRole('button', { name: 'Move to Junk', exact: true });
    expect(await junk.getAttribute('title')).toBe('Move to Junk (Shift+J)');
    await junk.click();
    await expect.poll(junked).toEqual([first, second].sort());
    await expect.poll(() => page.locator('.row', { hasText: second }).count()).toBe(0);

    // In the Junk folder both say not junk: back to the Inbox.
    await page.locator('.sidebar').getByText('Junk', { exact: true }).click();
    await expect.poll(() => page.locator('.list-scroll .row').count()).toBe(2);
    const notJunk = toolbar.getByRole('button', { name: 'Not junk: back to the Inbox' });
    expect(await notJunk.textContent()).toBe('Not junk');
    expect(await notJunk.isDisabled()).toBe(true);
    expect(await toolbar.getByRole('button', { name: 'Move to Junk' }).count()).toBe(0);
    await page.locator('.row', { hasText: first }).first().click();
    await notJunk.click();
    await expect.poll(junked).toEqual([second]);
    await page.locator('.row', { hasText: second }).first().click();
    await listbox().focus();
    await page.keyboard.press('Shift+J');
    await expect.poll(junked).toEqual([]);
    const inbox = (await inFolder('INBOX')).map((m) => m.subject);
    expect(inbox).toContain(first);
    expect(inbox).toContain(second);
  });
});
